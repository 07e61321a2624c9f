"""People who text the hub, what they sent, and the append-only consent ledger."""

from __future__ import annotations

import enum
import functools
from datetime import datetime
from typing import Any

import phonenumbers
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from support_hub.db import Base, UTCDateTime, created_at, id_pk, str_enum, updated_at

LANGUAGES = ("en", "es")


class InvalidPhoneNumber(ValueError):
    """The text is not a phone number we can reach by SMS."""


@functools.lru_cache(maxsize=4096)
def to_e164(raw: str, default_region: str = "US") -> str:
    """Normalise a phone number to E.164 (`+16175550100`); raise `InvalidPhoneNumber`.

    Cached: every inbound text parses its From number, and most come from numbers seen before.
    """
    try:
        parsed = phonenumbers.parse(raw.strip(), default_region)
    except phonenumbers.NumberParseException:
        raise InvalidPhoneNumber("not a phone number") from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhoneNumber("not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


# Number types that never take texts. North American numbers are mostly FIXED_LINE_OR_MOBILE
# (only the carrier knows), so they pass, and a 21614/30006 from Twilio marks them later.
_NO_SMS_TYPES = frozenset(
    {
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.PREMIUM_RATE,
        phonenumbers.PhoneNumberType.SHARED_COST,
        phonenumbers.PhoneNumberType.PAGER,
        phonenumbers.PhoneNumberType.UAN,
        phonenumbers.PhoneNumberType.VOICEMAIL,
    }
)


def can_receive_sms(e164: str) -> bool:
    """False for numbers whose type says they cannot take texts (a landline abroad, premium...)."""
    try:
        parsed = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(parsed) and (
        phonenumbers.number_type(parsed) not in _NO_SMS_TYPES
    )


class Person(Base):
    """Someone who texts the hub, known only by their number (E.164)."""

    __tablename__ = "sms_person"

    id: Mapped[id_pk]
    phone: Mapped[str] = mapped_column(sa.String(20), unique=True)
    language: Mapped[str] = mapped_column(sa.String(5), default="en", server_default="en")
    opted_out: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Twilio said the number cannot take texts (21211 invalid, 21614 not mobile, 30006 landline).
    unreachable: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    unreachable_reason: Mapped[str | None] = mapped_column(sa.String(80))
    # What the person is in the middle of (a search they can page through); see conversation.py.
    conversation: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    conversation_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    consent_events: Mapped[list[ConsentEvent]] = relationship(
        back_populates="person", order_by="ConsentEvent.created_at"
    )


class InboundStatus(enum.Enum):
    """RECEIVED -> ANSWERED (the reply, possibly none, is stored with the message)."""

    RECEIVED = "received"
    ANSWERED = "answered"


class InboundMessage(Base):
    """One text the hub received; Twilio retries of the same MessageSid are the same row."""

    __tablename__ = "sms_inbound_message"

    id: Mapped[id_pk]
    message_sid: Mapped[str] = mapped_column(sa.String(64), unique=True)
    person_id: Mapped[str] = mapped_column(sa.ForeignKey("sms_person.id"), index=True)
    to_number: Mapped[str] = mapped_column(sa.String(20))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    num_media: Mapped[int] = mapped_column(default=0, server_default="0")
    status: Mapped[InboundStatus] = mapped_column(
        str_enum(InboundStatus), default=InboundStatus.RECEIVED
    )
    # How the message was understood: a keyword intent, "search", "triage", ...
    handled_as: Mapped[str | None] = mapped_column(sa.String(40))
    triage_level: Mapped[str | None] = mapped_column(sa.String(20))
    triage_reasons: Mapped[list[str] | None] = mapped_column(sa.JSON)
    # The Distress Thermometer score the triage read (0-10), charted in the staff inbox.
    triage_score: Mapped[int | None]
    # The TwiML messages we answered with, so a replayed webhook gets the same answer.
    reply: Mapped[list[str] | None] = mapped_column(sa.JSON)
    received_at: Mapped[created_at]

    person: Mapped[Person] = relationship()


class ConsentKind(enum.Enum):
    OPT_IN = "opt-in"
    CONFIRM = "confirm"
    OPT_OUT = "opt-out"
    RE_OPT_IN = "re-opt-in"


class ConsentSource(enum.Enum):
    KEYWORD = "keyword"
    WEB = "web"
    STAFF = "staff"
    CARRIER = "carrier"


class ConsentEvent(Base):
    """One consent change, append-only: rows are never updated or deleted."""

    __tablename__ = "sms_consent_event"

    id: Mapped[id_pk]
    person_id: Mapped[str] = mapped_column(sa.ForeignKey("sms_person.id"), index=True)
    kind: Mapped[ConsentKind] = mapped_column(str_enum(ConsentKind))
    source: Mapped[ConsentSource] = mapped_column(str_enum(ConsentSource))
    # The exact words that carried the consent (the message, or the carrier's error code).
    text: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[created_at]

    person: Mapped[Person] = relationship(back_populates="consent_events")


@sa.event.listens_for(ConsentEvent, "before_update")
@sa.event.listens_for(ConsentEvent, "before_delete")
def _ledger_is_append_only(_mapper: Any, _connection: Any, _target: ConsentEvent) -> None:
    raise RuntimeError("the consent ledger is append-only")
