"""The consent ledger and the opt-out state it explains (DESIGN §6). No commits here:
these run inside the transaction of whatever caused them (a keyword, a carrier error).
"""

from __future__ import annotations

from datetime import datetime

from support_hub.extensions import db
from support_hub.outbox import services as outbox
from support_hub.sms.models import ConsentEvent, ConsentKind, ConsentSource, Person


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
