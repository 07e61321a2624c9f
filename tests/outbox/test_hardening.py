"""Outbox hardening: faults from Twilio, validity, pacing, STOP while queued (DESIGN §8)."""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from support_hub import create_app
from support_hub.db import utcnow
from support_hub.extensions import db
from support_hub.outbox.delivery import claim_due, deliver_due, deliver_one
from support_hub.outbox.models import OutboxKind, OutboxMessage, OutboxStatus
from support_hub.outbox.pacing import Pacer
from support_hub.outbox.services import enqueue
from support_hub.outbox.worker import Worker
from support_hub.sms.gateway import ConsoleGateway, OutboundSms, SendResult, TwilioGateway
from support_hub.sms.models import Person
from tests.conftest import settings_for_tests
from tests.fakes.twilio_api import Failure, FakeTwilio

OPTED_OUT = "+16175550199"


def _queue(key: str, to: str, *, at_offset: float = 0.0, validity: int | None = None) -> None:
    enqueue(
        to=to,
        body=f"Support Hub: {key}",
        kind=OutboxKind.NOTICE,
        idempotency_key=key,
        not_before=utcnow() + timedelta(seconds=at_offset),
        validity_seconds=validity,
    )


def _rows() -> dict[str, OutboxMessage]:
    db.session.expire_all()
    return {r.idempotency_key: r for r in db.session.scalars(sa.select(OutboxMessage))}


def test_500s_429s_timeouts_and_21610_retry_lose_nothing_and_stop_sends_after_opt_out(
    gateway: TwilioGateway, fake_twilio: FakeTwilio
) -> None:
    db.session.add(Person(phone=OPTED_OUT, language="en"))
    # The opted-out number's first text goes first and meets 21610; its later ones must not go.
    _queue("optout-0", OPTED_OUT, at_offset=-60)
    for i in range(12):
        _queue(f"m{i}", f"+1617555{i:04d}", at_offset=-30)
    _queue("optout-1", OPTED_OUT, at_offset=-10)
    _queue("optout-2", OPTED_OUT, at_offset=-5)
    db.session.commit()
    fake_twilio.fail_next(
        Failure(400, 21610),
        Failure(500, 20500),
        Failure(429, 20429),
        Failure(503, None),
        Failure(500, None, stall_seconds=1.0),  # longer than the client's 0.5 s timeout
        Failure(429, 20429),
        Failure(500, 20500),
    )
    clock = utcnow()
    for _ in range(100):
        # One at a time, oldest first, so the 21610 meets the opted-out number's first text.
        if deliver_due(gateway, "w1", now=clock, limit=1):
            continue
        if all(r.status is not OutboxStatus.PENDING for r in _rows().values()):
            break
        clock += timedelta(hours=2)  # past any backoff, instead of sleeping through it
    rows = _rows()
    assert rows["optout-0"].status is OutboxStatus.FAILED
    assert rows["optout-1"].status is rows["optout-2"].status is OutboxStatus.CANCELLED
    assert db.session.scalars(sa.select(Person).where(Person.phone == OPTED_OUT)).one().opted_out
    for i in range(12):
        assert rows[f"m{i}"].status is OutboxStatus.SENT
    assert sum(rows[f"m{i}"].attempts for i in range(12)) == 12 + 6  # six transient failures
    accepted = Counter(r.form["Body"] for r in fake_twilio.accepted())
    assert set(accepted) == {f"Support Hub: m{i}" for i in range(12)}
    assert set(accepted.values()) == {1}
    assert [r.form["To"] for r in fake_twilio.requests].count(OPTED_OUT) == 1


def test_a_stale_checkin_is_dropped_and_twilio_gets_only_the_validity_left(
    gateway: TwilioGateway, fake_twilio: FakeTwilio
) -> None:
    _queue("fresh", "+16175550111", validity=600)
    _queue("stale", "+16175550112", at_offset=-700, validity=600)
    db.session.commit()
    outcomes = deliver_due(gateway, "w1", now=utcnow() + timedelta(seconds=100))
    assert {(o.status, o.error) for o in outcomes} == {
        (OutboxStatus.SENT, None),
        (OutboxStatus.CANCELLED, "expired"),
    }
    (sent,) = fake_twilio.requests
    assert sent.form["To"] == "+16175550111"
    assert 490 <= int(sent.form["ValidityPeriod"]) <= 500


def test_stop_while_a_row_sits_in_a_workers_batch_cancels_it(app: Flask) -> None:
    db.session.add(Person(phone=OPTED_OUT, language="en"))
    _queue("claimed", OPTED_OUT)
    db.session.commit()
    (claimed,) = claim_due("w1")
    from support_hub.sms.services import InboundSms, receive_inbound

    receive_inbound(InboundSms("SMstop0001", OPTED_OUT, "+16175550100", "STOP"), hub="Hub")
    gateway = ConsoleGateway()
    assert deliver_one(claimed, "w1", gateway).status is OutboxStatus.CANCELLED
    assert gateway.sent == []


def test_a_stop_that_arrives_while_a_send_waits_for_its_turn_cancels_it(app: Flask) -> None:
    """Pacing waits before the opt-out check, never between the check and the send.

    Found while building the reliability suite (STOP during a paced backlog): the wait for
    the sender's turn used to come after the check, so a STOP during it was overtaken by the
    send.
    """
    db.session.add(Person(phone=OPTED_OUT, language="en"))
    _queue("paced-then-stopped", OPTED_OUT)
    db.session.commit()
    (claimed,) = claim_due("w1")
    from support_hub.sms.services import InboundSms, receive_inbound

    def stop_arrives_while_waiting() -> None:
        receive_inbound(InboundSms("SMstop0002", OPTED_OUT, "+16175550100", "STOP"), hub="Hub")

    gateway = ConsoleGateway()
    outcome = deliver_one(claimed, "w1", gateway, pace=stop_arrives_while_waiting)
    assert outcome.status is OutboxStatus.CANCELLED
    assert gateway.sent == []


class ClaimsWhileOnTheWire:
    """A gateway during whose send another worker tries to claim what is due (a slow Twilio)."""

    name = "claims-while-sending"

    def __init__(self) -> None:
        self.inner = ConsoleGateway()
        self.taken_meanwhile: list[str] = []

    def send(self, message: OutboundSms) -> SendResult:
        self.taken_meanwhile += claim_due("w2")
        return self.inner.send(message)


def test_a_send_renews_its_lease_so_no_other_worker_reclaims_it_on_the_wire() -> None:
    """A batch claimed long ago (slow sends, timeouts) must not be sent twice.

    Found while building the reliability suite's slow-Twilio scenario: the lease ran from the
    batch's claim, so a row whose turn came after the lease had run out could be reclaimed and
    sent by a second worker while the first was still sending it.
    """
    _queue("late-in-its-batch", "+16175550142", at_offset=-600)
    db.session.commit()
    (claimed,) = claim_due("w1", now=utcnow() - timedelta(minutes=5))
    gateway = ClaimsWhileOnTheWire()
    assert deliver_one(claimed, "w1", gateway).status is OutboxStatus.SENT
    assert gateway.taken_meanwhile == []
    assert len(gateway.inner.sent) == 1


def test_pacer_spaces_sends_at_the_configured_rate() -> None:
    pacer = Pacer(20.0)
    started = time.monotonic()
    waits = [pacer() for _ in range(11)]
    assert time.monotonic() - started >= 0.45
    assert waits[0] == 0.0
    assert Pacer(0)() == 0.0


@pytest.mark.real_commits
def test_sms_send_rate_paces_the_worker(app: Flask, tmp_path: Path) -> None:
    for i in range(6):
        _queue(f"paced{i}", f"+1617555{i:04d}")
    db.session.commit()
    overrides = settings_for_tests(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    paced = create_app({**overrides, "SMS_SEND_RATE": "10"})
    gateway = ConsoleGateway()
    started = time.monotonic()
    Worker(paced, gateway).drain()
    assert len(gateway.sent) == 6
    assert time.monotonic() - started >= 0.5  # 6 sends at 10/s: at least 5 gaps of 0.1 s
    with paced.app_context():
        db.engine.dispose()
