"""Alerts for staff, their notes and replies, and the on-call rota (DESIGN §7)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from support_hub.accounts.models import User
from support_hub.db import Base, UTCDateTime, created_at, id_pk, str_enum
from support_hub.sms.models import InboundMessage, Person
from support_hub.triage import Level


class AlertStatus(enum.Enum):
    """OPEN -> ACKNOWLEDGED -> RESOLVED; OPEN -> RESOLVED; a higher level re-opens (-> OPEN).

    OPEN: nobody has said "mine" yet; the escalation timer (`next_escalation_at`) runs.
    ACKNOWLEDGED: a responder has it; no more pages.
    RESOLVED: closed with an outcome and a note; a later text opens a new alert.
    """

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class Outcome(enum.Enum):
    """How an alert ended, for the resolve form and the dashboard."""

    SUPPORTED = "supported"
    REFERRED = "referred"
    EMERGENCY_SERVICES = "emergency_services"
    NO_RESPONSE = "no_response"
    NOT_NEEDED = "not_needed"

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]


_OUTCOME_LABELS = {
    Outcome.SUPPORTED: "Supported by the hub",
    Outcome.REFERRED: "Referred to a service or care team",
    Outcome.EMERGENCY_SERVICES: "Emergency services involved",
    Outcome.NO_RESPONSE: "Could not reach the person",
    Outcome.NOT_NEEDED: "No help needed (misread)",
}


# The rows the "one unresolved alert per person" rule covers: the partial unique index's
# predicate, and the conflict target an INSERT names to join the alert that is already there.
UNRESOLVED = sa.text("status <> 'resolved'")


class Alert(Base):
    """One person needing a human: raised by an inbound text, in the transaction that stored it.

    A person has at most one unresolved alert (a partial unique index, so two texts racing from
    one person cannot open two); later texts join it (raising its level when they are more
    serious) instead of paging again for every message.
    """

    __tablename__ = "inbox_alert"
    __table_args__ = (
        sa.Index("ix_inbox_alert_status_next_escalation_at", "status", "next_escalation_at"),
        sa.Index(
            "uq_inbox_alert_person_id_unresolved",
            "person_id",
            unique=True,
            sqlite_where=UNRESOLVED,
            postgresql_where=UNRESOLVED,
        ),
    )

    id: Mapped[id_pk]
    person_id: Mapped[str] = mapped_column(sa.ForeignKey("sms_person.id"), index=True)
    # The text that raised it (or last raised its level).
    inbound_message_id: Mapped[str] = mapped_column(sa.ForeignKey("sms_inbound_message.id"))
    level: Mapped[Level] = mapped_column(str_enum(Level))
    # The classifier's kind ("self_harm", "medical", "talk", ...) or "safety_net".
    kind: Mapped[str | None] = mapped_column(sa.String(40))
    reasons: Mapped[list[str] | None] = mapped_column(sa.JSON)
    status: Mapped[AlertStatus] = mapped_column(
        str_enum(AlertStatus), default=AlertStatus.OPEN, index=True
    )
    created_at: Mapped[created_at]
    last_inbound_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Escalation timer, a row in the database so a worker restart loses nothing.
    escalation_count: Mapped[int] = mapped_column(default=0, server_default="0")
    next_escalation_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assigned_to_id: Mapped[str | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by_id: Mapped[str | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[str | None] = mapped_column(sa.ForeignKey("staff_user.id"))
    outcome: Mapped[Outcome | None] = mapped_column(str_enum(Outcome))
    resolution_note: Mapped[str | None] = mapped_column(sa.Text)

    person: Mapped[Person] = relationship()
    inbound_message: Mapped[InboundMessage] = relationship()
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
    notes: Mapped[list[AlertNote]] = relationship(
        back_populates="alert", order_by="AlertNote.created_at"
    )

    @property
    def time_to_acknowledge(self) -> float | None:
        """Seconds from the alert to its acknowledgement (None while waiting)."""
        if self.acknowledged_at is None:
            return None
        return (self.acknowledged_at - self.created_at).total_seconds()

    @property
    def time_to_resolve(self) -> float | None:
        """Seconds from the alert to its resolution (None while unresolved)."""
        if self.resolved_at is None:
            return None
        return (self.resolved_at - self.created_at).total_seconds()


class AlertNote(Base):
    """A staff note on an alert. Append-only, like the audit trail."""

    __tablename__ = "inbox_alert_note"

    id: Mapped[id_pk]
    alert_id: Mapped[str] = mapped_column(sa.ForeignKey("inbox_alert.id"), index=True)
    author_id: Mapped[str] = mapped_column(sa.ForeignKey("staff_user.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[created_at]
    # The one-time token of the form it came from: the same form posted twice adds one note.
    submission_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True, index=True)

    alert: Mapped[Alert] = relationship(back_populates="notes")
    author: Mapped[User] = relationship()


class StaffReply(Base):
    """Who wrote which outbox text to the person, from an alert."""

    __tablename__ = "inbox_staff_reply"

    id: Mapped[id_pk]
    alert_id: Mapped[str] = mapped_column(sa.ForeignKey("inbox_alert.id"), index=True)
    author_id: Mapped[str] = mapped_column(sa.ForeignKey("staff_user.id"))
    outbox_message_id: Mapped[str] = mapped_column(sa.ForeignKey("outbox_message.id"))
    created_at: Mapped[created_at]

    author: Mapped[User] = relationship()


@sa.event.listens_for(AlertNote, "before_update")
@sa.event.listens_for(AlertNote, "before_delete")
def _notes_are_append_only(_mapper: Any, _connection: Any, _target: AlertNote) -> None:
    raise RuntimeError("alert notes are append-only")


class Tier(enum.Enum):
    """PRIMARY is paged first; BACKUP (with admins) when an alert is not acknowledged in time."""

    PRIMARY = "primary"
    BACKUP = "backup"


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class OnCallShift(Base):
    """One weekly rota slot: a responder is primary or backup on a weekday, hours [start, end).

    Hours are in `ONCALL_TIMEZONE`. With no slot covering a moment, every active responder is
    paged (the default when no rota is kept at all).
    """

    __tablename__ = "inbox_oncall_shift"

    id: Mapped[id_pk]
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("staff_user.id"), index=True)
    tier: Mapped[Tier] = mapped_column(str_enum(Tier))
    weekday: Mapped[int]  # 0 = Monday, as datetime.weekday()
    start_hour: Mapped[int]
    end_hour: Mapped[int]  # exclusive; 24 means until midnight
    created_at: Mapped[created_at]

    user: Mapped[User] = relationship()

    @property
    def weekday_name(self) -> str:
        return WEEKDAYS[self.weekday]
