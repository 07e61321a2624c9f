"""The migrations build the schema the models describe, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade

from support_hub.extensions import db
from support_hub.inbox.models import Alert
from support_hub.sms.models import InboundMessage, Person
from tests.conftest import drop_everything


def only_for_other_dialects(obj: object, dialect: str) -> bool:
    """A schema object limited with `ddl_if(dialect=...)` to another database engine."""
    ddl_if = getattr(obj, "_ddl_if", None)
    return ddl_if is not None and ddl_if.dialect not in (None, dialect)


def pending_diff() -> list[object]:
    with db.engine.connect() as connection:
        dialect = connection.dialect.name
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "render_as_batch": True,
                "include_object": lambda obj, name, type_, reflected, compare_to: (
                    not (only_for_other_dialects(obj, dialect))
                ),
            },
        )
        with warnings.catch_warnings():
            # SQLite cannot reflect expression indexes; the PostgreSQL-only one is skipped there
            # on purpose (include_object above), and alembic says so first.
            warnings.filterwarnings(
                "ignore", "autogenerate skipping metadata-specified expression-based index"
            )
            return list(compare_metadata(context, db.metadata))


@pytest.mark.real_commits
def test_upgrade_from_empty_matches_the_models(app: Flask) -> None:
    drop_everything(db.engine)
    assert sa.inspect(db.engine).get_table_names() == []
    upgrade()
    tables = set(sa.inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables
    assert pending_diff() == []


@pytest.mark.real_commits
def test_downgrade_to_base_and_back_up(app: Flask) -> None:
    downgrade(revision="base")
    assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert pending_diff() == []


def _rows(table: sa.Table, **values: object) -> dict[str, object]:
    """A row for `table` with the model's Python defaults filled in (ids, timestamps)."""
    row = dict(values)
    for column in table.columns:
        if column.name not in row and column.default is not None and column.default.is_callable:
            row[column.name] = column.default.arg(None)  # type: ignore[union-attr]
    return row


@pytest.mark.real_commits
def test_0009_merges_duplicate_unresolved_alerts_before_it_forbids_them(app: Flask) -> None:
    t0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    downgrade(revision="0008_inbox")
    alert, person, message = Alert.__table__, Person.__table__, InboundMessage.__table__
    with db.engine.begin() as connection:
        for n in (1, 2):
            connection.execute(person.insert(), _rows(person, id=f"p{n}", phone=f"+1617555000{n}"))
        connection.execute(
            message.insert(),
            _rows(message, id="m1", message_sid="SM1", person_id="p1", to_number="+1", body=""),
        )

        def add(id_: str, person_id: str, level: str, status: str, minutes: int) -> None:
            connection.execute(
                alert.insert(),
                _rows(
                    alert,
                    id=id_,
                    person_id=person_id,
                    inbound_message_id="m1",
                    level=level,
                    status=status,
                    created_at=t0 + timedelta(minutes=minutes),
                    last_inbound_at=t0 + timedelta(minutes=minutes + 1),
                    assigned_to_id=None,
                ),
            )

        # Person 1: three unresolved (the race this migration closes) and one resolved.
        add("a-elevated-old", "p1", "elevated", "acknowledged", 0)
        add("a-urgent-1", "p1", "urgent", "open", 5)
        add("a-urgent-2", "p1", "urgent", "open", 7)
        add("a-routine-late", "p1", "routine", "open", 30)
        add("a-resolved", "p1", "urgent", "resolved", -60)
        # Person 2: one open alert, nothing to merge.
        add("b-open", "p2", "elevated", "open", 0)
    upgrade()
    with db.engine.connect() as connection:
        # Plain SQL: the raw stored values, not the models' enums.
        rows = {
            row.id: row
            for row in connection.exec_driver_sql(
                "SELECT id, level, status, last_inbound_at, resolved_at, outcome, "
                "resolution_note FROM inbox_alert"
            )
        }
    unresolved = sorted(id_ for id_, row in rows.items() if row.status != "resolved")
    assert unresolved == ["a-urgent-1", "b-open"]
    kept = rows["a-urgent-1"]
    assert kept.status == "open" and kept.level == "urgent"
    last = kept.last_inbound_at  # SQLite hands back its stored text
    last = datetime.fromisoformat(last).replace(tzinfo=UTC) if isinstance(last, str) else last
    assert last == t0 + timedelta(minutes=31)  # the latest text of any of them
    for merged in ("a-elevated-old", "a-urgent-2", "a-routine-late"):
        assert rows[merged].resolved_at is not None
        assert rows[merged].outcome is None
        assert "Merged into alert a-urgent-1" in rows[merged].resolution_note
    assert rows["a-resolved"].resolution_note is None
    assert pending_diff() == []
    # The database now refuses what the race used to leave behind.
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
        connection.execute(alert.update().where(alert.c.id == "a-urgent-2").values(status="open"))
