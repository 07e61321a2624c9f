"""Writing to the outbox: always inside the caller's transaction (DESIGN §8)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from support_hub.db import utcnow
from support_hub.extensions import db
from support_hub.outbox.models import OutboxKind, OutboxMessage, OutboxStatus


def enqueue(
    *,
    to: str,
    body: str,
    kind: OutboxKind,
    idempotency_key: str,
    person_id: str | None = None,
    not_before: datetime | None = None,
    validity_seconds: int | None = None,
) -> OutboxMessage:
    """Add a text to the outbox in the current transaction; the caller commits.

    A second enqueue with the same idempotency key returns the existing row instead of a new one.
    """
    message, _ = enqueue_once(
        to=to,
        body=body,
        kind=kind,
        idempotency_key=idempotency_key,
        person_id=person_id,
        not_before=not_before,
        validity_seconds=validity_seconds,
    )
    return message


def enqueue_once(
    *,
    to: str,
    body: str,
    kind: OutboxKind,
    idempotency_key: str,
    person_id: str | None = None,
    not_before: datetime | None = None,
    validity_seconds: int | None = None,
) -> tuple[OutboxMessage, bool]:
    """As `enqueue`, and whether this call added the row (False: the key was used before)."""
    existing = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.idempotency_key == idempotency_key)
    )
    if existing is not None:
        return existing, False
    not_before = not_before or utcnow()
    message = OutboxMessage(
        to_number=to,
        body=body,
        kind=kind,
        idempotency_key=idempotency_key,
        person_id=person_id,
        not_before=not_before,
        validity_seconds=validity_seconds,
        expires_at=not_before + timedelta(seconds=validity_seconds) if validity_seconds else None,
        status=OutboxStatus.PENDING,
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        # A concurrent transaction enqueued the same key first: theirs is the message.
        theirs = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.idempotency_key == idempotency_key)
        ).one()
        return theirs, False
    return message, True


def cancel_pending_to(number: str, reason: str) -> int:
    """Cancel every text still waiting for `number` (opt-out, unreachable); the caller commits.

    Claimed rows are cancelled too: a worker holding one in its batch then finds it no longer
    its claim and skips it. Only a send already on the wire can still go out (and is recorded).
    """
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.to_number == number,
            OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.CLAIMED]),
        )
        .values(status=OutboxStatus.CANCELLED, last_error=reason[:200], updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
