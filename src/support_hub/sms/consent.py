"""The consent ledger and the opt-out state it explains (DESIGN §6). No commits here:
these run inside the transaction of whatever caused them (a keyword, a carrier error).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from support_hub.extensions import db
from support_hub.outbox import services as outbox
from support_hub.sms.models import (
    ConsentEvent,
    ConsentKind,
    ConsentSource,
    InboundMessage,
    Person,
)


def record_consent(
    person: Person,
    kind: ConsentKind,
    source: ConsentSource,
    text: str,
    *,
    now: datetime | None = None,
) -> ConsentEvent:
    """Append one row to the consent ledger (no commit: part of the caller's transaction)."""
    event = ConsentEvent(person_id=person.id, kind=kind, source=source, text=text)
    if now is not None:
        event.created_at = now
    db.session.add(event)
    return event


def apply_opt_out(person: Person, source: ConsentSource, text: str, now: datetime) -> bool:
    """Opt the person out and cancel their waiting texts; False if they already were (no commit)."""
    if person.opted_out:
        return False
    person.opted_out = True
    person.opted_out_at = now
    person.conversation = None
    person.conversation_expires_at = None
    record_consent(person, ConsentKind.OPT_OUT, source, text, now=now)
    db.session.flush()
    outbox.cancel_pending_to(person.phone, "opted out")
    # Imported here: check-ins build on the SMS package, not the other way round.
    from support_hub.checkins.services import stop_for_opt_out

    stop_for_opt_out(person.id)
    return True


def apply_opt_in_again(person: Person, source: ConsentSource, text: str, now: datetime) -> bool:
    """Re-subscribe an opted-out person; False if they were not opted out (no commit)."""
    if not person.opted_out:
        return False
    person.opted_out = False
    person.opted_out_at = None
    record_consent(person, ConsentKind.RE_OPT_IN, source, text, now=now)
    return True


# A person who opted out and then wrote to us again may be answered by staff, for this long
# after their latest text: they started that conversation, and it is the one thread we may
# continue (DESIGN §7). Automated texts (check-ins, notices) stay blocked; START re-subscribes.
ANSWER_WINDOW_AFTER_OPT_OUT = timedelta(hours=24)


def may_answer(person: Person, now: datetime) -> bool:
    """Whether staff may text this person now: not opted out, or wrote again since opting out."""
    if not person.opted_out:
        return True
    if person.opted_out_at is None:
        return False
    latest = db.session.scalar(
        sa.select(sa.func.max(InboundMessage.received_at)).where(
            InboundMessage.person_id == person.id,
            InboundMessage.received_at > person.opted_out_at,
        )
    )
    return latest is not None and now - latest <= ANSWER_WINDOW_AFTER_OPT_OUT
