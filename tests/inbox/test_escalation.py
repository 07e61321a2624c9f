"""Escalation with a controlled clock: timers are rows, each step pages once (DESIGN §7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import Flask

from support_hub.accounts.audit import Actor
from support_hub.accounts.models import AuditEvent, User
from support_hub.extensions import db
from support_hub.inbox import services
from support_hub.inbox.models import OnCallShift, Tier
from support_hub.outbox.models import OutboxKind
from support_hub.outbox.services import enqueue
from support_hub.outbox.worker import Worker
from support_hub.sms.gateway import ConsoleGateway
from tests.inbox.conftest import alerts, pages, receive

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # Monday 10:00 in New York


def _backup_on_call(backup: User) -> None:
    db.session.add(
        OnCallShift(user_id=backup.id, tier=Tier.BACKUP, weekday=0, start_hour=0, end_hour=24)
    )
    db.session.commit()


def _numbers(step: str) -> list[str]:
    return sorted(p.to_number for p in pages() if f":{step}:" in p.idempotency_key)


def test_unacknowledged_urgent_pages_backup_and_admins_after_ten_minutes_and_repeats(
    responder: User, backup: User, paged_admin: User
) -> None:
    _backup_on_call(backup)
    receive("I want to kill myself", at=T0)
    assert services.escalate_due(now=T0 + timedelta(minutes=9, seconds=59)) == 0
    assert services.escalate_due(now=T0 + timedelta(minutes=10)) == 1
    assert _numbers("escalation-1") == sorted([backup.phone, paged_admin.phone])
    assert "URGENT" in pages()[-1].body and "reminder 1" in pages()[-1].body
    # Nothing more until the next interval; then it repeats.
    assert services.escalate_due(now=T0 + timedelta(minutes=15)) == 0
    assert services.escalate_due(now=T0 + timedelta(minutes=20)) == 1
    assert _numbers("escalation-2") == sorted([backup.phone, paged_admin.phone])
    (alert,) = alerts()
    assert alert.escalation_count == 2
    assert alert.next_escalation_at == T0 + timedelta(minutes=30)
    escalated = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "inbox.alert.escalated")
    ).all()
    assert [e.after["escalation_count"] for e in escalated] == [1, 2]


def test_acknowledging_stops_the_escalation(responder: User, paged_admin: User) -> None:
    receive("I want to kill myself", at=T0)
    (alert,) = alerts()
    services.acknowledge(alert, user=responder, actor=Actor.system(), now=T0 + timedelta(minutes=4))
    assert services.escalate_due(now=T0 + timedelta(hours=5)) == 0
    assert len(pages()) == 1
    (alert,) = alerts()
    assert alert.next_escalation_at is None
    assert alert.time_to_acknowledge == 240


def test_elevated_escalates_only_after_the_elevated_hours(
    responder: User, paged_admin: User
) -> None:
    receive("I feel so hopeless", at=T0)
    assert services.escalate_due(now=T0 + timedelta(hours=3, minutes=59)) == 0
    assert services.escalate_due(now=T0 + timedelta(hours=4)) == 1
    last = pages()[-1]
    assert "elevated" in last.body and "reminder 1" in last.body


def test_without_a_backup_on_call_escalation_pages_the_primary_list_and_admins(
    responder: User, paged_admin: User
) -> None:
    receive("I want to kill myself", at=T0)
    services.escalate_due(now=T0 + timedelta(minutes=10))
    assert _numbers("escalation-1") == sorted([responder.phone, paged_admin.phone])


def test_an_escalation_step_pages_each_person_once_even_if_run_twice(
    responder: User, backup: User, paged_admin: User
) -> None:
    _backup_on_call(backup)
    receive("I want to kill myself", at=T0)
    (alert,) = alerts()
    services.escalate_due(now=T0 + timedelta(minutes=10))
    before = len(pages())
    # A second worker that read the same due row would enqueue the same step's keys: no-ops.
    services._page(  # the step's keys are what make a repeat harmless
        alert, [backup, paged_admin], step="escalation-1", policy=services.Policy()
    )
    db.session.commit()
    assert len(pages()) == before


def test_the_timer_is_a_row_so_a_fresh_worker_escalates_what_was_due(
    app: Flask, responder: User, paged_admin: User
) -> None:
    # Raised long ago (as if the worker that saw it was restarted since): due now.
    receive("I want to kill myself", at=datetime.now(UTC) - timedelta(minutes=11))
    Worker(app, ConsoleGateway()).run_once()
    (alert,) = alerts()
    assert alert.escalation_count == 1
    assert paged_admin.phone in _numbers("escalation-1")


def test_a_backlog_of_bulk_texts_holds_up_neither_the_page_nor_the_escalation(
    app: Flask, responder: User, paged_admin: User
) -> None:
    """Found while building the reliability suite: the worker drained the whole outbox before
    its other tasks ran, and claimed strictly by due time, so with thousands of paced texts
    waiting, a crisis page and its escalation waited behind all of them."""
    for i in range(60):
        enqueue(
            to=f"+1617555{i:04d}", body=f"Support Hub: bulk {i}", kind=OutboxKind.NOTICE,
            idempotency_key=f"bulk:{i}",
        )  # fmt: skip
    db.session.commit()
    receive("I want to kill myself", at=datetime.now(UTC) - timedelta(minutes=11))
    gateway = ConsoleGateway()
    Worker(app, gateway, batch_size=20).drain()
    bodies = [message.body for message in gateway.sent]
    last_bulk = max(i for i, body in enumerate(bodies) if "bulk" in body)
    first_page = min(i for i, body in enumerate(bodies) if "URGENT alert." in body)
    escalations = [i for i, body in enumerate(bodies) if "Not acknowledged yet" in body]
    assert first_page == 0
    assert escalations and max(escalations) < last_bulk
    assert len(bodies) == 60 + 1 + len(escalations)


def test_resolved_alerts_never_escalate(responder: User, paged_admin: User) -> None:
    receive("I want to kill myself", at=T0)
    (alert,) = alerts()
    services.resolve(
        alert,
        "referred",
        "Called 988 with her.",
        user=responder,
        actor=Actor.system(),
        now=T0 + timedelta(minutes=2),
    )
    assert services.escalate_due(now=T0 + timedelta(hours=1)) == 0
