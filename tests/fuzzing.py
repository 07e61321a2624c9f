"""Helpers for the fuzz tests: how many examples to run, and every table's row count."""

from __future__ import annotations

import os

import sqlalchemy as sa
from hypothesis import settings

from support_hub.extensions import db


def fuzz_examples(in_ci: int) -> int:
    """`in_ci` examples in the normal suite; the profile's count under `reliability`."""
    if os.environ.get("HYPOTHESIS_PROFILE") == "reliability":
        return max(in_ci, settings.default.max_examples)
    return in_ci


def table_counts() -> dict[str, int]:
    """Rows in every table, in one query: "changed nothing" means this is equal before and after."""
    tables = db.metadata.sorted_tables
    counts = db.session.execute(
        sa.select(
            *(
                sa.select(sa.func.count()).select_from(table).scalar_subquery().label(table.name)
                for table in tables
            )
        )
    ).one()
    return dict(zip((table.name for table in tables), counts, strict=True))
