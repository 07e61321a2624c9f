"""The migrations build the schema the models describe, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade

from support_hub.extensions import db
from tests.conftest import drop_everything


def pending_diff() -> list[object]:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
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
