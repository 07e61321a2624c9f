"""Request-level transaction rules (wired by `create_app`), and reads before writes.

`reads_then_writes` lets a service read outside a transaction on PostgreSQL and then either
write one statement, which commits on its own, or begin a transaction for several: the SMS
webhook stores a plain text in two round trips instead of four (BEGIN, read, INSERT, COMMIT).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, current_app, request
from sqlalchemy.orm import Session, scoped_session

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


class WriteWhileReading(Exception):
    """A statement that writes or locks rows ran while `reads_then_writes` allowed only reads.

    Nothing was sent to the database. The caller rolls back and starts over in a transaction.
    """


class Phase(enum.Enum):
    """Where a session started by `reads_then_writes` is (kept on its connection's options)."""

    READING = "reading"  # each statement reads alone; writes and locks are refused
    ONE_WRITE = "one write"  # the next statement commits on its own


_PHASE = "support_hub_phase"
_PLAIN_READ = "SELECT"
_LOCKING = (" FOR UPDATE", " FOR SHARE", " FOR NO KEY UPDATE", " FOR KEY SHARE")


def reads_then_writes(session: Session | scoped_session[Session]) -> bool:
    """PostgreSQL: run the session's statements outside a transaction until it writes.

    Each statement reads its own snapshot, as it would inside the READ COMMITTED transaction a
    request otherwise runs in (no lock was taken on a plain read either way): what the reads see
    is the same, minus the BEGIN. A statement that would write or lock rows raises
    `WriteWhileReading` until the caller says how it will write: `write_one_statement` (that
    statement commits on its own) or `begin_transaction` (several, committed together).

    Returns False, changing nothing, on SQLite (its writers take the write lock before they
    read, `db.begin_write`), when the session has already begun, or is bound to one connection
    (the test suite's rolled-back transaction).
    """
    if isinstance(session, scoped_session):
        session = session()
    bind = session.get_bind()
    if (
        session.in_transaction()
        or not isinstance(bind, sa.Engine)
        or bind.dialect.name != "postgresql"
    ):
        return False
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT", _PHASE: Phase.READING})
    return True


def write_one_statement(session: Session | scoped_session[Session]) -> None:
    """After `reads_then_writes`: the next write commits on its own (one round trip, durable when
    it returns). A second write raises `WriteWhileReading`: it could not commit with the first."""
    session.connection().execution_options(**{_PHASE: Phase.ONE_WRITE})


def begin_transaction(session: Session | scoped_session[Session]) -> None:
    """After `reads_then_writes`: the next statement begins a transaction; `commit` ends it.

    psycopg sends BEGIN before the next statement once autocommit is off. The connection is idle
    between autocommitted statements, so it may be switched; SQLAlchemy puts its isolation level
    back when the connection returns to the pool.
    """
    connection = session.connection()
    connection.execution_options(**{_PHASE: None})
    connection.connection.dbapi_connection.autocommit = False  # type: ignore[union-attr]


def _refuse_writes_while_reading(
    connection: sa.Connection,
    _cursor: Any,
    statement: str,
    _parameters: Any,
    _context: Any,
    _executemany: bool,
) -> None:
    phase = connection.get_execution_options().get(_PHASE)
    if phase is None:
        return
    upper = statement.lstrip().upper()
    if upper.startswith(_PLAIN_READ) and not any(lock in upper for lock in _LOCKING):
        return
    if phase is Phase.ONE_WRITE:
        connection.execution_options(**{_PHASE: Phase.READING})  # a second write is refused
        return
    raise WriteWhileReading(upper.split(None, 1)[0])


def init_app(app: Flask) -> None:
    """On SQLite, a request that may write starts as a writer (BEGIN IMMEDIATE) before it reads.

    A SQLite transaction that has read cannot become a writer once another connection (the
    worker, a webhook) has committed since: it fails at once with "database is locked". Taking
    the write lock first makes concurrent writers wait their turn instead. PostgreSQL: no-op.
    On PostgreSQL, views marked `reads_outside_a_transaction` run without one.
    """

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            sa.event.listen(db.engine, "before_cursor_execute", _refuse_writes_while_reading)

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
