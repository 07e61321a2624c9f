"""Declarative base, shared column types and the clock."""

from __future__ import annotations

import enum
import os
import select
import sqlite3
import threading
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session, mapped_column, scoped_session
from sqlalchemy.types import TypeDecorator

try:
    import fcntl
except ImportError:  # not POSIX: SQLite's busy timeout alone makes writers wait
    fcntl = None  # type: ignore[assignment]

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (the only clock models use)."""
    return datetime.now(UTC)


def new_id() -> str:
    """A fresh identifier: a UUID string, as HSDS uses."""
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator[datetime]):
    """A datetime stored as UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


F = TypeVar("F", bound=enum.Flag)


class FlagSet(TypeDecorator[F], Generic[F]):
    """An `enum.Flag` stored as its integer value, so a set of options fits one indexed column."""

    impl = sa.Integer
    cache_ok = True

    def __init__(self, flag_type: type[F], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.flag_type = flag_type

    def process_bind_param(self, value: F | int | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return int(value.value if isinstance(value, enum.Flag) else value)

    def process_result_value(self, value: int | None, dialect: Dialect) -> F | None:
        return None if value is None else self.flag_type(value)


def str_enum(enum_type: type[enum.Enum], length: int = 32) -> sa.Enum:
    """A portable enum column: VARCHAR of the members' values, no native DB type to migrate."""
    return sa.Enum(
        enum_type,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


id_pk = Annotated[str, mapped_column(sa.String(36), primary_key=True, default=new_id)]
created_at = Annotated[datetime, mapped_column(UTCDateTime(), default=utcnow, nullable=False)]
updated_at = Annotated[
    datetime, mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False)
]


def configure_postgresql_engine(engine: sa.Engine) -> None:
    """Hand out no pooled PostgreSQL connection that the server has already closed.

    A restarted or crashed server leaves every pooled connection dead. SQLAlchemy's
    `pool_pre_ping` finds them with a round trip on every checkout (about a tenth of a plain
    text's handling); an idle connection the server has closed is instead readable (the end of
    the stream, or the server's goodbye), which one `poll` without waiting tells. Such a
    connection is discarded and the pool connects afresh before the request sees it.
    """
    if engine.dialect.name != "postgresql":
        return

    @sa.event.listens_for(engine, "checkout")
    def _discard_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if server_closed(dbapi_connection):
            raise sa.exc.DisconnectionError("the server closed this pooled connection")


def server_closed(connection: Any) -> bool:
    """True when an idle psycopg connection is closed, or the server has written to it (which,
    on an idle connection we never LISTEN on, means it is going away)."""
    if connection.closed or connection.broken:
        return True
    try:
        fd = connection.pgconn.socket
    except Exception:  # psycopg.OperationalError: the connection has no socket any more
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


def configure_sqlite_engine(engine: sa.Engine) -> None:
    """Make SQLite behave like the PostgreSQL the code is written for.

    pysqlite's own transaction handling skips BEGIN and breaks SAVEPOINT; we issue BEGIN
    ourselves. Foreign keys on, WAL so readers don't block the writer, and a busy timeout so
    concurrent writers (web and worker) wait instead of failing. On a database file, writers
    that begin with `begin_write` also queue on a lock file (`QueuedWriterConnection`).
    """
    if engine.dialect.name != "sqlite":
        return
    database = engine.url.database or ""
    lock_path = None if database in ("", ":memory:") else f"{database}-writer.lock"

    @sa.event.listens_for(engine, "do_connect")
    def _queued_writers(_dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
        if lock_path is not None and fcntl is not None:
            cparams["factory"] = QueuedWriterConnection

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        if isinstance(dbapi_connection, QueuedWriterConnection):
            dbapi_connection.writer_lock_path = lock_path
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # A transaction that will write takes the write lock up front (see `begin_write`).
        immediate = connection.get_execution_options().get("sqlite_begin") == "immediate"
        if not immediate:
            connection.exec_driver_sql("BEGIN")
            return
        dbapi_connection = connection.connection.dbapi_connection
        queued = isinstance(dbapi_connection, QueuedWriterConnection)
        if queued:
            dbapi_connection.wait_for_writer_turn()
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            if queued:
                dbapi_connection.let_next_writer_in()
            raise


class QueuedWriterConnection(sqlite3.Connection):
    """A pysqlite connection whose writing transactions queue on a lock file beside the database.

    SQLite makes a writer that finds the write lock taken sleep and retry (1, 2, 5, 10, 15, 20,
    25 ... ms), and the writer that just committed usually takes the lock again before the
    sleeper wakes: with two gunicorn workers writing flat out, most of the time went to those
    sleeps (webhook throughput fell to a quarter of one worker's). Waiting on an OS lock
    (`flock`) instead, a writer wakes the moment the previous one commits. SQLite's own lock
    and busy timeout still guard writers that do not queue (BEGIN without IMMEDIATE).
    """

    writer_lock_path: str | None = None
    _lock_fd: int | None = None
    _holding = False

    def wait_for_writer_turn(self) -> None:
        """Block until no other queued writer (thread or process) is inside a transaction."""
        if self.writer_lock_path is None or fcntl is None:
            return
        if getattr(_this_thread, "writing", False):
            # This thread already writes on another connection: waiting for itself would hang
            # forever; let SQLite's busy timeout report the conflict as it always did.
            return
        if self._lock_fd is None:
            self._lock_fd = os.open(self.writer_lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        self._holding = True
        _this_thread.writing = True

    def let_next_writer_in(self) -> None:
        if self._holding and self._lock_fd is not None and fcntl is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            self._holding = False
            _this_thread.writing = False

    # The lock is released only after SQLite's COMMIT or ROLLBACK has finished.
    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.let_next_writer_in()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.let_next_writer_in()

    def close(self) -> None:
        try:
            self.let_next_writer_in()
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None
        finally:
            super().close()


_this_thread = threading.local()


def begin_write(session: Session | scoped_session[Session]) -> None:
    """Make the session's next transaction a writer (call before its first query).

    On SQLite a transaction that reads and then writes fails at once with "database is locked"
    when another connection wrote in between (WAL cannot upgrade a stale snapshot, and the busy
    timeout does not apply); BEGIN IMMEDIATE takes the write lock first, so concurrent writers
    (web requests, worker threads) wait their turn instead. PostgreSQL needs nothing.
    """
    if isinstance(session, scoped_session):
        session = session()
    if session.in_transaction() or session.get_bind().dialect.name != "sqlite":
        return
    session.connection(execution_options={"sqlite_begin": "immediate"})


# Tables a bulk directory load changes; their statistics steer the search's join order.
DIRECTORY_TABLES = ("organization", "service", "location", "service_at_location", "service_area")
# Below this many rows a load barely moves the statistics; ANALYZE would cost more than it buys.
BULK_LOAD_ROWS = 500


def refresh_statistics(session: Session | scoped_session[Session], tables: Iterable[str]) -> None:
    """PostgreSQL: ANALYZE `tables` after a bulk load, and commit.

    The planner picks the search's join order from these statistics. Left stale (a server with
    autovacuum off, or before autovacuum gets round to it), a table that grew from 0 to 100,000
    rows still looks empty, and the nearest-first search becomes a nested loop over every
    service: minutes instead of milliseconds (seen on this project's benchmark databases).
    SQLite: nothing (its query plans here do not depend on statistics).
    """
    if isinstance(session, scoped_session):
        session = session()
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(sa.text("ANALYZE " + ", ".join(tables)))
    session.commit()
