"""SMS decisions and writes. Each public function is one transaction (it commits)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from support_hub import transactions
from support_hub.checkins import services as checkins
from support_hub.checkins.services import open_checkin_id_of
from support_hub.db import begin_write, new_id, utcnow
from support_hub.extensions import db
from support_hub.inbox import services as inbox
from support_hub.outbox import services as outbox
from support_hub.sms import conversation
from support_hub.sms.consent import apply_opt_out, record_consent
from support_hub.sms.models import (
    ConsentKind,
    ConsentSource,
    InboundMessage,
    InboundStatus,
    Person,
    to_e164,
)


@dataclass(frozen=True)
class InboundSms:
    """The parts of Twilio's webhook the hub uses."""

    message_sid: str
    from_number: str
    to_number: str
    body: str
    num_media: int = 0


@dataclass(frozen=True)
class InboundResult:
    replies: tuple[str, ...]
    replayed: bool


# Statements every inbound text runs, built once (values are bound per call).
_PERSON_BY_PHONE = sa.select(Person).where(Person.phone == sa.bindparam("phone"))
_STORED = sa.select(InboundMessage.id, InboundMessage.reply).where(
    InboundMessage.message_sid == sa.bindparam("sid")
)
# Everything a text needs to know before it is answered, in one round trip: whether this
# MessageSid was answered before (a replay), the texter, the check-in a reply may answer, their
# open inbox alert, and whether staff have met them. One row even for a new number (the person
# columns are then NULL): the outer join hangs them off a constant row. Read with Core: the
# ORM's loading machinery cost a third of a plain text's handling; the person is attached to
# the session from its columns instead (`_attach_person`).
_PERSON_COLUMNS = tuple(Person.__table__.c)
_TEXTER = (
    sa.select(
        _STORED.with_only_columns(InboundMessage.id).scalar_subquery(),
        _STORED.with_only_columns(InboundMessage.reply).scalar_subquery(),
        open_checkin_id_of(Person.id, sa.bindparam("answer_cutoff")),
        *inbox.staff_context_columns(Person.id),
        *_PERSON_COLUMNS,
    )
    .select_from(sa.select(sa.literal(1).label("one")).subquery())
    .outerjoin(Person, Person.phone == sa.bindparam("phone"))
)
_INSERT_INBOUND = sa.insert(InboundMessage)


@dataclass(frozen=True)
class _Texter:
    person: Person
    is_new: bool
    open_checkin_id: str | None
    staff: inbox.StaffContext


def _read_texter(sid: str, phone: str, now: datetime) -> tuple[str, ...] | _Texter:
    """The stored answer when this MessageSid is a replay; else the texter (a new person is
    added to the session, not flushed)."""
    row = (
        db.session.connection()
        .execute(
            _TEXTER,
            {"sid": sid, "phone": phone, "answer_cutoff": now - checkins.ANSWER_WINDOW},
        )
        .one()
    )
    stored_id, stored_reply, checkin_id, alert_id, known = row[:5]
    if stored_id is not None:
        return tuple(stored_reply or ())
    person_row = row[5:]
    if person_row[0] is not None:
        person = _attach_person(person_row)
        return _Texter(person, False, checkin_id, inbox.StaffContext(alert_id, bool(known)))
    return _Texter(_add_person(phone), True, None, inbox.NEW_TEXTER)


def _attach_person(row: Sequence[Any]) -> Person:
    """The person a row of `_PERSON_COLUMNS` describes, in the session as if the ORM had loaded
    it: a change to it is flushed as an UPDATE. The session's own copy when it already holds one
    (a second try after a rolled-back first)."""
    values = {column.key: value for column, value in zip(_PERSON_COLUMNS, row, strict=True)}
    held = db.session.identity_map.get(identity_key(Person, values["id"]))
    if isinstance(held, Person):
        return held
    person = Person(**values)
    make_transient_to_detached(person)  # no pending changes: as freshly loaded
    db.session.add(person)
    return person


def _find_or_add_person(phone: str) -> tuple[Person, bool]:
    """The person with this number, created if new; True when they are new (no commit)."""
    person = db.session.scalar(_PERSON_BY_PHONE, {"phone": phone})
    if person is not None:
        return person, False
    return _add_person(phone), True


def _add_person(phone: str) -> Person:
    """A new person with this number, added to the session (no flush, no commit).

    The id is ours (a UUID), so rows that refer to the person need no flush to know it: the
    commit inserts the person before them in one unit of work.
    """
    person = Person(id=new_id(), phone=phone, language="en")
    db.session.add(person)
    return person


def receive_inbound(sms: InboundSms, *, hub: str, now: datetime | None = None) -> InboundResult:
    """Store one inbound text (once per MessageSid) and decide its answer, in one transaction.

    A replay of a stored MessageSid returns the stored answer and changes nothing.
    Raises `InvalidPhoneNumber` when From is not a phone number.
    """
    try:
        return _receive(sms, hub, now or utcnow())
    except IntegrityError:
        # A concurrent request stored the same MessageSid (a Twilio retry racing the original)
        # or created the same new person first. Everything here was rolled back; the second
        # try sees their committed row and answers as a replay or as a returning texter.
        db.session.rollback()
        return _receive(sms, hub, now or utcnow())


@dataclass(frozen=True)
class _Decided:
    texter: _Texter
    decision: conversation.Decision


def _receive(sms: InboundSms, hub: str, now: datetime) -> InboundResult:
    """Read, decide, then write: the message with its answer, and whatever the answer changed.

    On PostgreSQL the reads run outside a transaction (`transactions.reads_then_writes`) and a
    text that changes nothing else (most of them: a known texter, no keyword, no alert) is one
    INSERT that commits on its own: two round trips in all. Anything more is written in one
    transaction. Should deciding want to write (an opt-out cancels queued texts), everything is
    rolled back and decided again inside a transaction, as on SQLite, which takes the write lock
    before it reads.
    """
    phone = to_e164(sms.from_number)
    reading_first = transactions.reads_then_writes(db.session)
    if reading_first:
        try:
            decided = _decide(sms, phone, hub, now)
        except transactions.WriteWhileReading:
            db.session.rollback()
            reading_first = False
    if not reading_first:
        begin_write(db.session)
        decided = _decide(sms, phone, hub, now)
    if not isinstance(decided, _Decided):
        db.session.rollback()
        return InboundResult(decided, replayed=True)
    texter, decision = decided.texter, decided.decision
    if reading_first:
        if _only_the_message_to_write(texter, decision):
            transactions.write_one_statement(db.session)
        else:
            transactions.begin_transaction(db.session)
    replies = _store(sms, texter, decision, hub, now)
    db.session.commit()
    return InboundResult(replies, replayed=False)


def _decide(sms: InboundSms, phone: str, hub: str, now: datetime) -> _Decided | tuple[str, ...]:
    """The stored answer when this MessageSid is a replay; else the texter and what to answer
    (the person and any consent event are changed in the session, not written)."""
    texter = _read_texter(sms.message_sid, phone, now)
    if not isinstance(texter, _Texter):
        return texter
    person, is_new = texter.person, texter.is_new
    if is_new:
        record_consent(person, ConsentKind.OPT_IN, ConsentSource.KEYWORD, sms.body, now=now)
    if person.unreachable:
        # Texting us shows the number takes texts again, whatever an old error said.
        person.unreachable = False
    decision = conversation.respond(
        person,
        sms.body,
        first_contact=is_new,
        hub=hub,
        now=now,
        open_checkin_id=texter.open_checkin_id,
    )
    return _Decided(texter, decision)


def _only_the_message_to_write(texter: _Texter, decision: conversation.Decision) -> bool:
    """True when storing the message is the answer's only write: no new or changed row in the
    session (a new person, a consent event, a changed person) and no alert to raise."""
    session = db.session()
    return not session.new and not session.dirty and not inbox.alert_needed(decision, texter.staff)


def _store(
    sms: InboundSms,
    texter: _Texter,
    decision: conversation.Decision,
    hub: str,
    now: datetime,
) -> tuple[str, ...]:
    """Write the message with its answer, and the alert it raises; returns the replies to send.

    The message is stored with its answer in the same commit, before the answer leaves (the
    webhook renders it after this returns). One plain INSERT: the ORM's unit of work for a row
    nothing reads again cost more than the rest of a plain text's handling. The flush writes
    the person first (new, or changed by the answer): the message refers to it, and the message
    is written before any alert that refers to it.
    """
    person = texter.person
    message = InboundMessage(id=new_id(), message_sid=sms.message_sid)  # not added: ids only
    db.session.flush()
    db.session.connection().execute(
        _INSERT_INBOUND,
        {
            "id": message.id,
            "message_sid": sms.message_sid,
            "person_id": person.id,
            "to_number": sms.to_number[:20],
            "body": sms.body,
            "num_media": sms.num_media,
            "status": InboundStatus.ANSWERED,
            "handled_as": decision.handled_as,
            "triage_level": decision.triage.level.value if decision.triage else None,
            "triage_reasons": list(decision.triage.reasons) if decision.triage else None,
            "triage_score": decision.triage.score if decision.triage else None,
            "reply": list(decision.replies),
            # The same clock as the consent ledger: a STOP is never "a text after the opt-out".
            "received_at": now,
        },
    )
    # --- staff inbox (issue 7): alerts, pages and the safety net, in this same transaction ---
    replies = inbox.raise_alert(person, message, decision, hub=hub, now=now, staff=texter.staff)
    if replies != decision.replies:
        # The safety net answered instead ("a person will read your message"): store that.
        db.session.execute(
            sa.update(InboundMessage)
            .where(InboundMessage.id == message.id)
            .values(reply=list(replies))
        )
    return replies


def person_for(phone: str) -> Person | None:
    return db.session.scalar(sa.select(Person).where(Person.phone == phone))


def record_carrier_opt_out(phone: str, code: int, now: datetime | None = None) -> None:
    """Twilio says the number has opted out (21610): record it, source carrier (one transaction)."""
    now = now or utcnow()
    begin_write(db.session)
    person = person_for(phone)
    if person is None:
        person, _ = _find_or_add_person(phone)
    apply_opt_out(person, ConsentSource.CARRIER, f"twilio error {code}", now)
    db.session.commit()


def mark_unreachable(phone: str, code: int) -> None:
    """Twilio says texts cannot reach the number (21211, 21614, 30006): stop trying (commits)."""
    begin_write(db.session)
    person = person_for(phone)
    if person is not None:
        person.unreachable = True
        person.unreachable_reason = f"twilio error {code}"
    outbox.cancel_pending_to(phone, f"unreachable (twilio error {code})")
    db.session.commit()


@dataclass(frozen=True)
class PhoneLine:
    """One message in a phone's history, as the simulator shows it."""

    at: datetime
    direction: str  # "in" or "out"
    body: str
    note: str


def phone_history(phone: str, limit: int = 200) -> list[PhoneLine]:
    """Everything a number sent and was sent: texts, their TwiML replies, and outbox texts."""
    from support_hub.outbox.models import OutboxMessage, OutboxStatus

    lines: list[PhoneLine] = []
    person = person_for(phone)
    if person is not None:
        inbound = db.session.scalars(
            sa.select(InboundMessage)
            .where(InboundMessage.person_id == person.id)
            .order_by(InboundMessage.received_at.desc())
            .limit(limit)
        )
        for message in inbound:
            level = f"triage: {message.triage_level}" if message.triage_level else ""
            lines.append(PhoneLine(message.received_at, "in", message.body, level))
            lines.extend(
                PhoneLine(message.received_at, "out", text, "reply") for text in message.reply or ()
            )
    sent = db.session.scalars(
        sa.select(OutboxMessage)
        .where(
            OutboxMessage.to_number == phone,
            OutboxMessage.status.in_([OutboxStatus.SENT, OutboxStatus.PENDING]),
        )
        .order_by(OutboxMessage.created_at.desc())
        .limit(limit)
    )
    for row in sent:
        note = f"{row.kind.value}, {row.status.value}"
        lines.append(PhoneLine(row.sent_at or row.created_at, "out", row.body, note))
    # Stable sort keeps each reply after the text it answers (same timestamp).
    return sorted(lines, key=lambda line: line.at)[-limit:]
