"""Texting the hub at a chosen moment, and reading check-in state back."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import sqlalchemy as sa

from support_hub.checkins.models import CheckIn, Subscription
from support_hub.extensions import db
from support_hub.outbox.models import OutboxKind, OutboxMessage
from support_hub.sms.models import Person
from support_hub.sms.services import InboundSms, receive_inbound

NUMBER = "+16175550123"  # Boston: America/New_York
HUB = "Support Hub"
# Monday 23 November 2026, 10:00 in Boston.
MONDAY_10AM_BOSTON = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
_sids = itertools.count(1)


def text(body: str, now: datetime = MONDAY_10AM_BOSTON, number: str = NUMBER) -> tuple[str, ...]:
    """Send one inbound text as Twilio would; returns the hub's replies."""
    sms = InboundSms(
        message_sid=f"SMtest{next(_sids):026d}", from_number=number, to_number="+16175550100",
        body=body,
    )  # fmt: skip
    return receive_inbound(sms, hub=HUB, now=now).replies


def person(number: str = NUMBER) -> Person:
    db.session.expire_all()
    return db.session.scalars(sa.select(Person).where(Person.phone == number)).one()


def subscription(number: str = NUMBER) -> Subscription:
    return db.session.scalars(
        sa.select(Subscription).where(Subscription.person_id == person(number).id)
    ).one()


def checkins(number: str = NUMBER) -> list[CheckIn]:
    return list(
        db.session.scalars(
            sa.select(CheckIn)
            .where(CheckIn.person_id == person(number).id)
            .order_by(CheckIn.due_at)
        )
    )


def checkin_rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.kind == OutboxKind.CHECKIN)
            .order_by(OutboxMessage.not_before)
        )
    )


def subscribe(
    number: str = NUMBER, now: datetime = MONDAY_10AM_BOSTON, words: str = "CHECKIN"
) -> None:
    text(words, now, number)
    text("YES" if words.isascii() and words.split()[0] in ("CHECKIN", "JOIN") else "SI", now,
         number)  # fmt: skip
