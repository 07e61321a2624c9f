"""Request-level transaction rules (transactions.py): SQLite writers first, readers without one."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask

from support_hub import create_app, transactions
from support_hub.extensions import db
from tests.conftest import settings_for_tests
from tests.directory.conftest import add_listing


def _write_lock_is_free(path: Path) -> bool:
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Flask:
    path = tmp_path / "hub.db"
    app = create_app(settings_for_tests(f"sqlite:///{path}", tmp_path))
    app.config["DB_PATH"] = path
    seen: dict[str, bool] = {}
    app.config["SEEN"] = seen

    @app.route("/_probe", methods=["GET", "POST"])
    def probe() -> str:
        # Look before this request writes anything: is the write lock already ours?
        seen["lock_free"] = _write_lock_is_free(path)
        return "ok"

    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        db.metadata.create_all(db.engine)
    return app


@pytest.mark.real_commits  # its own app and database file, not the test transaction
def test_a_post_takes_the_sqlite_write_lock_before_it_reads(sqlite_app: Flask) -> None:
    client = sqlite_app.test_client()
    assert client.post("/_probe").status_code == 200
    assert sqlite_app.config["SEEN"]["lock_free"] is False


@pytest.mark.real_commits
def test_a_get_does_not_take_the_write_lock(sqlite_app: Flask) -> None:
    client = sqlite_app.test_client()
    assert client.get("/_probe").status_code == 200
    assert sqlite_app.config["SEEN"]["lock_free"] is True


def _autocommit_per_statement(app: Flask, url: str) -> list[bool]:
    """Whether each statement `url` ran was outside a transaction (psycopg's autocommit)."""
    seen: list[bool] = []

    def record(conn: sa.Connection, *_args: object) -> None:
        seen.append(bool(conn.connection.dbapi_connection.autocommit))  # type: ignore[union-attr]

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert app.test_client().get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
        # The test's app context outlives the request: end its session as a request's end would.
        db.session.remove()
    return seen


@pytest.mark.real_commits  # the app's own sessions and pool, as in production
def test_the_search_api_reads_outside_a_transaction_on_postgresql(app: Flask) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL rule (TEST_DATABASE_URL)")
    add_listing("near", 42.3625, -71.0862)
    db.session.commit()
    db.session.remove()
    search = "/api/v1/services?lat=42.3625&lng=-71.0862"
    assert _autocommit_per_statement(app, search) == [True] * 4  # nearest, online, page, places
    # Other views keep their transaction, and the pool hands connections back as they were.
    assert set(_autocommit_per_statement(app, "/hsds/services")) == {False}
    with db.engine.connect() as connection:
        assert connection.connection.dbapi_connection.autocommit is False  # type: ignore[union-attr]


@pytest.mark.real_commits
def test_postgresql_plans_each_search_statement_once_not_every_request(
    app: Flask, database_url: str, tmp_path: Path
) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL rule (TEST_DATABASE_URL)")
    add_listing("near", 42.3625, -71.0862, areas=(("state", "MA"),))
    db.session.commit()
    db.session.remove()
    # An app of its own: one pooled connection, and a request's end as in production.
    own = create_app(settings_for_tests(database_url, tmp_path))
    client = own.test_client()
    for _ in range(12):
        assert client.get("/api/v1/services?lat=42.3625&lng=-71.0862").status_code == 200
    with own.app_context():
        assert db.engine.pool.checkedin() == 1
        prepared = db.session.execute(
            sa.text("SELECT statement, generic_plans FROM pg_prepared_statements")
        ).all()
        db.session.remove()
        db.engine.dispose()
    # psycopg prepares a statement on its fifth run; PostgreSQL plans the first five executions
    # of a prepared statement afresh, then keeps one generic plan (a LIMIT it cannot see made
    # that plan look dearer than planning every time, so it never switched).
    (nearest,) = [(sql, generic) for sql, generic in prepared if "ll_to_earth" in sql]
    (online,) = [(sql, generic) for sql, generic in prepared if "service_area" in sql]
    assert nearest[1] > 0 and online[1] > 0, prepared
    # Its page size is written in, not bound (at 1M listings PostgreSQL kept planning afresh).
    assert "LIMIT 21" in nearest[0] and "LIMIT 11" in online[0], prepared


# --- reads_then_writes (PostgreSQL): reads outside a transaction, then one write or a transaction

_SCRATCH = sa.Table(
    "scratch_reads_then_writes",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
)


@pytest.fixture
def scratch(app: Flask) -> Iterator[sa.Table]:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL rule (TEST_DATABASE_URL)")
    _SCRATCH.create(db.engine, checkfirst=True)
    yield _SCRATCH
    db.session.remove()
    _SCRATCH.drop(db.engine)


def _committed_ids() -> list[int]:
    with db.engine.connect() as other:
        return list(other.scalars(sa.select(_SCRATCH.c.id).order_by(_SCRATCH.c.id)))


def _in_transaction() -> bool:
    dbapi = db.session.connection().connection.dbapi_connection
    return dbapi.info.transaction_status != psycopg.pq.TransactionStatus.IDLE  # type: ignore[union-attr]


@pytest.mark.real_commits
def test_reads_run_outside_a_transaction_and_a_write_is_refused_unsent(
    scratch: sa.Table,
) -> None:
    assert transactions.reads_then_writes(db.session)
    assert db.session.execute(sa.select(scratch.c.id)).all() == []
    assert not _in_transaction()
    with pytest.raises(transactions.WriteWhileReading):
        db.session.execute(scratch.insert().values(id=1))
    db.session.rollback()
    with pytest.raises(transactions.WriteWhileReading):
        assert transactions.reads_then_writes(db.session)
        db.session.execute(sa.select(scratch.c.id).with_for_update())  # a lock is a write
    db.session.rollback()
    assert _committed_ids() == []


@pytest.mark.real_commits
def test_one_write_commits_on_its_own_and_a_second_is_refused(scratch: sa.Table) -> None:
    assert transactions.reads_then_writes(db.session)
    db.session.execute(sa.select(scratch.c.id)).all()
    transactions.write_one_statement(db.session)
    db.session.execute(scratch.insert().values(id=1))
    assert _committed_ids() == [1]  # durable before any commit()
    db.session.execute(sa.select(scratch.c.id)).all()  # reads are still fine
    with pytest.raises(transactions.WriteWhileReading):
        db.session.execute(scratch.insert().values(id=2))
    db.session.rollback()
    assert _committed_ids() == [1]


@pytest.mark.real_commits
def test_a_transaction_begun_after_the_reads_commits_its_writes_together(
    scratch: sa.Table,
) -> None:
    assert transactions.reads_then_writes(db.session)
    db.session.execute(sa.select(scratch.c.id)).all()
    transactions.begin_transaction(db.session)
    db.session.execute(scratch.insert().values(id=1))
    assert _in_transaction()
    db.session.execute(scratch.insert().values(id=2))
    assert _committed_ids() == []
    db.session.rollback()
    assert _committed_ids() == []
    db.session.remove()
    assert transactions.reads_then_writes(db.session)
    transactions.begin_transaction(db.session)
    db.session.execute(scratch.insert().values(id=1))
    db.session.execute(scratch.insert().values(id=2))
    db.session.commit()
    assert _committed_ids() == [1, 2]
    db.session.remove()
    # The pool hands the connection back as it was: autocommit off, nothing open.
    with db.engine.connect() as connection:
        assert connection.connection.dbapi_connection.autocommit is False  # type: ignore[union-attr]


def test_reads_then_writes_changes_nothing_inside_a_transaction_or_on_sqlite() -> None:
    # The suite's session is bound to one connection (and on SQLite, SQLite's writers lock first).
    assert transactions.reads_then_writes(db.session) is False
    assert db.session.execute(sa.select(sa.literal(1))).scalar() == 1
