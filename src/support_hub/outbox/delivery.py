"""Delivering the outbox: claim due rows, send each through the gateway, record the outcome.

Claiming is one UPDATE ... RETURNING over a sub-select of due rows. On PostgreSQL the
sub-select takes `FOR UPDATE SKIP LOCKED`, so many workers share the queue without waiting on
each other; SQLite has one writer at a time, and the statement runs as the first write of its
transaction, so two workers can never claim the same row there either. A claim is a lease: a
worker that dies leaves rows whose lease expires and which any worker may claim again.

The send happens outside any transaction (the claim is committed first, the outcome after), so a
duplicate is possible only if the process dies between Twilio accepting a message and the
outcome's commit — the window DESIGN §8 allows, kept to one HTTP round trip.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from support_hub.db import begin_write, utcnow
from support_hub.extensions import db
from support_hub.outbox.models import DELIVERY_RANK, OutboxKind, OutboxMessage, OutboxStatus
from support_hub.sms import services as sms_services
from support_hub.sms.consent import may_answer
from support_hub.sms.gateway import (
    OPTED_OUT_CODES,
    UNREACHABLE_CODES,
    OutboundSms,
    SendError,
    SmsGateway,
)
from support_hub.sms.models import InvalidPhoneNumber, Person, can_receive_sms, to_e164

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 5.0
BACKOFF_CAP_SECONDS = 3600.0


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Exponential backoff with full jitter: up to base * 2^(attempts-1), capped."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))
    # Jitter spreads retries so a Twilio outage does not end in a synchronized burst; never zero.
    return timedelta(seconds=max(1.0, (rng or random).uniform(ceiling / 2, ceiling)))


# Texts someone is waiting for now go before bulk ones, whenever each became due: a page about
# a crisis (DESIGN §7: within 60 s) must not queue behind thousands of paced check-ins or behind
# retries of them, nor must a reply to a person who just wrote.
_URGENCY_RANK = {
    OutboxKind.PAGE: 0,
    OutboxKind.STAFF_REPLY: 1,
    OutboxKind.REPLY: 1,
    OutboxKind.OPT_OUT_CONFIRMATION: 1,
}
_BULK_RANK = 2
_URGENCY = sa.case(
    *((OutboxMessage.kind == kind, rank) for kind, rank in _URGENCY_RANK.items()),
    else_=_BULK_RANK,
)


def claim_due(
    worker_id: str, limit: int = 20, now: datetime | None = None, lease: timedelta = LEASE
) -> list[str]:
    """Claim up to `limit` due rows (pending, or claimed with an expired lease); commits.

    Pages first, then replies to people, then bulk texts; within each, the longest due first.
    """
    now = now or utcnow()
    due = (
        sa.select(OutboxMessage.id)
        .where(
            sa.or_(
                sa.and_(
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.not_before <= now,
                ),
                sa.and_(
                    OutboxMessage.status == OutboxStatus.CLAIMED,
                    OutboxMessage.lease_expires_at < now,
                ),
            )
        )
        .order_by(_URGENCY, OutboxMessage.not_before)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    statement = (
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(due.scalar_subquery()))
        .values(
            status=OutboxStatus.CLAIMED,
            claimed_by=worker_id,
            lease_expires_at=now + lease,
            updated_at=now,
        )
        .returning(OutboxMessage.id, OutboxMessage.kind, OutboxMessage.not_before)
        .execution_options(synchronize_session=False)
    )
    # RETURNING comes in no particular order: send the batch in the order it was chosen.
    rows = sorted(
        db.session.execute(statement).all(),
        key=lambda row: (_URGENCY_RANK.get(row.kind, _BULK_RANK), row.not_before),
    )
    ids = [row.id for row in rows]
    db.session.commit()
    return ids


@dataclass(frozen=True)
class Outcome:
    message_id: str
    status: OutboxStatus
    error: str | None = None


def _blocked_reason(
    to_number: str,
    kind: OutboxKind,
    opted_out: bool | None,
    unreachable: bool | None,
    now: datetime,
) -> str | None:
    """Why a text must not go out now, checked at send time (not only at enqueue).

    `opted_out`/`unreachable` are the Person's flags (None: no Person has the number), read in
    the same statement that counts the attempt, so the common check costs no extra round trip.
    """
    if not can_receive_sms(to_number):
        return "not a number that takes texts"
    if opted_out and not (kind is OutboxKind.STAFF_REPLY and _may_answer(to_number, now)):
        # A staff reply may answer someone who wrote again after opting out (sms.consent).
        return "opted out"
    if unreachable:
        return "unreachable"
    return None


def _may_answer(to_number: str, now: datetime) -> bool:
    person = db.session.scalar(sa.select(Person).where(Person.phone == to_number))
    return person is not None and may_answer(person, now)


def _person_flag(column: sa.orm.InstrumentedAttribute[bool]) -> sa.ScalarSelect[bool]:
    return (
        sa.select(column).where(Person.phone == OutboxMessage.to_number).limit(1).scalar_subquery()
    )


def _held(message_id: str, worker_id: str) -> sa.ColumnElement[bool]:
    """The row is still this worker's claim (a lease taken over by another worker is not)."""
    return sa.and_(
        OutboxMessage.id == message_id,
        OutboxMessage.status == OutboxStatus.CLAIMED,
        OutboxMessage.claimed_by == worker_id,
    )


def deliver_one(
    message_id: str,
    worker_id: str,
    gateway: SmsGateway,
    pace: Callable[[], object] | None = None,
    now: datetime | None = None,
    lease: timedelta = LEASE,
) -> Outcome:
    """Send one claimed row and record what happened (each step its own transaction).

    `pace` is called before the row is checked (per-sender pacing, see `pacing.py`): waiting
    for a turn after the check would let a STOP that arrives during the wait be overtaken by
    the send. `lease` is renewed by the check, so the claim outlives this send.
    """
    if pace is not None:
        pace()
    begin_write(db.session)
    # Counting the attempt first (and committing it before the network call) takes the row's
    # write lock and proves the claim is still ours. It also renews the lease from now: a batch
    # claimed long ago (slow sends, timeouts, pacing) must not let another worker reclaim this
    # row while it is on the wire, which would send it twice outside DESIGN §8's window.
    held = db.session.execute(
        sa.update(OutboxMessage)
        .where(_held(message_id, worker_id))
        .values(
            attempts=OutboxMessage.attempts + 1,
            updated_at=utcnow(),
            lease_expires_at=utcnow() + lease,
        )
        .returning(
            OutboxMessage.to_number,
            OutboxMessage.body,
            OutboxMessage.validity_seconds,
            OutboxMessage.attempts,
            OutboxMessage.kind,
            OutboxMessage.expires_at,
            _person_flag(Person.opted_out),
            _person_flag(Person.unreachable),
        )
        .execution_options(synchronize_session=False)
    ).one_or_none()
    if held is None:
        # Cancelled (STOP) or taken over since the claim: report what it is now, send nothing.
        status = db.session.scalar(
            sa.select(OutboxMessage.status).where(OutboxMessage.id == message_id)
        )
        db.session.rollback()
        return Outcome(message_id, status or OutboxStatus.CANCELLED)
    to_number, body, validity_seconds, attempts, kind, expires_at, opted_out, unreachable = held
    now = now or utcnow()
    blocked = _blocked_reason(to_number, kind, opted_out, unreachable, now)
    if blocked is None and expires_at is not None:
        # A check-in held up (retries, an outage) past its validity is dropped, not sent late;
        # Twilio gets only what is left of the validity, so it cannot deliver it late either.
        left = int((expires_at - now).total_seconds())
        if left < 1:
            blocked = "expired"
        else:
            validity_seconds = min(validity_seconds or left, left)
    if blocked is not None:
        _finish(message_id, worker_id, status=OutboxStatus.CANCELLED, last_error=blocked)
        db.session.commit()
        return Outcome(message_id, OutboxStatus.CANCELLED, blocked)
    db.session.commit()
    outbound = OutboundSms(to=to_number, body=body, validity_seconds=validity_seconds)
    try:
        result = gateway.send(outbound)
    except SendError as exc:
        return _record_failure(message_id, worker_id, to_number, attempts, exc)
    begin_write(db.session)
    # Recorded even if our lease lapsed meanwhile: the text did go out, and the SID proves it.
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(
            status=OutboxStatus.SENT,
            twilio_sid=result.sid,
            sent_at=utcnow(),
            delivery_status=result.status,
            claimed_by=None,
            lease_expires_at=None,
            last_error=None,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return Outcome(message_id, OutboxStatus.SENT)


def _finish(message_id: str, worker_id: str, **values: object) -> None:
    db.session.execute(
        sa.update(OutboxMessage)
        .where(_held(message_id, worker_id))
        .values(claimed_by=None, lease_expires_at=None, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )


def _record_failure(
    message_id: str, worker_id: str, to_number: str, attempts: int, exc: SendError
) -> Outcome:
    summary = exc.summary()[:200]
    log.warning("outbox send failed: %s", summary)
    begin_write(db.session)
    if exc.transient and attempts < MAX_ATTEMPTS:
        _finish(
            message_id,
            worker_id,
            status=OutboxStatus.PENDING,
            not_before=utcnow() + backoff(attempts),
            last_error=summary,
        )
        db.session.commit()
        return Outcome(message_id, OutboxStatus.PENDING, summary)
    _finish(
        message_id,
        worker_id,
        status=OutboxStatus.FAILED,
        last_error=summary,
        delivery_error_code=exc.code,
    )
    db.session.commit()
    if exc.code in OPTED_OUT_CODES:
        sms_services.record_carrier_opt_out(to_number, exc.code)
    elif exc.code in UNREACHABLE_CODES:
        sms_services.mark_unreachable(to_number, exc.code)
    return Outcome(message_id, OutboxStatus.FAILED, summary)


def deliver_due(
    gateway: SmsGateway,
    worker_id: str,
    *,
    limit: int = 20,
    now: datetime | None = None,
    lease: timedelta = LEASE,
) -> list[Outcome]:
    """Claim one batch of due rows and deliver them; returns what happened to each."""
    claimed = claim_due(worker_id, limit, now, lease)
    return [deliver_one(i, worker_id, gateway, now=now, lease=lease) for i in claimed]


def release_claims(worker_id: str) -> int:
    """Hand this worker's unsent claims back to the queue (a clean shutdown); commits."""
    begin_write(db.session)
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.claimed_by == worker_id,
            OutboxMessage.status == OutboxStatus.CLAIMED,
        )
        .values(status=OutboxStatus.PENDING, claimed_by=None, lease_expires_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _rank(status: str | None) -> int:
    return DELIVERY_RANK.get(status or "", 0)


@dataclass(frozen=True)
class StatusUpdate:
    """One Twilio status callback."""

    message_sid: str
    status: str
    error_code: int | None
    to_number: str


def record_status(update: StatusUpdate) -> bool:
    """Apply a status callback (never backwards); False for an unknown SID. Commits."""
    begin_write(db.session)
    message = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.twilio_sid == update.message_sid)
    )
    if message is None:
        # A reply sent as TwiML has no outbox row; its failures still matter below.
        try:
            phone = to_e164(update.to_number)
        except InvalidPhoneNumber:
            phone = ""
    else:
        phone = message.to_number
        if _rank(update.status) > _rank(message.delivery_status):
            message.delivery_status = update.status
            if update.error_code:
                message.delivery_error_code = update.error_code
    db.session.commit()
    if phone and update.error_code in OPTED_OUT_CODES:
        sms_services.record_carrier_opt_out(phone, update.error_code)
    elif phone and update.error_code in UNREACHABLE_CODES:
        sms_services.mark_unreachable(phone, update.error_code)
    return message is not None
