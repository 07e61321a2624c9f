"""inbox: at most one unresolved alert per person (partial unique index); note form tokens

Two texts racing from one person could each find no unresolved alert and open one apiece. The
index makes the database refuse the second; `inbox.services` then joins the first.

Existing duplicates are merged first, per person: the alert kept is the most serious (then the
oldest, whose clock the person has been waiting on); it takes the latest `last_inbound_at` and,
when it has none, an assignee from the others. The others are resolved with no outcome and a
note naming the alert kept: their notes, staff replies and audit trail stay where they are (the
alert page lists a person's other alerts; the conversation is the person's, not the alert's).

Staff notes get the one-time token of the form they came from (unique), so a note form posted
twice adds one note; older notes have none.

Revision ID: 0009_inbox_one_alert
Revises: 0008_inbox
Create Date: 2026-11-25 01:20:00

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0009_inbox_one_alert"
down_revision = "0008_inbox"
branch_labels = None
depends_on = None

# The index's predicate: unresolved (open or acknowledged). As in inbox.models.UNRESOLVED.
UNRESOLVED = sa.text("status <> 'resolved'")
# Severity as triage.Level.rank has it; a migration keeps its own copy of what it relies on.
RANK = {"routine": 0, "elevated": 1, "urgent": 2}

alert = sa.table(
    "inbox_alert",
    sa.column("id", sa.String),
    sa.column("person_id", sa.String),
    sa.column("level", sa.String),
    sa.column("status", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("last_inbound_at", sa.DateTime(timezone=True)),
    sa.column("assigned_to_id", sa.String),
    sa.column("next_escalation_at", sa.DateTime(timezone=True)),
    sa.column("resolved_at", sa.DateTime(timezone=True)),
    sa.column("resolution_note", sa.Text),
)


def merge_duplicate_unresolved_alerts(connection: sa.Connection, now: datetime) -> int:
    """Leave each person at most one unresolved alert; returns how many were resolved."""
    duplicated = (
        sa.select(alert.c.person_id)
        .where(UNRESOLVED)
        .group_by(alert.c.person_id)
        .having(sa.func.count() > 1)
    )
    rows = connection.execute(
        sa.select(
            alert.c.id,
            alert.c.person_id,
            alert.c.level,
            alert.c.created_at,
            alert.c.last_inbound_at,
            alert.c.assigned_to_id,
        )
        .where(UNRESOLVED, alert.c.person_id.in_(duplicated))
        .order_by(alert.c.person_id, alert.c.created_at, alert.c.id)
    ).all()
    by_person: dict[str, list[sa.Row]] = {}
    for row in rows:
        by_person.setdefault(row.person_id, []).append(row)
    merged = 0
    for group in by_person.values():
        # Oldest first (the query's order), so max() keeps the oldest of the most serious.
        keep = max(group, key=lambda row: RANK.get(row.level, 0))
        others = [row for row in group if row.id != keep.id]
        assignee = keep.assigned_to_id or next(
            (row.assigned_to_id for row in others if row.assigned_to_id), None
        )
        connection.execute(
            alert.update()
            .where(alert.c.id == keep.id)
            .values(
                last_inbound_at=max(row.last_inbound_at for row in group),
                assigned_to_id=assignee,
            )
        )
        connection.execute(
            alert.update()
            .where(alert.c.id.in_([row.id for row in others]))
            .values(
                status="resolved",
                resolved_at=now,
                next_escalation_at=None,
                resolution_note=(
                    f"Merged into alert {keep.id}: a person has one unresolved alert at a time "
                    "(migration 0009). Later texts are on that alert."
                ),
            )
        )
        merged += len(others)
    return merged


def upgrade():
    merge_duplicate_unresolved_alerts(op.get_bind(), datetime.now(UTC))
    op.create_index(
        "uq_inbox_alert_person_id_unresolved",
        "inbox_alert",
        ["person_id"],
        unique=True,
        sqlite_where=UNRESOLVED,
        postgresql_where=UNRESOLVED,
    )
    with op.batch_alter_table("inbox_alert_note", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submission_token", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "ix_inbox_alert_note_submission_token", ["submission_token"], unique=True
        )


def downgrade():
    with op.batch_alter_table("inbox_alert_note", schema=None) as batch_op:
        batch_op.drop_index("ix_inbox_alert_note_submission_token")
        batch_op.drop_column("submission_token")
    # The merged alerts stay resolved: which of them were duplicates is only in their notes.
    op.drop_index("uq_inbox_alert_person_id_unresolved", table_name="inbox_alert")
