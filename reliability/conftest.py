"""The reliability suite's fixtures: the test suite's app and database, a scale, a record.

Run it with `pytest reliability` (short scale, minutes) or `pytest reliability --scale full`
(`make reliability`). Every scenario needs PostgreSQL (`TEST_DATABASE_URL`) and skips on SQLite.
The app, schema and per-test database handling are tests/conftest.py's, imported here so the two
suites build the database the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask

from bench.harness import machine
from tests.conftest import (  # noqa: F401 (fixtures and the marker hook, shared with tests/)
    app,
    database_url,
    db_transaction,
    pytest_configure,
    settings_overrides,
)
from tests.outbox.conftest import fake_twilio  # noqa: F401

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "build" / "reliability"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--scale",
        choices=("short", "full"),
        default="short",
        help="short: a few minutes in all (CI); full: the figures in reliability/README.md",
    )


@pytest.fixture(scope="session")
def scale(request: pytest.FixtureRequest) -> str:
    value: str = request.config.getoption("--scale")
    return value


@pytest.fixture(autouse=True)
def _postgresql_only(app: Flask) -> None:  # noqa: F811 (the imported fixture)
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip(
            "the reliability suite runs on PostgreSQL only (the production layout: gunicorn "
            "and worker processes sharing one database); set TEST_DATABASE_URL"
        )


Record = Callable[[dict[str, object]], None]


@pytest.fixture
def record(request: pytest.FixtureRequest, scale: str) -> Iterator[Record]:
    """Print a scenario's figures and write them to build/reliability/<scenario>.json."""
    scenario = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    figures: dict[str, object] = {}

    def add(values: dict[str, object]) -> None:
        figures.update(values)
        for key, value in values.items():
            print(f"[{scenario}] {key}: {value}")

    yield add
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = {
        "scenario": scenario,
        "test": request.node.name,
        "scale": scale,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "figures": figures,
    }
    (RESULTS / f"{scenario}.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
