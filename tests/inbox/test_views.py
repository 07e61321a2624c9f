"""`/inbox` as staff use it: the queue, an alert's page, actions, dashboard and rota."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from support_hub.accounts.audit import Actor
from support_hub.accounts.models import AuditEvent, Role, User
from support_hub.extensions import db
from support_hub.inbox import services
from support_hub.inbox.forms import submission_token
from support_hub.inbox.models import AlertNote, AlertStatus, OnCallShift, Outcome, Tier
from support_hub.outbox.models import OutboxKind, OutboxMessage, OutboxStatus
from support_hub.outbox.worker import Worker
from support_hub.sms.gateway import ConsoleGateway
from tests.inbox.conftest import PERSON, alerts, receive
from tests.staff import Clock, csrf_token_from, make_user, open_session


@pytest.fixture
def staff(client: FlaskClient, responder: User) -> FlaskClient:
    open_session(client, responder)
    return client


def _audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def _now() -> datetime:
    return datetime.now(UTC)


def test_queue_orders_by_level_then_age(staff: FlaskClient) -> None:
    now = _now()
    receive("I feel so hopeless", at=now - timedelta(hours=3), from_="+16175550201")
    receive("I want to die", at=now - timedelta(minutes=5), from_="+16175550202")
    receive("I feel so alone and scared", at=now - timedelta(hours=5), from_="+16175550203")
    receive("I cant breathe", at=now - timedelta(minutes=1), from_="+16175550204")
    page = staff.get("/inbox/").get_data(as_text=True)
    order = re.findall(r"…(\d{4})", page)
    assert order == ["0202", "0204", "0203", "0201"]
    assert _audit("inbox.queue.viewed")


def test_queue_shows_no_message_text_or_whole_number(staff: FlaskClient) -> None:
    receive("I want to die", at=_now())
    page = staff.get("/inbox/").get_data(as_text=True)
    assert "want to die" not in page
    assert PERSON not in page and "…0123" in page


def test_queue_filters_by_level_status_and_mine(staff: FlaskClient, responder: User) -> None:
    now = _now()
    receive("I feel so hopeless", at=now, from_="+16175550201")
    receive("I want to die", at=now, from_="+16175550202")
    urgent = next(a for a in alerts() if a.level.value == "urgent")
    services.acknowledge(urgent, user=responder, actor=Actor.system(), now=now)

    def shown(query: str) -> list[str]:
        return re.findall(r"…(\d{4})", staff.get(f"/inbox/?{query}").get_data(as_text=True))

    assert shown("level=elevated") == ["0201"]
    assert shown("status=acknowledged") == ["0202"]
    assert shown("status=open") == ["0201"]
    assert shown("mine=1") == ["0202"]
    assert shown("status=resolved") == []
    assert shown("status=nonsense") == ["0202", "0201"]  # unknown filter: the default


def test_live_refresh_rows_and_a_static_script_without_inline_code(staff: FlaskClient) -> None:
    receive("I want to die", at=_now())
    page = staff.get("/inbox/").get_data(as_text=True)
    assert 'src="/static/inbox/queue.js"' in page
    assert "<script>" not in page
    assert 'href="/inbox/' in page and ">Refresh<" in page  # works without JavaScript
    rows = staff.get("/inbox/queue?level=urgent")
    assert rows.status_code == 200 and "URGENT" in rows.get_data(as_text=True)
    script = staff.get("/static/inbox/queue.js")
    script.close()
    assert script.status_code == 200


def test_alert_page_shows_conversation_scores_consent_and_is_audited(
    staff: FlaskClient, responder: User
) -> None:
    now = _now()
    receive("hi", at=now - timedelta(days=3))
    receive("distress 6 this week", at=now - timedelta(days=2))
    receive("I'm at a 7/10, can't cope", at=now - timedelta(hours=1))
    (alert,) = alerts()
    page = staff.get(f"/inbox/alerts/{alert.id}").get_data(as_text=True)
    assert "distress 6 this week" in page and "7/10, can&#39;t cope" in page
    assert "Thank you for telling us" in page  # the automatic reply
    assert "<svg" in page and page.count("<circle") == 2
    assert "opt-in (keyword)" in page
    assert PERSON in page
    (viewed,) = _audit("inbox.alert.viewed")
    assert viewed.object_id == alert.id and viewed.actor_id == responder.id


def test_acknowledge_assign_note_and_resolve_are_recorded_and_audited(
    staff: FlaskClient, responder: User
) -> None:
    receive("I want to die", at=_now())
    (alert,) = alerts()
    other = make_user(Role.RESPONDER, "r2@example.org", phone="+16175550150")
    base = f"/inbox/alerts/{alert.id}"
    assert staff.post(f"{base}/acknowledge").status_code == 303
    assert staff.post(f"{base}/assign", data={"assignee": other.id}).status_code == 303
    assert (
        staff.post(
            f"{base}/notes",
            data={"note": "Called her; safe with sister.", "token": submission_token()},
        ).status_code
        == 303
    )
    assert (
        staff.post(
            f"{base}/resolve", data={"outcome": "supported", "note": "Safety plan made."}
        ).status_code
        == 303
    )
    (alert,) = alerts()
    assert alert.status is AlertStatus.RESOLVED and alert.outcome is Outcome.SUPPORTED
    assert alert.acknowledged_by_id == responder.id and alert.assigned_to_id == other.id
    assert alert.time_to_acknowledge is not None and alert.time_to_resolve is not None
    assert [n.body for n in db.session.scalars(sa.select(AlertNote))] == [
        "Called her; safe with sister."
    ]
    for action in ("acknowledged", "assigned", "noted", "resolved"):
        (event,) = _audit(f"inbox.alert.{action}")
        assert event.object_id == alert.id and event.actor_id == responder.id


def test_resolve_without_an_outcome_or_note_is_refused_and_changes_nothing(
    staff: FlaskClient,
) -> None:
    receive("I want to die", at=_now())
    (alert,) = alerts()
    response = staff.post(
        f"/inbox/alerts/{alert.id}/resolve",
        data={"outcome": "", "note": " "},
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "Choose an outcome" in text and "Write a note" in text
    assert alerts()[0].status is AlertStatus.OPEN
    assert _audit("inbox.alert.resolved") == []


def test_assigning_to_a_coordinator_is_refused(staff: FlaskClient) -> None:
    receive("I want to die", at=_now())
    (alert,) = alerts()
    coordinator = make_user(Role.COORDINATOR, "c@example.org")
    text = staff.post(
        f"/inbox/alerts/{alert.id}/assign", data={"assignee": coordinator.id}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Choose an active responder or admin" in text
    assert alerts()[0].assigned_to_id is None


def test_a_reply_goes_through_the_outbox_from_the_hub_and_acknowledges(
    app: Flask, staff: FlaskClient, responder: User
) -> None:
    receive("I want to die", at=_now())
    (alert,) = alerts()
    response = staff.post(
        f"/inbox/alerts/{alert.id}/reply",
        data={
            "body": "Hi, it's Remy. Are you safe right now?",
            "token": submission_token(),
        },
    )
    assert response.status_code == 303
    reply = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == OutboxKind.STAFF_REPLY)
    ).one()
    assert reply.to_number == PERSON
    assert reply.body == "Support Hub: Hi, it's Remy. Are you safe right now?"
    assert alerts()[0].status is AlertStatus.ACKNOWLEDGED
    gateway = ConsoleGateway()
    Worker(app, gateway).drain()
    assert [(m.to, m.body) for m in gateway.sent if m.to == PERSON] == [(PERSON, reply.body)]
    page = staff.get(f"/inbox/alerts/{alert.id}").get_data(as_text=True)
    assert "staff reply by responder@example.org · delivery: sent" in page
    assert _audit("inbox.alert.replied")


def test_an_empty_or_too_long_reply_is_refused(staff: FlaskClient) -> None:
    receive("I want to die", at=_now())
    (alert,) = alerts()
    for body in ("   ", "word " * 200):
        text = staff.post(
            f"/inbox/alerts/{alert.id}/reply",
            data={"body": body, "token": submission_token()},
            follow_redirects=True,
        ).get_data(as_text=True)
        assert "Write the text" in text or "two SMS segments" in text
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind == OutboxKind.STAFF_REPLY)
        )
        == 0
    )


def test_an_opted_out_person_is_answered_only_after_writing_again(
    app: Flask, staff: FlaskClient
) -> None:
    now = _now()
    receive("I feel so hopeless", at=now - timedelta(hours=30))
    receive("STOP", at=now - timedelta(hours=29))
    (alert,) = alerts()
    refused = staff.post(
        f"/inbox/alerts/{alert.id}/reply",
        data={"body": "Are you ok?", "token": submission_token()},
        follow_redirects=True,
    )
    assert "opted out" in refused.get_data(as_text=True)
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind == OutboxKind.STAFF_REPLY)
        )
        == 0
    )
    # They write again (still opted out): one conversation may continue.
    assert receive("are you there? I need someone", at=now - timedelta(minutes=1)) == ()
    allowed = staff.post(
        f"/inbox/alerts/{alert.id}/reply",
        data={
            "body": "I'm here. Can I call you?",
            "token": submission_token(),
        },
    )
    assert allowed.status_code == 303
    gateway = ConsoleGateway()
    Worker(app, gateway).drain()
    assert [m.body for m in gateway.sent if m.to == PERSON] == [
        "Support Hub: I'm here. Can I call you?"
    ]


def test_a_reply_to_an_opted_out_person_is_refused_24_hours_after_their_last_text(
    staff: FlaskClient,
) -> None:
    now = _now()
    receive("I feel so hopeless", at=now - timedelta(hours=50))
    receive("STOP", at=now - timedelta(hours=49))
    receive("sorry, one more thing", at=now - timedelta(hours=25))
    (alert,) = alerts()
    text = staff.post(
        f"/inbox/alerts/{alert.id}/reply",
        data={"body": "Hello", "token": submission_token()},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "opted out" in text


def test_automated_texts_stay_blocked_after_stop_even_with_an_open_alert(
    app: Flask, responder: User
) -> None:
    now = _now()
    receive("I feel so hopeless", at=now - timedelta(hours=3))
    receive("STOP", at=now - timedelta(hours=2))
    assert len(alerts()) == 1
    # Automated texts stay blocked after STOP even though the person wrote before it.
    services.outbox.enqueue(
        to=PERSON, body="Support Hub: check-in", kind=OutboxKind.CHECKIN, idempotency_key="ci"
    )
    db.session.commit()
    gateway = ConsoleGateway()
    Worker(app, gateway).drain()
    assert gateway.sent == [] or all(m.to != PERSON for m in gateway.sent)
    row = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.idempotency_key == "ci")
    ).one()
    assert row.status is OutboxStatus.CANCELLED


def test_dashboard_shows_median_and_p90_times_and_is_audited(
    app: Flask, staff: FlaskClient, responder: User
) -> None:
    clock = Clock(datetime(2026, 3, 30, 12, 0, tzinfo=UTC))
    app.extensions["support_hub.clock"] = clock
    try:
        start = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
        for i, minutes in enumerate([1, 2, 3, 4, 20]):
            receive("I want to die", at=start + timedelta(hours=i), from_=f"+1617555030{i}")
            alert = alerts()[-1]
            services.acknowledge(
                alert,
                user=responder,
                actor=Actor.system(),
                now=alert.created_at + timedelta(minutes=minutes),
            )
        # Older than 30 days: not counted.
        receive("I want to die", at=datetime(2026, 2, 1, tzinfo=UTC), from_="+16175550399")
        data = services.dashboard(clock())
        assert data.alerts_by_level["urgent"] == 5
        assert data.acknowledge["urgent"].median == 180
        assert data.acknowledge["urgent"].p90 == 1200
        page = staff.get("/inbox/dashboard").get_data(as_text=True)
        assert "3.0 min" in page and "20.0 min" in page
        assert _audit("inbox.dashboard.viewed")
    finally:
        del app.extensions["support_hub.clock"]


def test_admins_keep_the_rota(client: FlaskClient, admin: User, responder: User) -> None:
    open_session(client, admin)
    response = client.post(
        "/inbox/rota",
        data={
            "user_id": responder.id,
            "tier": "primary",
            "weekday": "2",
            "start_hour": "8",
            "end_hour": "20",
        },
    )
    assert response.status_code == 303
    shift = db.session.scalars(sa.select(OnCallShift)).one()
    assert (shift.tier, shift.weekday, shift.start_hour, shift.end_hour) == (Tier.PRIMARY, 2, 8, 20)
    page = client.get("/inbox/rota").get_data(as_text=True)
    assert "Wednesday" in page and "08:00–20:00" in page
    bad = client.post(
        "/inbox/rota",
        data={
            "user_id": responder.id,
            "tier": "primary",
            "weekday": "2",
            "start_hour": "20",
            "end_hour": "8",
        },
    )
    assert bad.status_code == 400 and "End at an hour after the start" in bad.get_data(as_text=True)
    assert client.post(f"/inbox/rota/{shift.id}/remove").status_code == 303
    assert db.session.scalars(sa.select(OnCallShift)).all() == []
    assert (
        _audit("inbox.rota.added") and _audit("inbox.rota.removed") and _audit("inbox.rota.viewed")
    )


def test_a_responder_without_a_phone_cannot_be_put_on_call(
    client: FlaskClient, admin: User
) -> None:
    open_session(client, admin)
    silent = make_user(Role.RESPONDER, "silent@example.org")
    response = client.post(
        "/inbox/rota",
        data={
            "user_id": silent.id,
            "tier": "backup",
            "weekday": "0",
            "start_hour": "0",
            "end_hour": "24",
        },
    )
    assert response.status_code == 400
    assert "no mobile phone" in response.get_data(as_text=True)


def test_actions_need_the_csrf_token(staff: FlaskClient, csrf_on: None) -> None:
    receive("I want to die", at=_now())
    (alert,) = alerts()
    assert staff.post(f"/inbox/alerts/{alert.id}/acknowledge").status_code == 400
    page = staff.get(f"/inbox/alerts/{alert.id}").get_data(as_text=True)
    token = csrf_token_from(page)
    assert (
        staff.post(f"/inbox/alerts/{alert.id}/acknowledge", data={"csrf_token": token}).status_code
        == 303
    )
    assert alerts()[0].status is AlertStatus.ACKNOWLEDGED


def test_unknown_alert_is_a_404(staff: FlaskClient) -> None:
    assert staff.get("/inbox/alerts/nope").status_code == 404
    assert staff.post("/inbox/alerts/nope/acknowledge").status_code == 404


def test_inbox_pages_are_not_cached(staff: FlaskClient) -> None:
    assert "no-store" in staff.get("/inbox/").headers["Cache-Control"]


def test_a_queued_staff_reply_is_not_sent_once_the_window_has_passed(app: Flask) -> None:
    now = _now()
    receive("I feel so hopeless", at=now - timedelta(hours=30))
    receive("STOP", at=now - timedelta(hours=29))
    receive("one more thing", at=now - timedelta(hours=25))
    # Queued while the window was open (by a worker that was down for a day, say).
    row = services.outbox.enqueue(
        to=PERSON, body="Support Hub: late", kind=OutboxKind.STAFF_REPLY, idempotency_key="late"
    )
    db.session.commit()
    gateway = ConsoleGateway()
    Worker(app, gateway).drain()
    db.session.refresh(row)
    assert row.status is OutboxStatus.CANCELLED and row.last_error == "opted out"
    assert all(m.to != PERSON for m in gateway.sent)
