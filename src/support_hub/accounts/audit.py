"""Writing and reading the audit trail (append-only `AuditEvent` rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from support_hub.accounts.models import AuditEvent
from support_hub.db import utcnow
from support_hub.extensions import db


@dataclass(frozen=True)
class Actor:
    """Who is acting and from where; views build it from the request, services record it."""

    user_id: str | None
    email: str | None
    ip: str | None

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """An actor for command-line and background work."""
        return cls(user_id=None, email=name, ip=None)


def record(
    actor: Actor,
    action: str,
    *,
    object_type: str | None = None,
    object_id: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Add an audit event to the caller's transaction (the caller commits)."""
    event = AuditEvent(
        at=at or utcnow(),
        actor_id=actor.user_id,
        actor_email=actor.email,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
        ip=actor.ip,
    )
    db.session.add(event)
    return event


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ, as (before, after)."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    keys += [key for key in before if key not in after]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


@dataclass(frozen=True)
class AuditFilter:
    """What the admin's audit browser narrows by; every field optional."""

    action: str | None = None
    actor: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def search(
    criteria: AuditFilter, *, page: int = 1, per_page: int = 50
) -> tuple[list[AuditEvent], int]:
    """Events matching `criteria`, newest first, one page, with the total count."""
    query = sa.select(AuditEvent)
    if criteria.action:
        # "login" finds login.succeeded and login.failed alike.
        query = query.where(
            sa.or_(
                AuditEvent.action == criteria.action,
                AuditEvent.action.startswith(criteria.action + ".", autoescape=True),
            )
        )
    if criteria.actor:
        query = query.where(
            AuditEvent.actor_email.contains(criteria.actor.strip().lower(), autoescape=True)
        )
    if criteria.object_type:
        query = query.where(AuditEvent.object_type == criteria.object_type)
    if criteria.object_id:
        query = query.where(AuditEvent.object_id == criteria.object_id.strip())
    if criteria.since:
        query = query.where(AuditEvent.at >= criteria.since)
    if criteria.until:
        query = query.where(AuditEvent.at < criteria.until)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    ).all()
    return list(rows), total


def action_names() -> list[str]:
    """The distinct actions recorded so far (for the browser's filter list)."""
    return list(
        db.session.scalars(sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )
