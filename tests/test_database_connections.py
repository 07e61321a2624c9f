"""Pooled PostgreSQL connections that the server closed are never handed to a request.

PostgreSQL only (a restart or crash closes every pooled connection; SQLite's never go stale).
The server end is killed with pg_terminate_backend, as a restart kills it.
"""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask

from support_hub import create_app
from support_hub.db import server_closed
from support_hub.extensions import db
from tests.conftest import settings_for_tests


@pytest.fixture
def own_app(database_url: str, tmp_path: Path) -> Flask:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite connections are files, never closed by a server")
    return create_app(settings_for_tests(database_url, tmp_path))


def _dsn(engine_or_url: sa.Engine | str) -> str:
    url = engine_or_url.url if isinstance(engine_or_url, sa.Engine) else sa.make_url(engine_or_url)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _terminate(engine: sa.Engine, pid: int) -> None:
    """Kill one server process from a connection outside the pool, and wait until it is gone."""
    with psycopg.connect(_dsn(engine), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (pid,))
        for _ in range(100):
            row = other.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,))
            if not row.fetchone()[0]:  # type: ignore[index]
                return
            time.sleep(0.02)
    raise AssertionError(f"backend {pid} still alive")


def test_a_connection_the_server_closed_is_replaced_before_a_query_uses_it(
    own_app: Flask,
) -> None:
    with own_app.app_context():
        engine = db.engine
        with engine.connect() as connection:
            first_pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        assert engine.pool.checkedin() == 1  # type: ignore[attr-defined]
        _terminate(engine, int(first_pid))

        with engine.connect() as connection:
            # Without the check on checkout this raised OperationalError (server closed).
            second_pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        assert second_pid != first_pid
        engine.dispose()


@pytest.mark.real_commits  # the requests must use own_app's pool, not the test's transaction
def test_requests_after_the_server_closed_the_pool_answer_normally(own_app: Flask) -> None:
    client = own_app.test_client()
    assert client.get("/api/v1/services?near=02139").status_code == 200
    with own_app.app_context():
        assert db.engine.pool.checkedin() == 1  # type: ignore[attr-defined]
        with db.engine.connect() as pooled:  # the one the request used, back in the pool
            pid = int(pooled.exec_driver_sql("SELECT pg_backend_pid()").scalar())
        _terminate(db.engine, pid)
    assert client.get("/api/v1/services?near=02139").status_code == 200
    with own_app.app_context():
        db.engine.dispose()


def test_server_closed_tells_a_live_connection_from_a_killed_one(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    dsn = _dsn(database_url)
    with psycopg.connect(dsn) as victim, psycopg.connect(dsn, autocommit=True) as killer:
        assert not server_closed(victim)
        killer.execute("SELECT pg_terminate_backend(%s)", (victim.info.backend_pid,))
        deadline = time.monotonic() + 5
        while not server_closed(victim):
            assert time.monotonic() < deadline, "a killed connection still looked open"
            time.sleep(0.02)
