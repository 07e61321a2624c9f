"""On SQLite a request that may write holds the write lock from its start (transactions.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from flask import Flask

from support_hub import create_app
from support_hub.extensions import db
from tests.conftest import settings_for_tests


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
