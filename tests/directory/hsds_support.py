"""Helpers for the HSDS tests: the official schemas, a small directory, a query counter."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from support_hub.db import Base
from support_hub.directory import hsds
from support_hub.directory.seed import SeedReport, load_seed, read_seed
from support_hub.extensions import db

DIRECTORY_TABLES = (
    "attribute",
    "taxonomy_term",
    "taxonomy",
    "language",
    "phone",
    "schedule",
    "cost_option",
    "service_area",
    "accessibility",
    "address",
    "service_at_location",
    "service",
    "location",
    "organization",
)


def official_schemas(shared_dir: Path) -> Path:
    return shared_dir / "hsds-3.0" / "schema"


def assert_valid(schema: str, instance: Any, schema_dir: Path) -> None:
    """Fail with every problem when `instance` breaks the official `schema`."""
    problems = hsds.validate(schema, instance, schema_dir)
    assert not problems, "\n".join(f"{p.path}: {p.message}" for p in problems[:20])


def response_schema(path: str) -> str:
    """A pointer to the 200 response schema of one OpenAPI path (`/services`)."""
    escaped = path.replace("~", "~0").replace("/", "~1")
    return f"openapi.json#/paths/{escaped}/get/responses/200/content/application~1json/schema"


def load_small_seed() -> SeedReport:
    """A slice of the demo directory: four organizations' services and every confidential one."""
    data = read_seed()
    keys = {item["key"] for item in data["organizations"][:4]}
    keys |= {
        item["organization"]
        for item in data["services"]
        if (item.get("location") or {}).get("confidential")
    }
    return load_seed(
        {
            "organizations": [item for item in data["organizations"] if item["key"] in keys],
            "services": [item for item in data["services"] if item["organization"] in keys],
        }
    )


def empty_directory() -> None:
    """Delete every directory row (inside the test's transaction)."""
    for name in DIRECTORY_TABLES:
        db.session.execute(sa.delete(Base.metadata.tables[name]))
    db.session.commit()


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    """Every directory row, sorted, to compare before and after."""
    return {
        name: sorted(db.session.execute(sa.select(Base.metadata.tables[name])).all(), key=repr)
        for name in DIRECTORY_TABLES
    }


@contextmanager
def counted_queries() -> Iterator[list[str]]:
    """Collect the SQL statements run inside the block."""
    statements: list[str] = []
    engine = db.session.get_bind()

    def record(*args: Any) -> None:
        statements.append(args[2])

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
