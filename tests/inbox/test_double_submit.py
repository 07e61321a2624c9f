"""Staff forms sent twice (a double click, a browser re-sending a POST) act once (issue 7)."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from support_hub.accounts.models import AuditEvent, Role, User
from support_hub.extensions import db
from support_hub.inbox.forms import submission_token
from support_hub.inbox.models import Alert, AlertNote, AlertStatus, StaffReply
from support_hub.outbox.models import OutboxKind, OutboxMessage
from tests.inbox.conftest import alerts, receive
from tests.staff import make_user, open_session


@pytest.fixture
def staff(client: FlaskClient, responder: User) -> FlaskClient:
    open_session(client, responder)
    return client


def _alert() -> Alert:
    receive("I want to die", at=datetime.now(UTC))
    (alert,) = alerts()
    return alert


def _count(model: type, *where: sa.ColumnElement[bool]) -> int:
    db.session.expire_all()
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0)


def _staff_replies_queued() -> int:
    return _count(OutboxMessage, OutboxMessage.kind == OutboxKind.STAFF_REPLY)


def _audited(action: str) -> int:
    return _count(AuditEvent, AuditEvent.action == action)


def _reply_token(page: str) -> str:
    match = re.search(r'name="token" type="hidden" value="([^"]+)"', page) or re.search(
        r'type="hidden" name="token" value="([^"]+)"', page
    )
    assert match, "the reply form has no one-time token"
    return match.group(1)


def test_the_alert_page_renders_a_new_reply_token_each_time(staff: FlaskClient) -> None:
    alert = _alert()
    first = _reply_token(staff.get(f"/inbox/alerts/{alert.id}").get_data(as_text=True))
    second = _reply_token(staff.get(f"/inbox/alerts/{alert.id}").get_data(as_text=True))
    assert first != second and len(first) >= 16


def test_a_reply_form_posted_twice_queues_one_text_and_says_so(staff: FlaskClient) -> None:
    alert = _alert()
    page = staff.get(f"/inbox/alerts/{alert.id}").get_data(as_text=True)
    form = {"body": "Hi, it's Remy. Are you safe right now?", "token": _reply_token(page)}
    first = staff.post(f"/inbox/alerts/{alert.id}/reply", data=form)
    second = staff.post(f"/inbox/alerts/{alert.id}/reply", data=form)
    assert first.status_code == second.status_code == 303
    assert first.location == second.location == f"/inbox/alerts/{alert.id}"
    assert _staff_replies_queued() == 1
    assert _count(StaffReply) == 1
    assert _audited("inbox.alert.replied") == 1
    shown = staff.get(f"/inbox/alerts/{alert.id}").get_data(as_text=True)
    assert "already sent" in shown and "it was not sent again" in shown


def test_two_replies_from_two_renders_of_the_form_are_two_texts(staff: FlaskClient) -> None:
    alert = _alert()
    for token in (submission_token(), submission_token()):
        form = {"body": "Are you there?", "token": token}
        assert staff.post(f"/inbox/alerts/{alert.id}/reply", data=form).status_code == 303
    assert _staff_replies_queued() == 2
    assert _count(StaffReply) == 2
    assert _audited("inbox.alert.replied") == 2


@pytest.mark.parametrize("token", ["", "short", "has spaces in it, which never came from us"])
def test_a_reply_without_a_token_from_our_form_is_refused(staff: FlaskClient, token: str) -> None:
    alert = _alert()
    response = staff.post(
        f"/inbox/alerts/{alert.id}/reply", data={"body": "Are you there?", "token": token}
    )
    assert response.status_code == 400
    assert _staff_replies_queued() == 0


def test_acknowledge_assign_and_resolve_posted_twice_act_once(
    staff: FlaskClient, responder: User
) -> None:
    alert = _alert()
    base = f"/inbox/alerts/{alert.id}"
    other = make_user(Role.RESPONDER, "r2@example.org", phone="+16175550150")
    for _ in range(2):
        assert staff.post(f"{base}/acknowledge").status_code == 303
    (acknowledged,) = alerts()
    first_ack = acknowledged.acknowledged_at
    assert acknowledged.status is AlertStatus.ACKNOWLEDGED
    assert acknowledged.acknowledged_by_id == responder.id
    for _ in range(2):
        assert staff.post(f"{base}/assign", data={"assignee": other.id}).status_code == 303
    assert alerts()[0].assigned_to_id == other.id
    resolve = {"outcome": "supported", "note": "Safety plan made."}
    assert staff.post(f"{base}/resolve", data=resolve).status_code == 303
    again = staff.post(f"{base}/resolve", data=resolve, follow_redirects=True)
    assert again.status_code == 200
    assert "already resolved" in again.get_data(as_text=True)
    (resolved,) = alerts()
    assert resolved.status is AlertStatus.RESOLVED
    assert resolved.acknowledged_at == first_ack
    assert resolved.resolution_note == "Safety plan made."
    assert _audited("inbox.alert.resolved") == 1
    # The repeats changed nothing, so their audit events record no change.
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.action.in_(["inbox.alert.acknowledged", "inbox.alert.assigned"]))
        .order_by(AuditEvent.id)
    ).all()
    assert [bool(event.after) for event in events] == [True, False, True, False]


def test_a_note_form_posted_twice_adds_one_note(staff: FlaskClient) -> None:
    alert = _alert()
    page = staff.get(f"/inbox/alerts/{alert.id}").get_data(as_text=True)
    tokens = re.findall(r'name="token" type="hidden" value="([^"]+)"', page) or re.findall(
        r'type="hidden" name="token" value="([^"]+)"', page
    )
    assert len(set(tokens)) == 2  # the reply form's and the note form's
    form = {"note": "Called her; safe with sister.", "token": tokens[-1]}
    for _ in range(2):
        assert staff.post(f"/inbox/alerts/{alert.id}/notes", data=form).status_code == 303
    assert _count(AlertNote) == 1
    assert _audited("inbox.alert.noted") == 1
    shown = staff.get(f"/inbox/alerts/{alert.id}").get_data(as_text=True)
    assert "This note was already added" in shown
    another = {"note": "Called again.", "token": submission_token()}
    assert staff.post(f"/inbox/alerts/{alert.id}/notes", data=another).status_code == 303
    assert _count(AlertNote) == 2


@pytest.mark.real_commits
def test_a_reply_form_posted_twice_at_once_queues_one_text(app: Flask) -> None:
    # Two requests, two connections, the same token at the same moment: on PostgreSQL the
    # second waits on the outbox's unique key for the first to commit, then writes nothing.
    responder = make_user(Role.RESPONDER, name="Remy", phone="+16175550142")
    path = f"/inbox/alerts/{_alert().id}/reply"
    clients = [app.test_client(), app.test_client()]
    for client in clients:
        open_session(client, responder)
    form = {"body": "Hi, it's Remy. Are you safe right now?", "token": submission_token()}
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def post(client: FlaskClient) -> None:
        barrier.wait()
        statuses.append(client.post(path, data=form).status_code)

    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert statuses == [303, 303]
    db.session.remove()  # a fresh transaction, to see what the requests committed
    assert _staff_replies_queued() == 1
    assert _count(StaffReply) == 1
    assert _audited("inbox.alert.replied") == 1
