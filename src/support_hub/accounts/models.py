"""Staff users, their login sessions, failed-login records and the append-only audit trail."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from support_hub.db import Base, UTCDateTime, created_at, id_pk, str_enum, updated_at, utcnow


class Role(enum.Enum):
    """What a staff member may do (DESIGN §1). Roles are assigned by an admin, never earned.

    ADMIN: accounts, audit, everything a coordinator or responder can do.
    COORDINATOR: listings, imports, exports.
    RESPONDER: the staff inbox (alerts and conversations).
    """

    ADMIN = "admin"
    COORDINATOR = "coordinator"
    RESPONDER = "responder"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class User(Base):
    """A staff member. Never deleted: disabling keeps the audit trail's actors meaningful."""

    __tablename__ = "staff_user"

    id: Mapped[id_pk]
    # Stored lower-cased; logins compare lower-cased.
    email: Mapped[str] = mapped_column(sa.String(255), unique=True)
    name: Mapped[str] = mapped_column(sa.String(255), default="")
    # E.164; used to page responders. Never written to logs.
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    sessions: Mapped[list[StaffSession]] = relationship(back_populates="user")

    @property
    def disabled(self) -> bool:
        return self.disabled_at is not None

    # Flask-Login's user protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return not self.disabled

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return self.id


class SessionEnd(enum.Enum):
    """Why a session ended. A session row is OPEN (ended_at NULL) -> ended for one of these."""

    LOGOUT = "logout"
    IDLE = "idle"
    ABSOLUTE = "absolute"
    DISABLED = "disabled"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 (a reason, not a secret)
    ROLE_CHANGED = "role_changed"


class StaffSession(Base):
    """One login. The browser's signed cookie holds a random token; only its SHA-256 is stored.

    Kept server-side so logout, idle/absolute expiry and disabling a user end the session for
    real: a copied cookie is worthless once the row is ended.
    """

    __tablename__ = "staff_session"

    id: Mapped[id_pk]
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("staff_user.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_reason: Mapped[SessionEnd | None] = mapped_column(str_enum(SessionEnd))
    ip: Mapped[str | None] = mapped_column(sa.String(45))

    user: Mapped[User] = relationship(back_populates="sessions")


class LoginFailure(Base):
    """A failed login, kept for the throttle's sliding window (pruned after a day)."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # The address typed (lower-cased), whether or not such an account exists.
    email: Mapped[str] = mapped_column(sa.String(255), index=True)
    ip: Mapped[str] = mapped_column(sa.String(45), index=True)
    # Set when the browser showed a known-device cookie for this account (see throttle policy).
    device: Mapped[str | None] = mapped_column(sa.String(64), index=True)


class AuditEvent(Base):
    """Who did what to which record, with the values before and after. Append-only.

    Rows are never updated or deleted (the ORM refuses; see `_refuse_change`). `actor_email`
    is a snapshot so the trail reads the same after an account changes.
    """

    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_object_type_object_id", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    actor_email: Mapped[str | None] = mapped_column(sa.String(255))
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(sa.String(64))
    object_id: Mapped[str | None] = mapped_column(sa.String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    ip: Mapped[str | None] = mapped_column(sa.String(45))


class AuditTrailIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit event."""


@sa.event.listens_for(AuditEvent, "before_update")
@sa.event.listens_for(AuditEvent, "before_delete")
def _refuse_change(_mapper: Any, _connection: Any, target: AuditEvent) -> None:
    raise AuditTrailIsAppendOnly(f"audit event {target.id} cannot be changed or deleted")
