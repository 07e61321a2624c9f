"""`POST /sms/inbound` and `POST /sms/status` as Twilio calls them: signed form posts."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from support_hub import create_app
from support_hub.extensions import db
from support_hub.outbox.models import OutboxKind, OutboxMessage, OutboxStatus
from support_hub.outbox.services import enqueue
from support_hub.sms.models import ConsentEvent, ConsentKind, ConsentSource, InboundMessage, Person
from tests.conftest import settings_for_tests
from tests.fakes.twilio_webhook import (
    PROXY_BASE,
    Phone,
    post_signed,
    sign,
    twilio_form,
    twiml_messages,
)


def _count(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_signed_inbound_is_stored_before_it_is_answered(phone: Phone) -> None:
    replies = phone.text("hello", sid="SM" + "a" * 32)
    stored = db.session.scalars(
        sa.select(InboundMessage).where(InboundMessage.message_sid == "SM" + "a" * 32)
    ).one()
    assert stored.body == "hello"
    assert stored.person.phone == "+16175550123"
    assert stored.reply == replies
    assert replies and replies[0].startswith("Support Hub:")


def test_unsigned_inbound_is_refused_and_stores_nothing(twilio_app: Flask) -> None:
    response = twilio_app.test_client().post("/sms/inbound", data=twilio_form("hello"))
    assert response.status_code == 403
    assert _count(InboundMessage) == 0


def test_signature_over_other_fields_is_refused(twilio_app: Flask) -> None:
    form = twilio_form("hello")
    signature = sign("http://localhost/sms/inbound", form)
    form["Body"] = "STOP"
    response = twilio_app.test_client().post(
        "/sms/inbound", data=form, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 403
    assert _count(Person) == 0


def test_signature_made_with_another_token_is_refused(twilio_app: Flask) -> None:
    form = twilio_form("hello")
    response = twilio_app.test_client().post(
        "/sms/inbound",
        data=form,
        headers={"X-Twilio-Signature": sign("http://localhost/sms/inbound", form, "x" * 32)},
    )
    assert response.status_code == 403


def test_behind_a_proxy_the_public_url_is_what_twilio_signed(proxied_app: Flask) -> None:
    client = proxied_app.test_client()
    form = twilio_form("hello")
    # Twilio signed the public https URL; the app sees plain http on another host.
    ok = post_signed(client, "/sms/inbound", form, f"{PROXY_BASE}/sms/inbound")
    assert ok.status_code == 200
    assert twiml_messages(ok.data)
    replay_with_local_url = post_signed(
        client, "/sms/inbound", twilio_form("hello"), "http://localhost/sms/inbound"
    )
    assert replay_with_local_url.status_code == 403


def test_a_signature_over_the_url_with_its_default_port_is_accepted(proxied_app: Flask) -> None:
    # Twilio signs the URL it requested, which may name the default port: the hub checks the URL
    # it knows first and only then, as the twilio library does, the other form.
    client = proxied_app.test_client()
    with_port = post_signed(
        client, "/sms/inbound", twilio_form("hello"), "https://sms.example.org:443/sms/inbound"
    )
    assert with_port.status_code == 200
    wrong_port = post_signed(
        client, "/sms/inbound", twilio_form("hello"), "https://sms.example.org:8443/sms/inbound"
    )
    assert wrong_port.status_code == 403


def test_replayed_message_sid_gets_the_same_answer_and_changes_nothing(phone: Phone) -> None:
    first = phone.text("STOP", sid="SM" + "b" * 32)
    counts = (_count(InboundMessage), _count(ConsentEvent), _count(Person))
    second = phone.text("STOP", sid="SM" + "b" * 32)
    assert second == first
    assert len(first) == 1
    assert (_count(InboundMessage), _count(ConsentEvent), _count(Person)) == counts


def test_console_backend_without_a_token_accepts_unsigned_posts(client) -> None:
    response = client.post("/sms/inbound", data=twilio_form("HELP"))
    assert response.status_code == 200
    assert "STOP" in twiml_messages(response.data)[0]


def test_missing_from_is_a_400_and_stores_nothing(phone: Phone) -> None:
    form = twilio_form("hi")
    del form["From"]
    response = post_signed(phone.client, "/sms/inbound", form, "http://localhost/sms/inbound")
    assert response.status_code == 400
    assert _count(InboundMessage) == 0


def test_from_that_is_not_a_number_is_a_400_and_stores_nothing(phone: Phone) -> None:
    form = twilio_form("hi", from_="not-a-number")
    response = post_signed(phone.client, "/sms/inbound", form, "http://localhost/sms/inbound")
    assert response.status_code == 400
    assert b"From is not a phone number" in response.data
    assert _count(Person) == 0


@pytest.mark.real_commits
def test_unreachable_database_answers_5xx_fast(tmp_path: Path) -> None:
    overrides = settings_for_tests("postgresql+psycopg://nobody@127.0.0.1:9/none", tmp_path)
    broken = create_app(overrides)
    started = time.monotonic()
    response = broken.test_client().post("/sms/inbound", data=twilio_form("hello"))
    assert response.status_code == 503
    assert time.monotonic() - started < 3


def _sent_row(phone: str = "+16175550123", sid: str = "SM" + "c" * 32) -> OutboxMessage:
    row = enqueue(to=phone, body="Support Hub: hi", kind=OutboxKind.NOTICE, idempotency_key=sid)
    row.status = OutboxStatus.SENT
    row.twilio_sid = sid
    row.delivery_status = "queued"
    db.session.commit()
    return row


def _status(client, sid: str, status: str, error: str | None = None, to: str = "+16175550123"):
    form = {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": "AC" + "0123456789abcdef" * 2,
        "From": "+16175550100",
        "To": to,
        "MessageStatus": status,
        "SmsStatus": status,
        "ApiVersion": "2010-04-01",
    }
    if error:
        form["ErrorCode"] = error
    return post_signed(client, "/sms/status", form, "http://localhost/sms/status")


def test_status_callback_never_moves_a_status_backwards(twilio_app: Flask) -> None:
    row = _sent_row()
    client = twilio_app.test_client()
    assert _status(client, row.twilio_sid, "sent").status_code == 204
    assert _status(client, row.twilio_sid, "delivered").status_code == 204
    assert _status(client, row.twilio_sid, "sent").status_code == 204
    db.session.refresh(row)
    assert row.delivery_status == "delivered"


def test_status_callback_21610_records_a_carrier_opt_out(twilio_app: Flask, phone: Phone) -> None:
    phone.text("hello")
    row = _sent_row()
    waiting = enqueue(
        to="+16175550123", body="Support Hub: later", kind=OutboxKind.NOTICE, idempotency_key="w"
    )
    db.session.commit()
    assert (
        _status(twilio_app.test_client(), row.twilio_sid, "undelivered", "21610").status_code == 204
    )
    person = db.session.scalars(sa.select(Person)).one()
    db.session.refresh(person)
    db.session.refresh(waiting)
    assert person.opted_out
    assert waiting.status is OutboxStatus.CANCELLED
    event = person.consent_events[-1]
    assert (event.kind, event.source) == (ConsentKind.OPT_OUT, ConsentSource.CARRIER)
    assert "21610" in event.text


@pytest.mark.parametrize("code", ["21211", "21614", "30006"])
def test_status_callback_bad_number_codes_mark_it_unreachable(
    twilio_app: Flask, phone: Phone, code: str
) -> None:
    phone.text("hello")
    row = _sent_row()
    assert _status(twilio_app.test_client(), row.twilio_sid, "failed", code).status_code == 204
    person = db.session.scalars(sa.select(Person)).one()
    db.session.refresh(person)
    assert person.unreachable
    assert not person.opted_out


def test_unsigned_status_callback_is_refused(twilio_app: Flask) -> None:
    row = _sent_row()
    response = twilio_app.test_client().post(
        "/sms/status", data={"MessageSid": row.twilio_sid, "MessageStatus": "failed"}
    )
    assert response.status_code == 403
    db.session.refresh(row)
    assert row.delivery_status == "queued"


def test_production_without_a_token_refuses_every_webhook(app: Flask, tmp_path: Path) -> None:
    overrides = settings_for_tests(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    overrides["APP_ENV"] = "production"
    production = create_app(overrides)
    response = production.test_client().post("/sms/inbound", data=twilio_form("hello"))
    assert response.status_code == 403
    assert _count(InboundMessage) == 0


def test_21610_on_a_twiml_reply_without_an_outbox_row_still_opts_out(
    twilio_app: Flask, phone: Phone
) -> None:
    phone.text("hello")
    response = _status(twilio_app.test_client(), "SM" + "d" * 32, "failed", "21610")
    assert response.status_code == 204
    person = db.session.scalars(sa.select(Person)).one()
    db.session.refresh(person)
    assert person.opted_out
    assert person.consent_events[-1].source is ConsentSource.CARRIER


def _post_twice_at_once(app: Flask, form: dict[str, str]) -> list[tuple[int, bytes]]:
    barrier = threading.Barrier(2)
    answers: list[tuple[int, bytes]] = []

    def post() -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post("/sms/inbound", data=form)
        answers.append((response.status_code, response.data))

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.real_commits
def test_a_retry_racing_the_original_is_stored_once_and_answered_alike(app: Flask) -> None:
    for attempt in range(5):
        form = twilio_form("STOP", from_=f"+1617555{attempt:04d}", sid=f"SM{attempt:032d}")
        first, second = _post_twice_at_once(app, form)
        assert first == second
        assert first[0] == 200
        assert len(twiml_messages(first[1])) == 1
    db.session.remove()
    assert _count(InboundMessage) == 5
    assert _count(Person) == 5
    assert _count(ConsentEvent) == 10  # each number: opted in by its first text, then out


def test_a_forged_post_with_a_nul_is_a_403_and_a_signed_one_a_400(
    twilio_app: Flask, client
) -> None:
    # Found by tests/sms/test_webhook_fuzz.py: the app-wide NUL check answered a forged post
    # with a 400 before its signature was checked. The webhook now authenticates first.
    form = twilio_form("make it stop\x00")
    forged = twilio_app.test_client().post("/sms/inbound", data=form)
    assert forged.status_code == 403
    signed = post_signed(
        twilio_app.test_client(), "/sms/inbound", form, "http://localhost/sms/inbound"
    )
    assert signed.status_code == 400
    assert b"NUL character" in signed.data
    unsigned_console = client.post("/sms/inbound", data=form)  # no token: no signature needed
    assert unsigned_console.status_code == 400
    assert _count(InboundMessage) == 0


@pytest.mark.parametrize("num_media", ["2147483648", "9" * 20, "-1"])
def test_a_num_media_no_column_can_hold_is_stored_as_zero(phone: Phone, num_media: str) -> None:
    # Found by tests/sms/test_webhook_fuzz.py on PostgreSQL: NumMedia past INTEGER was a 500.
    form = twilio_form("hello", sid="SM" + "e" * 32)
    form["NumMedia"] = num_media
    response = post_signed(phone.client, "/sms/inbound", form, "http://localhost/sms/inbound")
    assert response.status_code == 200
    stored = db.session.scalars(
        sa.select(InboundMessage).where(InboundMessage.message_sid == "SM" + "e" * 32)
    ).one()
    assert stored.num_media == 0
