"""Password policy and argon2id hashing."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from support_hub.accounts import services
from support_hub.accounts.audit import Actor
from support_hub.accounts.models import AuditEvent, Role, User
from support_hub.accounts.passwords import (
    hash_password,
    needs_rehash,
    policy_problems,
    verify_password,
)
from support_hub.extensions import db
from support_hub.validation import ValidationFailed


def test_twelve_characters_is_the_minimum() -> None:
    assert policy_problems("tulip-river9") == []
    assert "at least 12" in policy_problems("tulip-rive9")[0]


def test_passwords_up_to_128_characters_are_allowed_and_longer_refused() -> None:
    long_passphrase = ("gentle copper meadow lantern " * 5)[:128]
    assert len(long_passphrase) == 128
    assert policy_problems(long_passphrase) == []
    assert "at most 128" in policy_problems(long_passphrase + "x")[0]


@pytest.mark.parametrize(
    "password",
    [
        "password1234",
        "Password2024!",
        "qwertyuiop123",
        "123456789012",
        "iloveyou!!!!",
        "abcabcabcabc",
        "Correct Horse Battery Staple",
    ],
)
def test_common_and_predictable_passwords_are_refused(password: str) -> None:
    assert any("too common" in problem for problem in policy_problems(password))


@pytest.mark.parametrize(
    ("password", "email", "name"),
    [
        ("my supporthub login 1", "x@example.org", ""),
        ("Support Hub forever 22", "x@example.org", ""),
        ("cora.jones is me 2026", "cora.jones@example.org", ""),
        ("hello Margaret 123456", "m@example.org", "Margaret Okafor"),
    ],
)
def test_context_specific_passwords_are_refused(password: str, email: str, name: str) -> None:
    problems = policy_problems(password, email=email, name=name)
    assert any("your name, your email or the service" in problem for problem in problems)


def test_hash_is_argon2id_and_verifies_only_the_right_password() -> None:
    stored = hash_password("orchard lantern 42 velvet")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "orchard lantern 42 velvet")
    assert not verify_password(stored, "orchard lantern 42 velvef")
    assert not verify_password("not a hash", "anything at all")


def test_login_rehashes_a_password_stored_with_old_parameters() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    user = User(
        email="old@example.org",
        role=Role.COORDINATOR,
        password_hash=weak.hash("orchard lantern 42 velvet"),
    )
    db.session.add(user)
    db.session.commit()
    assert needs_rehash(user.password_hash)

    services.authenticate("old@example.org", "orchard lantern 42 velvet", ip="203.0.113.5")

    db.session.refresh(user)
    assert not needs_rehash(user.password_hash)
    assert "m=65536" in user.password_hash
    assert verify_password(user.password_hash, "orchard lantern 42 velvet")
    event = db.session.query(AuditEvent).filter_by(action="login.succeeded").one()
    assert event.after == {"password_rehashed": True}


def test_creating_a_user_with_a_weak_password_is_refused_and_creates_nothing() -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.create_user(
            email="new@example.org",
            role=Role.RESPONDER,
            password="password1234",
            actor=Actor.system(),
        )
    assert "password" in refused.value.errors
    assert db.session.query(User).filter_by(email="new@example.org").count() == 0
