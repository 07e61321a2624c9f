"""Shared fixtures: one app and schema per run, one rolled-back transaction per test.

The suite runs on a fresh SQLite file by default and on PostgreSQL when `TEST_DATABASE_URL` is
set. Either way the schema is built from empty by the Alembic migrations at the start of the run,
so the database may hold anything an earlier run left.

Each test runs inside an outer transaction that is rolled back afterwards; services still call
`commit()`, which only releases a SAVEPOINT. Tests that start other processes (servers, workers)
need real commits: mark them `@pytest.mark.real_commits` and every table is emptied afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.globals import app_ctx
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from hypothesis import HealthCheck, settings
from sqlalchemy.orm import scoped_session, sessionmaker

from support_hub import create_app
from support_hub.config import normalise_database_url
from support_hub.extensions import db

SHARED_DIR = Path(__file__).resolve().parents[2] / "shared"

# `HYPOTHESIS_PROFILE=reliability` (the reliability suite) gives every property test without a
# count of its own many more examples; the fuzz tests scale with it too (tests/fuzzing.py).
settings.register_profile(
    "reliability",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "real_commits: the test commits for real (other processes must see the data)"
    )


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    given = os.environ.get("TEST_DATABASE_URL", "").strip()
    if given:
        return normalise_database_url(given)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'support_hub_test.db'}"


def settings_for_tests(database_url: str, instance: Path) -> dict[str, str]:
    """Configuration for an app under test; independent of the developer's environment."""
    return {
        "APP_ENV": "testing",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "INSTANCE_PATH": str(instance),
        "SMS_BACKEND": "console",
        "GEOCODER": "offline",
        "HUB_NAME": "Support Hub",
        "PUBLIC_BASE_URL": "",
        "TWILIO_ACCOUNT_SID": "",
        "TWILIO_AUTH_TOKEN": "",
        "TWILIO_FROM_NUMBER": "",
        "TWILIO_MESSAGING_SERVICE_SID": "",
        "TWILIO_API_BASE_URL": "",
    }


def drop_everything(engine: sa.Engine) -> None:
    """Empty the test database completely, whatever an earlier run left in it."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
        else:
            metadata = sa.MetaData()
            metadata.reflect(connection)
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for table in reversed(metadata.sorted_tables):
                table.drop(connection)
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


@pytest.fixture(scope="session")
def settings_overrides(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    return settings_for_tests(database_url, tmp_path_factory.mktemp("instance"))


@pytest.fixture(scope="session")
def app(settings_overrides: dict[str, str]) -> Iterator[Flask]:
    app = create_app(settings_overrides)
    with app.app_context():
        drop_everything(db.engine)
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def empty_all_tables() -> None:
    """Delete every row (for tests that really commit)."""
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


def _app_context_id() -> int:
    # Scope sessions to the app context, as Flask-SQLAlchemy does in the running app.
    return id(app_ctx._get_current_object())  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def db_transaction(request: pytest.FixtureRequest, app: Flask) -> Iterator[None]:
    """Run the test in a transaction rolled back at the end (see module docstring)."""
    with app.app_context():
        if request.node.get_closest_marker("real_commits"):
            yield
            db.session.remove()
            empty_all_tables()
            return
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=_app_context_id,
        )
        try:
            yield
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def cli(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def shared_dir() -> Path:
    """`../shared` beside the repo (absent in a user's clone: tests that need it skip)."""
    if not SHARED_DIR.is_dir():
        pytest.skip("../shared is not beside this clone (it holds the HSDS schemas and specs)")
    return SHARED_DIR
