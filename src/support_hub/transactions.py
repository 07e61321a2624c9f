"""Request-level transaction rules (wired by `create_app`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
from flask import Flask, current_app, request

from support_hub.db import begin_write
from support_hub.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
View = TypeVar("View", bound=Callable[..., object])


def begins_its_own_writes(view: View) -> View:
    """Mark a view whose service calls `begin_write` itself before its first query.

    Such a view does its reading-free work (signature checks, form parsing) before it takes
    SQLite's write lock, so concurrent writers queue for less time (the SMS webhook).
    """
    view.begins_its_own_writes = True  # type: ignore[attr-defined]
    return view


def reads_outside_a_transaction(view: View) -> View:
    """Mark a view that only reads: on PostgreSQL its statements run without a transaction.

    Under READ COMMITTED (PostgreSQL's default) each statement takes its own snapshot anyway, so
    a reader sees nothing different. PostgreSQL is spared the BEGIN and ROLLBACK (about 0.5 ms of
    its CPU per search, a fifth of it), and psycopg keeps the statements it has prepared, which
    it drops on every ROLLBACK. Such a view must not write: each write would commit on its own.
    """
    view.reads_outside_a_transaction = True  # type: ignore[attr-defined]
    return view


def init_app(app: Flask) -> None:
    """On SQLite, a request that may write starts as a writer (BEGIN IMMEDIATE) before it reads.

    A SQLite transaction that has read cannot become a writer once another connection (the
    worker, a webhook) has committed since: it fails at once with "database is locked". Taking
    the write lock first makes concurrent writers wait their turn instead. PostgreSQL: no-op.
    On PostgreSQL, views marked `reads_outside_a_transaction` run without one.
    """

    @app.before_request
    def _writers_first() -> None:
        if request.method in SAFE_METHODS:
            return
        view = current_app.view_functions.get(request.endpoint or "")
        if not getattr(view, "begins_its_own_writes", False):
            begin_write(db.session)

    @app.before_request
    def _readers_without_a_transaction() -> None:
        view = current_app.view_functions.get(request.endpoint or "")
        if not getattr(view, "reads_outside_a_transaction", False):
            return
        bind = db.session.get_bind()
        # A session that has begun (a signed-in user was loaded) or is bound to one connection
        # (the tests' rolled-back outer transaction) keeps its transaction.
        if (
            isinstance(bind, sa.Engine)
            and bind.dialect.name == "postgresql"
            and not db.session().in_transaction()
        ):
            db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
