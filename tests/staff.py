"""Staff fixtures' building blocks: users, logging in through the real form, a settable clock."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from support_hub.accounts.models import Role, User
from support_hub.accounts.passwords import hash_password
from support_hub.extensions import db

PASSWORD = "lantern orchard velvet 7 compass"


@functools.cache
def password_hash() -> str:
    """One real argon2id hash of PASSWORD, made once per run (hashing costs ~0.1 s)."""
    return hash_password(PASSWORD)


def make_user(
    role: Role, email: str | None = None, *, name: str = "", phone: str | None = None
) -> User:
    """A staff account with PASSWORD, committed (into the test's transaction)."""
    user = User(
        email=email or f"{role.value}@example.org",
        name=name,
        phone=phone,
        role=role,
        password_hash=password_hash(),
    )
    db.session.add(user)
    db.session.commit()
    return user


def log_in(client: FlaskClient, user: User, password: str = PASSWORD) -> None:
    """Log in through the real login form; fails the test if the login does not succeed."""
    response = client.post("/account/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)


def csrf_token_from(html: str) -> str:
    """The CSRF token in a rendered form."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no csrf_token field on the page"
    return match.group(1)


class Clock:
    """A clock the test moves by hand; install it as the app's clock (see `clock` fixtures)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 2, 15, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


# Fixtures, imported by tests/accounts/conftest.py and tests/portal/conftest.py.


@pytest.fixture
def admin() -> User:
    return make_user(Role.ADMIN, name="Ada Admin")


@pytest.fixture
def coordinator() -> User:
    return make_user(Role.COORDINATOR, name="Cora Coordinator")


@pytest.fixture
def responder() -> User:
    return make_user(Role.RESPONDER, name="Remy Responder", phone="+16175550142")


@pytest.fixture
def clock(app: Flask) -> Iterator[Clock]:
    """The app's clock, moved by the test (no sleeping)."""
    fake = Clock()
    app.extensions["support_hub.clock"] = fake
    yield fake
    del app.extensions["support_hub.clock"]


@pytest.fixture
def csrf_on(app: Flask) -> Iterator[None]:
    """CSRF checks as in production (the test configuration turns them off)."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def open_session(client: FlaskClient, user: User) -> None:
    """Give `client` a fresh live session for `user` without a password check (fast)."""
    from support_hub.accounts.auth import SESSION_KEY
    from support_hub.accounts.services import start_session
    from support_hub.db import begin_write, utcnow

    # As a web request would (transactions.py): end any read and start as a writer, so a
    # worker thread writing at the same moment (SQLite) makes this wait, not fail "locked".
    db.session.commit()
    begin_write(db.session)
    token = start_session(user, ip="127.0.0.1", now=utcnow())
    db.session.commit()
    with client.session_transaction() as session:
        session.clear()
        session[SESSION_KEY] = token
        session["_user_id"] = user.id
        session["_fresh"] = True
