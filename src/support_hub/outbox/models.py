"""The durable outbox: every outbound text is a row before it is a send (DESIGN §8)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from support_hub.db import Base, UTCDateTime, created_at, id_pk, str_enum, updated_at, utcnow


class OutboxStatus(enum.Enum):
    """PENDING -> CLAIMED -> SENT; CLAIMED -> PENDING (retry, lease expired); -> FAILED (permanent); PENDING/CLAIMED -> CANCELLED (opt-out, expired)."""  # noqa: E501

    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class OutboxKind(enum.Enum):
    """Why the text exists (later features add theirs: check-ins, staff replies, pages)."""

    REPLY = "reply"
    OPT_OUT_CONFIRMATION = "opt_out_confirmation"
    CHECKIN = "checkin"
    STAFF_REPLY = "staff_reply"
    PAGE = "page"
    NOTICE = "notice"


# Twilio's delivery statuses in the order a message moves through them; a callback may only
# move a row forward, so a late `sent` never overwrites `delivered`. Terminal states share a rank.
DELIVERY_RANK = {
    "accepted": 1,
    "scheduled": 1,
    "queued": 2,
    "sending": 3,
    "sent": 4,
    "delivered": 5,
    "read": 6,
    "undelivered": 5,
    "failed": 5,
    "canceled": 5,
}


class OutboxMessage(Base):
    """One outbound text and everything known about its delivery."""

    __tablename__ = "outbox_message"
    __table_args__ = (sa.Index("ix_outbox_message_due", "status", "not_before"),)

    id: Mapped[id_pk]
    to_number: Mapped[str] = mapped_column(sa.String(20), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[OutboxKind] = mapped_column(str_enum(OutboxKind))
    # Texts to people who use the SMS front door carry their Person; staff pages may not.
    person_id: Mapped[str | None] = mapped_column(sa.ForeignKey("sms_person.id"), index=True)
    # Unique: the same logical message (a check-in period, a reply to one inbound) exists once.
    idempotency_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Seconds Twilio may hold the message before giving up (stale check-ins are not delivered).
    validity_seconds: Mapped[int | None]
    # not_before + validity at enqueue: past it the row is cancelled unsent, whatever retries did.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(sa.String(200))
    claimed_by: Mapped[str | None] = mapped_column(sa.String(80))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    twilio_sid: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivery_status: Mapped[str | None] = mapped_column(sa.String(20))
    delivery_error_code: Mapped[int | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]
