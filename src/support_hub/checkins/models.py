"""Weekly check-ins: who receives them, each one sent, and the follow-ups silence calls for."""

from __future__ import annotations

import enum
from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from support_hub.checkins.schedule import Cadence, DayPart
from support_hub.db import Base, UTCDateTime, created_at, id_pk, str_enum, updated_at


class SubscriptionStatus(enum.Enum):
    """PENDING (asked, awaiting YES) -> ACTIVE <-> PAUSED; any -> STOPPED (STOP); STOPPED -> PENDING (CHECKIN again)."""  # noqa: E501

    PENDING = "pending"
    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"


class Role(enum.Enum):
    """Whose wellbeing the check-in asks about (the caregiver's own, for caregivers)."""

    PATIENT = "patient"
    CAREGIVER = "caregiver"


class Subscription(Base):
    """One person's weekly check-in: consent state, cadence, zone and the next slot."""

    __tablename__ = "checkin_subscription"
    # The scheduling pass walks due rows in order of their slot.
    __table_args__ = (sa.Index("ix_checkin_subscription_due", "status", "next_due_at"),)

    id: Mapped[id_pk]
    person_id: Mapped[str] = mapped_column(sa.ForeignKey("sms_person.id"), unique=True)
    status: Mapped[SubscriptionStatus] = mapped_column(str_enum(SubscriptionStatus))
    role: Mapped[Role] = mapped_column(str_enum(Role), default=Role.PATIENT)
    # IANA zone, resolved once at consent (ZIP, else number's area, else HUB_TIMEZONE).
    zone: Mapped[str] = mapped_column(sa.String(64))
    zip_code: Mapped[str | None] = mapped_column(sa.String(5))
    weekday: Mapped[int | None]
    # Minutes after local midnight (a `time` column is not portable across both databases).
    at_minute: Mapped[int | None]
    day_part: Mapped[DayPart | None] = mapped_column(str_enum(DayPart))
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The period ("2026-W48") of the last check-in enqueued: a period is never served twice.
    last_period: Mapped[str | None] = mapped_column(sa.String(10))
    # Check-ins in a row that went out and got no answer; reset by any answer.
    missed_in_row: Mapped[int] = mapped_column(default=0, server_default="0")
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    def cadence(self) -> Cadence:
        at = None if self.at_minute is None else time(self.at_minute // 60, self.at_minute % 60)
        return Cadence(weekday=self.weekday, at=at, day_part=self.day_part)

    def set_cadence(self, cadence: Cadence) -> None:
        self.weekday = cadence.weekday
        self.at_minute = None if cadence.at is None else cadence.at.hour * 60 + cadence.at.minute
        self.day_part = cadence.day_part


class CheckIn(Base):
    """One check-in question sent for one period, and its answer (or its silence)."""

    __tablename__ = "checkin"
    __table_args__ = (sa.UniqueConstraint("person_id", "period"),)

    id: Mapped[id_pk]
    person_id: Mapped[str] = mapped_column(sa.ForeignKey("sms_person.id"), index=True)
    period: Mapped[str] = mapped_column(sa.String(10))
    outbox_key: Mapped[str] = mapped_column(sa.String(200))
    question: Mapped[str] = mapped_column(sa.Text)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reply: Mapped[str | None] = mapped_column(sa.Text)
    score: Mapped[int | None]
    level: Mapped[str | None] = mapped_column(sa.String(20))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Asked once more after a reply we could not read (DESIGN §7).
    reasked: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    missed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[created_at]


class FollowUpStatus(enum.Enum):
    """OPEN -> DONE (a person reached out, or the person answered again)."""

    OPEN = "open"
    DONE = "done"


class FollowUp(Base):
    """Low priority: two check-ins in a row got no answer; a person should reach out.

    The staff inbox lists OPEN rows (newest first); silence can mean decline, so this is never
    an alert and never pages anyone.
    """

    __tablename__ = "checkin_follow_up"

    id: Mapped[id_pk]
    person_id: Mapped[str] = mapped_column(sa.ForeignKey("sms_person.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(80))
    status: Mapped[FollowUpStatus] = mapped_column(
        str_enum(FollowUpStatus), default=FollowUpStatus.OPEN
    )
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]
