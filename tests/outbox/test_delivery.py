"""Delivering the outbox through the real twilio client to a loopback fake (DESIGN §8)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from support_hub.db import utcnow
from support_hub.extensions import db
from support_hub.outbox.delivery import (
    LEASE,
    MAX_ATTEMPTS,
    backoff,
    claim_due,
    deliver_due,
    deliver_one,
    release_claims,
)
from support_hub.outbox.models import OutboxKind, OutboxMessage, OutboxStatus
from support_hub.outbox.services import enqueue
from support_hub.outbox.worker import Worker
from support_hub.sms.gateway import ConsoleGateway, OutboundSms, SendResult, TwilioGateway
from support_hub.sms.models import ConsentKind, ConsentSource, Person
from tests.fakes.twilio_api import Failure, FakeTwilio

NUMBER = "+16175550123"


def _queue(key: str, to: str = NUMBER, **kwargs: object) -> OutboxMessage:
    row = enqueue(
        to=to,
        body=f"Support Hub: message {key}",
        kind=OutboxKind.NOTICE,
        idempotency_key=key,
        **kwargs,  # type: ignore[arg-type]
    )
    db.session.commit()
    return row


def _fresh(row: OutboxMessage) -> OutboxMessage:
    db.session.refresh(row)
    return row


def test_due_rows_are_sent_and_their_sids_recorded(
    gateway: TwilioGateway, fake_twilio: FakeTwilio
) -> None:
    rows = [_queue(f"k{i}") for i in range(3)]
    outcomes = deliver_due(gateway, "w1")
    assert [o.status for o in outcomes] == [OutboxStatus.SENT] * 3
    sids = {_fresh(r).twilio_sid for r in rows}
    assert sids == {f"SM{n:032x}" for n in (1, 2, 3)}
    assert all(r.delivery_status == "queued" and r.claimed_by is None for r in rows)
    assert sorted(r.form["Body"] for r in fake_twilio.accepted()) == sorted(r.body for r in rows)


def test_rows_not_yet_due_wait(gateway: TwilioGateway, fake_twilio: FakeTwilio) -> None:
    later = _queue("later", not_before=utcnow() + timedelta(hours=1))
    assert deliver_due(gateway, "w1") == []
    assert _fresh(later).status is OutboxStatus.PENDING
    assert fake_twilio.requests == []


def test_enqueue_with_the_same_key_returns_the_same_row() -> None:
    first = _queue("checkin:person:2026-W48")
    second = _queue("checkin:person:2026-W48")
    assert first.id == second.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1


@pytest.mark.parametrize(
    "failure",
    [Failure(500, 20500), Failure(429, 20429), Failure(503, None), Failure(500, None, 1.0)],
    ids=["500", "429", "503", "timeout"],
)
def test_transient_failures_retry_later_then_send(
    gateway: TwilioGateway, fake_twilio: FakeTwilio, failure: Failure
) -> None:
    row = _queue("retry")
    fake_twilio.fail_next(failure)
    (outcome,) = deliver_due(gateway, "w1")
    assert outcome.status is OutboxStatus.PENDING
    row = _fresh(row)
    assert row.attempts == 1
    assert row.not_before > utcnow()
    assert row.last_error and "+1617" not in row.last_error
    assert deliver_due(gateway, "w1") == []  # backing off
    (retried,) = deliver_due(gateway, "w1", now=utcnow() + timedelta(hours=2))
    assert retried.status is OutboxStatus.SENT
    assert _fresh(row).attempts == 2
    assert len(fake_twilio.accepted()) == 1


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    rng = random.Random(7)
    first = [backoff(1, rng).total_seconds() for _ in range(50)]
    fifth = [backoff(5, rng).total_seconds() for _ in range(50)]
    assert all(2.5 <= s <= 5 for s in first)
    assert all(40 <= s <= 80 for s in fifth)
    assert len(set(fifth)) > 40  # jittered, not synchronised
    assert backoff(40, rng) <= timedelta(hours=1)


def test_a_row_that_keeps_failing_stops_after_max_attempts(
    gateway: TwilioGateway, fake_twilio: FakeTwilio
) -> None:
    row = _queue("doomed")
    fake_twilio.fail_next(*[Failure(500, 20500)] * MAX_ATTEMPTS)
    when = utcnow()
    for _ in range(MAX_ATTEMPTS):
        when += timedelta(hours=2)
        deliver_due(gateway, "w1", now=when)
    row = _fresh(row)
    assert row.status is OutboxStatus.FAILED
    assert row.attempts == MAX_ATTEMPTS


def test_21610_records_a_carrier_opt_out_and_nothing_more_is_sent(
    gateway: TwilioGateway, fake_twilio: FakeTwilio
) -> None:
    first, second = _queue("a"), _queue("b", not_before=utcnow() + timedelta(minutes=5))
    fake_twilio.fail_next(Failure(400, 21610))
    (outcome,) = deliver_due(gateway, "w1")
    assert outcome.status is OutboxStatus.FAILED
    assert _fresh(first).delivery_error_code == 21610
    assert _fresh(second).status is OutboxStatus.CANCELLED
    person = db.session.scalars(sa.select(Person).where(Person.phone == NUMBER)).one()
    assert person.opted_out
    event = person.consent_events[-1]
    assert (event.kind, event.source) == (ConsentKind.OPT_OUT, ConsentSource.CARRIER)
    third = _queue("c")
    assert deliver_due(gateway, "w1", now=utcnow() + timedelta(hours=1))[0].status is (
        OutboxStatus.CANCELLED
    )
    assert _fresh(third).status is OutboxStatus.CANCELLED
    assert fake_twilio.accepted() == []


@pytest.mark.parametrize("code", [21211, 21614, 30006])
def test_bad_number_codes_stop_and_cancel_that_number(
    gateway: TwilioGateway, fake_twilio: FakeTwilio, code: int
) -> None:
    db.session.add(Person(phone=NUMBER))
    db.session.commit()
    first, second = _queue("a"), _queue("b", not_before=utcnow() + timedelta(minutes=5))
    other = _queue("other", to="+16175550199")
    fake_twilio.fail_next(Failure(400, code))
    deliver_due(gateway, "w1", limit=1)
    assert _fresh(first).status is OutboxStatus.FAILED
    assert _fresh(second).status is OutboxStatus.CANCELLED
    person = db.session.scalars(sa.select(Person).where(Person.phone == NUMBER)).one()
    assert person.unreachable and not person.opted_out
    deliver_due(gateway, "w1")
    assert _fresh(other).status is OutboxStatus.SENT


def test_a_claim_is_a_lease_that_another_worker_takes_over_when_it_expires(
    gateway: TwilioGateway, fake_twilio: FakeTwilio
) -> None:
    row = _queue("crashy")
    assert claim_due("dead-worker") == [row.id]
    # Within the lease nobody else may take it.
    assert claim_due("w2") == []
    later = utcnow() + LEASE + timedelta(seconds=1)
    (outcome,) = deliver_due(gateway, "w2", now=later)
    assert outcome.status is OutboxStatus.SENT
    assert len(fake_twilio.accepted()) == 1


def test_a_page_is_claimed_before_a_backlog_that_became_due_earlier() -> None:
    """Found while building the reliability suite: claims went strictly by due time, so a crisis
    page (or a retry of one) waited behind every bulk text due before it."""
    backlog = [_queue(f"bulk{i}", to=f"+1617555{i:04d}") for i in range(30)]
    reply = enqueue(
        to="+16175550150", body="Support Hub: Hi, this is Remy.", kind=OutboxKind.STAFF_REPLY,
        idempotency_key="staff-reply:1",
    )  # fmt: skip
    page = enqueue(
        to="+16175550161", body="Support Hub: URGENT alert.", kind=OutboxKind.PAGE,
        idempotency_key="page:1",
    )  # fmt: skip
    db.session.commit()
    claimed = claim_due("w1", limit=3)
    # RETURNING gives no order; which three were taken is the point.
    assert set(claimed) == {page.id, reply.id, backlog[0].id}


def test_released_claims_go_back_to_the_queue() -> None:
    row = _queue("x")
    claim_due("w1")
    assert release_claims("w1") == 1
    row = _fresh(row)
    assert row.status is OutboxStatus.PENDING and row.claimed_by is None
    assert claim_due("w2") == [row.id]


def test_worker_once_drains_everything_due(cli) -> None:
    rows = [_queue(f"d{i}") for i in range(45)]
    result = cli.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "drained 45" in result.output
    assert {_fresh(r).status for r in rows} == {OutboxStatus.SENT}
    assert all(r.twilio_sid and r.twilio_sid.startswith("SMconsole") for r in rows)


class StopsDuringFirstSend:
    """A gateway that asks its worker to stop while the first send is in flight (as SIGTERM)."""

    name = "stopper"

    def __init__(self) -> None:
        self.worker: Worker | None = None
        self.inner = ConsoleGateway()

    def send(self, message: OutboundSms) -> SendResult:
        assert self.worker is not None
        self.worker.stop()
        return self.inner.send(message)


def test_stopping_finishes_the_current_send_and_releases_the_rest(app: Flask) -> None:
    rows = [_queue(f"s{i}") for i in range(5)]
    gateway = StopsDuringFirstSend()
    worker = Worker(app, gateway, batch_size=5)
    gateway.worker = worker
    worker.run_once()
    statuses = [_fresh(r).status for r in rows]
    assert statuses.count(OutboxStatus.SENT) == 1
    assert statuses.count(OutboxStatus.PENDING) == 4
    assert all(r.claimed_by is None for r in rows)
    assert len(gateway.inner.sent) == 1


def test_deliver_one_ignores_a_row_it_does_not_hold(gateway: TwilioGateway) -> None:
    row = _queue("unclaimed")
    outcome = deliver_one(row.id, "w1", gateway)
    assert outcome.status is OutboxStatus.PENDING


@pytest.mark.parametrize("number", ["+442079460000", "+447700900123", "not a number"])
def test_numbers_that_cannot_take_texts_are_never_sent_to(
    gateway: TwilioGateway, fake_twilio: FakeTwilio, number: str
) -> None:
    row = _queue("landline", to=number)
    (outcome,) = deliver_due(gateway, "w1")
    assert outcome.status is OutboxStatus.CANCELLED
    assert _fresh(row).last_error == "not a number that takes texts"
    assert fake_twilio.requests == []
