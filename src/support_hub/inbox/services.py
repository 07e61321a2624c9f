"""Alerts, pages, escalation and the staff actions on them (DESIGN §7).

`raise_alert` runs inside `sms.services.receive_inbound`'s transaction (no commit). Every other
public function is one transaction: it writes its audit event and commits.

Decisions where DESIGN is silent:
- One unresolved alert per person (a partial unique index; texts racing to open it join the
  one that wins, see `_open_or_join`). Later texts join it; a more serious one raises its level,
  re-opens it and pages again. A resolved alert stays closed; the next text opens a new one.
- The safety net (the classifier misses new phrasings; see bench/README.md): free text that no
  keyword, search or score explained, from a person staff already know (any alert before), or
  while their alert is open, reaches the inbox as at least a ROUTINE alert. They are told a
  person will read it instead of "we did not understand". Routine alerts page nobody.
- Pages go to the rota's primary responders on call now; with no rota slot covering now, to
  every active responder with a phone; with none of those, to admins with a phone.
- Escalation: an OPEN urgent alert after `URGENT_ACK_MINUTES`, an OPEN elevated one after
  `ELEVATED_ACK_HOURS`, pages the backup on call and every admin, then again every interval
  until someone acknowledges. Each step's pages have their own idempotency keys.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from support_hub.accounts import audit
from support_hub.accounts.audit import Actor
from support_hub.accounts.models import Role, User
from support_hub.db import begin_write, new_id, utcnow
from support_hub.extensions import db
from support_hub.inbox.models import (
    UNRESOLVED,
    WEEKDAYS,
    Alert,
    AlertNote,
    AlertStatus,
    OnCallShift,
    Outcome,
    StaffReply,
    Tier,
)
from support_hub.outbox import services as outbox
from support_hub.outbox.models import OutboxKind, OutboxMessage
from support_hub.sms.consent import may_answer
from support_hub.sms.conversation import NEEDS_PERSON
from support_hub.sms.messages import fit, render, segments
from support_hub.sms.models import ConsentEvent, InboundMessage, Person
from support_hub.triage import Level
from support_hub.validation import ValidationFailed

if TYPE_CHECKING:
    from support_hub.sms.conversation import Decision


@dataclass(frozen=True)
class Policy:
    """The settings alerts follow (from `Settings`; tests build their own)."""

    hub: str = "Support Hub"
    public_base_url: str | None = None
    urgent_ack: timedelta = timedelta(minutes=10)
    elevated_ack: timedelta = timedelta(hours=4)
    oncall_zone: str = "America/New_York"

    def ack_window(self, level: Level) -> timedelta | None:
        """How long an alert of `level` may stay OPEN before it escalates (None: never)."""
        if level is Level.URGENT:
            return self.urgent_ack
        if level is Level.ELEVATED:
            return self.elevated_ack
        return None

    def alert_url(self, alert_id: str) -> str:
        return f"{self.public_base_url or ''}/inbox/alerts/{alert_id}"


def current_policy() -> Policy:
    """The running app's policy."""
    settings = current_app.extensions["support_hub.settings"]
    return Policy(
        hub=settings.hub_name,
        public_base_url=settings.public_base_url,
        urgent_ack=timedelta(minutes=settings.urgent_ack_minutes),
        elevated_ack=timedelta(hours=settings.elevated_ack_hours),
        oncall_zone=settings.oncall_timezone,
    )


def _begin_writing() -> None:
    """End any read transaction the view started, then start a writer (see `db.begin_write`).

    On SQLite a transaction that has read cannot become a writer once another connection (the
    worker, a webhook) has written since: it fails at once with "database is locked". Objects
    read earlier are expired by the commit and reload, fresh, inside the writing transaction.
    """
    if db.session().in_transaction():
        db.session.commit()
    begin_write(db.session)


# ---------------------------------------------------------------------------------------------
# Raising alerts (inside the inbound transaction) and paging.

# How a message was handled when it is free text a person should read (see the safety net).
_FREE_TEXT = frozenset({"triage", "not_understood", "ignored_opted_out", NEEDS_PERSON})
_LEVEL_WORD = {Level.URGENT: "URGENT", Level.ELEVATED: "elevated", Level.ROUTINE: "routine"}


def _open_alerts(person_id: Any) -> sa.Select[tuple[Alert]]:
    return (
        sa.select(Alert)
        .where(Alert.person_id == person_id, Alert.status != AlertStatus.RESOLVED)
        .order_by(Alert.created_at.desc())
        .limit(1)
    )


def open_alert_for(person_id: str, *, lock: bool = False) -> Alert | None:
    """The person's unresolved alert, if any; `lock` holds it (PostgreSQL) until the commit."""
    query = _open_alerts(person_id)
    if lock:
        # Two texts from one person change their alert one after the other: a level raised
        # by one is never written back down by the other.
        query = query.with_for_update()
    return db.session.scalar(query)


def _ever_alerted(person_id: Any) -> sa.Exists:
    return sa.exists().where(Alert.person_id == person_id)


@dataclass(frozen=True)
class StaffContext:
    """What the inbox needs to know about a texter, read with the person in one statement."""

    open_alert_id: str | None
    known_to_staff: bool


NEW_TEXTER = StaffContext(open_alert_id=None, known_to_staff=False)


def staff_context_columns(person_id: Any) -> tuple[sa.ScalarSelect[str], sa.Exists]:
    """The columns of a `StaffContext`, as subqueries correlated to `person_id`."""
    open_alert = _open_alerts(person_id).with_only_columns(Alert.id).scalar_subquery()
    return open_alert, _ever_alerted(person_id)


def _staff_context(person_id: str) -> StaffContext:
    alert_id, known = db.session.execute(sa.select(*staff_context_columns(person_id))).one()
    return StaffContext(alert_id, bool(known))


@dataclass(frozen=True)
class _Raised:
    """What one inbound text brings to the person's alert."""

    message_id: str
    level: Level
    kind: str | None
    reasons: list[str]
    now: datetime


def raise_alert(
    person: Person,
    message: InboundMessage,
    decision: Decision,
    *,
    hub: str,
    now: datetime,
    policy: Policy | None = None,
    staff: StaffContext | None = None,
) -> tuple[str, ...]:
    """Alert staff about this inbound text when it needs a person; returns the replies to send.

    Runs in the caller's transaction (no commit): the alert and its pages exist exactly when
    the message does. `staff` is what the caller already read about the person (else read here).
    """
    triage = decision.triage
    if triage is None or decision.handled_as not in _FREE_TEXT:
        return decision.replies
    staff = staff or _staff_context(person.id)
    if not alert_needed(decision, staff):
        return decision.replies
    needs_person = decision.handled_as == NEEDS_PERSON
    kind = triage.kind
    if triage.level is Level.ROUTINE:
        kind = "needs_person" if needs_person else "safety_net"
    policy = policy or current_policy()
    existing = None
    if staff.open_alert_id is not None:
        # Locked (PostgreSQL) as `open_alert_for(lock=True)` does; resolved since it was read?
        # Then it is history, and this text opens (or joins) a new one.
        existing = db.session.get(Alert, staff.open_alert_id, with_for_update=True)
        if existing is not None and existing.status is AlertStatus.RESOLVED:
            existing = None
    raised = _Raised(message.id, triage.level, kind, list(triage.reasons), now)
    if existing is None:
        _open_or_join(person.id, raised, policy)
    else:
        _join(existing, raised, policy)
    if triage.level is Level.ROUTINE and decision.handled_as == "not_understood":
        return (render("routine_received", person.language, hub),)
    return decision.replies


def alert_needed(decision: Decision, staff: StaffContext) -> bool:
    """Whether `raise_alert` will alert staff about this text (it writes exactly then).

    Free text a person should read: elevated or urgent always; routine when it needs a person,
    while the texter's alert is open, or when staff have met them before (the safety net).
    """
    triage = decision.triage
    if triage is None or decision.handled_as not in _FREE_TEXT:
        return False
    if triage.level is not Level.ROUTINE:
        return True
    return (
        decision.handled_as == NEEDS_PERSON
        or staff.open_alert_id is not None
        or staff.known_to_staff
    )


def _join(alert: Alert, raised: _Raised, policy: Policy) -> None:
    """A later text joins the person's alert; a more serious one raises it and pages again."""
    alert.last_inbound_at = raised.now
    if raised.level.rank <= alert.level.rank:
        return
    alert.level = raised.level
    alert.kind = raised.kind
    alert.reasons = raised.reasons
    alert.inbound_message_id = raised.message_id
    # A more serious message needs someone to say "mine" again, now.
    alert.status = AlertStatus.OPEN
    alert.escalation_count = 0
    window = policy.ack_window(raised.level)
    alert.next_escalation_at = raised.now + window if window else None
    db.session.flush()
    step = f"raised-{raised.level.value}"
    _page(alert, _primary_on_call(raised.now, policy), step=step, policy=policy)


def _open_or_join(person_id: str, raised: _Raised, policy: Policy) -> Alert:
    """Open the person's alert, or join the one a text racing this one opened first.

    The partial unique index allows one unresolved alert per person. The INSERT names it as its
    conflict target, so a race costs no error and no savepoint: on PostgreSQL the INSERT waits
    for the other transaction, then inserts nothing if it committed its alert, which this text
    then joins (raising its level if this text is more serious). SQLite's writers take turns
    (`begin_write`), so there the race cannot happen, but the statement is the same.
    """
    window = policy.ack_window(raised.level)
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    insert = pg_insert(Alert) if postgresql else sqlite_insert(Alert)
    statement = (
        insert.values(
            id=new_id(),
            person_id=person_id,
            inbound_message_id=raised.message_id,
            level=raised.level,
            kind=raised.kind,
            reasons=raised.reasons,
            status=AlertStatus.OPEN,
            created_at=raised.now,
            last_inbound_at=raised.now,
            next_escalation_at=raised.now + window if window else None,
        )
        .on_conflict_do_nothing(index_elements=[Alert.person_id], index_where=UNRESOLVED)
        .returning(Alert)
    )
    # Twice at most: the alert that won may be resolved before this text reads it.
    for _ in range(2):
        alert = db.session.scalars(statement).one_or_none()
        if alert is not None:
            if raised.level is not Level.ROUTINE:
                _page(alert, _primary_on_call(raised.now, policy), step="first", policy=policy)
            return alert
        existing = open_alert_for(person_id, lock=True)
        if existing is not None:
            _join(existing, raised, policy)
            return existing
    raise RuntimeError("the person's unresolved alert kept changing; the text will be retried")


def page_text(alert: Alert, policy: Policy, *, escalation: int = 0) -> str:
    """A page: the level in words and the link, never the message or the person's number."""
    word = _LEVEL_WORD[alert.level]
    waiting = f" Not acknowledged yet (reminder {escalation})." if escalation else ""
    return fit(f"{policy.hub}: {word} alert.{waiting} Open {policy.alert_url(alert.id)}")


def _page(alert: Alert, users: Iterable[User], *, step: str, policy: Policy) -> int:
    escalation = alert.escalation_count if step.startswith("escalation") else 0
    body = page_text(alert, policy, escalation=escalation)
    sent = 0
    for user in users:
        if not user.phone:
            continue
        outbox.enqueue(
            to=user.phone,
            body=body,
            kind=OutboxKind.PAGE,
            idempotency_key=f"page:{alert.id}:{step}:{user.id}",
        )
        sent += 1
    return sent


def _active(role: Role | None = None) -> sa.Select[tuple[User]]:
    query = sa.select(User).where(User.disabled_at.is_(None))
    if role is not None:
        query = query.where(User.role == role)
    return query.order_by(User.email)


def on_call(tier: Tier, now: datetime, zone: str) -> list[User]:
    """Active users the rota puts on `tier` at `now` (hours in the rota's time zone)."""
    local = now.astimezone(ZoneInfo(zone))
    return list(
        db.session.scalars(
            _active()
            .join(OnCallShift, OnCallShift.user_id == User.id)
            .where(
                OnCallShift.tier == tier,
                OnCallShift.weekday == local.weekday(),
                OnCallShift.start_hour <= local.hour,
                OnCallShift.end_hour > local.hour,
            )
            .distinct()
        )
    )


def _with_phones(users: Iterable[User]) -> list[User]:
    return [user for user in users if user.phone]


def _primary_on_call(now: datetime, policy: Policy) -> list[User]:
    """Whom a new alert pages (see the module docstring for the fallbacks)."""
    primary = _with_phones(on_call(Tier.PRIMARY, now, policy.oncall_zone))
    if primary:
        return primary
    responders = _with_phones(db.session.scalars(_active(Role.RESPONDER)))
    if responders:
        return responders
    return _with_phones(db.session.scalars(_active(Role.ADMIN)))


def _escalation_targets(now: datetime, policy: Policy) -> list[User]:
    """The backup on call and every admin; with no backup slot, the primary list too."""
    backup = _with_phones(on_call(Tier.BACKUP, now, policy.oncall_zone))
    admins = _with_phones(db.session.scalars(_active(Role.ADMIN)))
    people = backup or _primary_on_call(now, policy)
    seen: dict[str, User] = {}
    for user in [*people, *admins]:
        seen.setdefault(user.id, user)
    return list(seen.values())


def escalate_due(now: datetime | None = None, policy: Policy | None = None, limit: int = 50) -> int:
    """Page the backup and admins for every OPEN alert past its timer; one transaction per alert."""
    now = now or utcnow()
    policy = policy or current_policy()
    done = 0
    while True:
        _begin_writing()
        query = (
            sa.select(Alert)
            .where(Alert.status == AlertStatus.OPEN, Alert.next_escalation_at <= now)
            .order_by(Alert.next_escalation_at)
            .limit(1)
        )
        if db.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        alert = db.session.scalar(query)
        if alert is None or done >= limit:
            db.session.rollback()
            return done
        window = policy.ack_window(alert.level)
        alert.escalation_count += 1
        alert.next_escalation_at = now + window if window else None
        _page(
            alert,
            _escalation_targets(now, policy),
            step=f"escalation-{alert.escalation_count}",
            policy=policy,
        )
        audit.record(
            Actor.system("escalation"),
            "inbox.alert.escalated",
            object_type="alert",
            object_id=alert.id,
            after={"escalation_count": alert.escalation_count, "level": alert.level.value},
            at=now,
        )
        db.session.commit()
        done += 1


# ---------------------------------------------------------------------------------------------
# The queue, the alert page and the dashboard (reads; the views' audit events are written here).

_LEVEL_ORDER = sa.case(
    (Alert.level == Level.URGENT, 0), (Alert.level == Level.ELEVATED, 1), else_=2
)
STATUS_FILTERS = ("active", "open", "acknowledged", "resolved", "all")


@dataclass(frozen=True)
class QueueFilter:
    """What the queue narrows by."""

    level: str = ""
    status: str = "active"
    mine_user_id: str | None = None


def list_alerts(criteria: QueueFilter, limit: int = 200) -> list[Alert]:
    """Alerts by level (urgent first), then age (oldest first)."""
    query = sa.select(Alert).options(selectinload(Alert.person), selectinload(Alert.assigned_to))
    if criteria.level in {level.value for level in Level}:
        query = query.where(Alert.level == Level(criteria.level))
    if criteria.status == "active":
        query = query.where(Alert.status != AlertStatus.RESOLVED)
    elif criteria.status in {status.value for status in AlertStatus}:
        query = query.where(Alert.status == AlertStatus(criteria.status))
    if criteria.mine_user_id:
        query = query.where(Alert.assigned_to_id == criteria.mine_user_id)
    return list(db.session.scalars(query.order_by(_LEVEL_ORDER, Alert.created_at).limit(limit)))


def get_alert(alert_id: str) -> Alert | None:
    return db.session.get(Alert, alert_id)


def record_view(actor: Actor, action: str, *, alert: Alert | None = None, now: datetime) -> None:
    """Audit a staff read (the queue, an alert with its conversation, the dashboard); commits."""
    _begin_writing()
    audit.record(
        actor,
        action,
        object_type="alert" if alert else None,
        object_id=alert.id if alert else None,
        after={"person_id": alert.person_id} if alert else None,
        at=now,
    )
    db.session.commit()


@dataclass(frozen=True)
class Line:
    """One entry of a person's conversation, as staff see it."""

    at: datetime
    direction: str  # "in", "out" (TwiML reply) or "outbox"
    body: str
    note: str = ""
    level: str | None = None
    author: str | None = None
    delivery: str | None = None


def conversation(person: Person, limit: int = 300) -> list[Line]:
    """Every text from and to the person: inbound, TwiML replies, outbox texts with delivery."""
    lines: list[Line] = []
    for message in db.session.scalars(
        sa.select(InboundMessage)
        .where(InboundMessage.person_id == person.id)
        .order_by(InboundMessage.received_at.desc())
        .limit(limit)
    ):
        reasons = "; ".join(message.triage_reasons or ())
        lines.append(Line(message.received_at, "in", message.body, reasons, message.triage_level))
        lines.extend(
            Line(message.received_at, "out", text, "automatic reply")
            for text in message.reply or ()
        )
    authors = dict(
        db.session.execute(
            sa.select(StaffReply.outbox_message_id, User.email)
            .join(User, User.id == StaffReply.author_id)
            .join(Alert, Alert.id == StaffReply.alert_id)
            .where(Alert.person_id == person.id)
        ).all()
    )
    for row in db.session.scalars(
        sa.select(OutboxMessage)
        .where(
            sa.or_(OutboxMessage.person_id == person.id, OutboxMessage.to_number == person.phone)
        )
        .order_by(OutboxMessage.created_at.desc())
        .limit(limit)
    ):
        delivery = row.delivery_status or row.status.value
        if row.last_error and row.status.value in ("cancelled", "failed"):
            delivery = f"{row.status.value}: {row.last_error}"
        lines.append(
            Line(
                row.created_at,
                "outbox",
                row.body,
                row.kind.value.replace("_", " "),
                author=authors.get(row.id),
                delivery=delivery,
            )
        )
    return sorted(lines, key=lambda line: line.at)[-limit:]


def scores(person: Person) -> list[tuple[datetime, int]]:
    """The Distress Thermometer scores the triage read from the person's texts, oldest first."""
    return [
        (at, score)
        for at, score in db.session.execute(
            sa.select(InboundMessage.received_at, InboundMessage.triage_score)
            .where(InboundMessage.person_id == person.id, InboundMessage.triage_score.is_not(None))
            .order_by(InboundMessage.received_at)
        ).all()
    ]


def consent_history(person: Person) -> list[ConsentEvent]:
    return list(
        db.session.scalars(
            sa.select(ConsentEvent)
            .where(ConsentEvent.person_id == person.id)
            .order_by(ConsentEvent.created_at)
        )
    )


def other_alerts(alert: Alert) -> list[Alert]:
    return list(
        db.session.scalars(
            sa.select(Alert)
            .where(Alert.person_id == alert.person_id, Alert.id != alert.id)
            .order_by(Alert.created_at.desc())
        )
    )


def responders() -> list[User]:
    """Who an alert may be assigned to: active responders and admins."""
    return list(db.session.scalars(_active().where(User.role.in_([Role.RESPONDER, Role.ADMIN]))))


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile (`share` in 0-1) of `values`, None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass(frozen=True)
class Timing:
    count: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class Dashboard:
    since: datetime
    alerts_by_level: dict[str, int]
    open_now: int
    acknowledge: dict[str, Timing]
    resolve: dict[str, Timing]


def _timing(values: list[float]) -> Timing:
    return Timing(
        len(values), statistics.median(values) if values else None, percentile(values, 0.9)
    )


def dashboard(now: datetime, days: int = 30) -> Dashboard:
    """Counts and time to acknowledge / resolve (median, p90) of alerts raised in `days` days."""
    since = now - timedelta(days=days)
    alerts = list(db.session.scalars(sa.select(Alert).where(Alert.created_at >= since)))
    by_level = {level.value: 0 for level in Level}
    ack: dict[str, list[float]] = {level.value: [] for level in Level}
    res: dict[str, list[float]] = {level.value: [] for level in Level}
    for alert in alerts:
        by_level[alert.level.value] += 1
        if alert.time_to_acknowledge is not None:
            ack[alert.level.value].append(alert.time_to_acknowledge)
        if alert.time_to_resolve is not None:
            res[alert.level.value].append(alert.time_to_resolve)
    open_now = db.session.scalar(
        sa.select(sa.func.count()).where(Alert.status != AlertStatus.RESOLVED)
    )
    return Dashboard(
        since,
        by_level,
        int(open_now or 0),
        {k: _timing(v) for k, v in ack.items()},
        {k: _timing(v) for k, v in res.items()},
    )


# ---------------------------------------------------------------------------------------------
# Staff actions: each one transaction with its audit event.


def _snapshot(alert: Alert) -> dict[str, object]:
    return {
        "status": alert.status.value,
        "level": alert.level.value,
        "assigned_to_id": alert.assigned_to_id,
        "outcome": alert.outcome.value if alert.outcome else None,
    }


def _acknowledge(alert: Alert, user: User, now: datetime) -> None:
    if alert.status is AlertStatus.OPEN:
        alert.status = AlertStatus.ACKNOWLEDGED
        alert.acknowledged_at = alert.acknowledged_at or now
        alert.acknowledged_by_id = alert.acknowledged_by_id or user.id
        alert.next_escalation_at = None
    if alert.assigned_to_id is None:
        alert.assigned_to_id = user.id


def _commit_change(
    actor: Actor, action: str, alert: Alert, before: dict[str, object], now: datetime
) -> None:
    """Audit what an action changed on the alert (before/after) and commit both together."""
    changed_before, changed_after = audit.changes(before, _snapshot(alert))
    audit.record(
        actor,
        action,
        object_type="alert",
        object_id=alert.id,
        before=changed_before,
        after=changed_after,
        at=now,
    )
    db.session.commit()


def acknowledge(alert: Alert, *, user: User, actor: Actor, now: datetime) -> Alert:
    """Say "mine": stops the escalation pages and assigns the alert to you if unassigned."""
    _begin_writing()
    before = _snapshot(alert)
    if alert.status is AlertStatus.RESOLVED:
        db.session.rollback()
        raise ValidationFailed.one("alert", "This alert is already resolved.")
    _acknowledge(alert, user, now)
    _commit_change(actor, "inbox.alert.acknowledged", alert, before, now)
    return alert


def assign(alert: Alert, assignee_id: str, *, actor: Actor, now: datetime) -> Alert:
    """Give the alert to a responder or admin."""
    _begin_writing()
    assignee = db.session.get(User, assignee_id) if assignee_id else None
    if assignee is None or assignee.disabled or assignee.role not in (Role.RESPONDER, Role.ADMIN):
        db.session.rollback()
        raise ValidationFailed.one("assignee", "Choose an active responder or admin.")
    before = _snapshot(alert)
    alert.assigned_to_id = assignee.id
    _commit_change(actor, "inbox.alert.assigned", alert, before, now)
    return alert


MAX_REPLY_CHARS = 600


@dataclass(frozen=True)
class Replied:
    """A staff reply's outbox text, and whether an earlier post of the same form sent it."""

    outbox_message_id: str
    already_sent: bool


def reply(
    alert: Alert,
    text: str,
    *,
    token: str,
    user: User,
    actor: Actor,
    now: datetime,
    hub: str,
) -> Replied:
    """Text the person from the hub's number through the outbox (acknowledges an OPEN alert).

    `token` is the one-time token of the form the text came from: posted again (a double
    click, a browser re-sending the form), it changes nothing and queues no second text.
    Refused for an opted-out person unless they wrote again since opting out (sms.consent).
    """
    _begin_writing()
    body = " ".join(text.split())
    errors: list[str] = []
    if not body:
        errors.append("Write the text to send.")
    full = f"{hub}: {body}"
    if body and (len(body) > MAX_REPLY_CHARS or segments(full) > 2):
        errors.append("Keep the text within two SMS segments (about 300 plain characters).")
    person = alert.person
    if not may_answer(person, now):
        errors.append(
            "This person has opted out (STOP). They can be answered only within 24 hours of "
            "writing to us again."
        )
    elif person.unreachable:
        errors.append("Texts cannot reach this number (the carrier refused it).")
    if errors:
        db.session.rollback()
        raise ValidationFailed({"body": errors})
    # The key is the form's token: a repeat finds the first post's row (or, racing it, waits
    # for it on the unique key) and this transaction then writes nothing at all.
    message, added = outbox.enqueue_once(
        to=person.phone,
        body=full,
        kind=OutboxKind.STAFF_REPLY,
        idempotency_key=f"staff-reply:{alert.id}:{token}",
        person_id=person.id,
    )
    if not added:
        sent = Replied(message.id, already_sent=True)
        db.session.rollback()
        return sent
    _acknowledge(alert, user, now)
    db.session.add(StaffReply(alert_id=alert.id, author_id=user.id, outbox_message_id=message.id))
    audit.record(
        actor,
        "inbox.alert.replied",
        object_type="alert",
        object_id=alert.id,
        after={"outbox_message_id": message.id, "characters": len(full)},
        at=now,
    )
    db.session.commit()
    return Replied(message.id, already_sent=False)


def resolve(
    alert: Alert, outcome: str, note: str, *, user: User, actor: Actor, now: datetime
) -> Alert:
    """Close the alert with an outcome and a note."""
    _begin_writing()
    errors: dict[str, list[str]] = {}
    try:
        chosen = Outcome(outcome)
    except ValueError:
        errors["outcome"] = ["Choose an outcome."]
    note = note.strip()
    if not note:
        errors["note"] = ["Write a note: what happened and what was done."]
    if alert.status is AlertStatus.RESOLVED:
        errors["alert"] = ["This alert is already resolved."]
    if errors:
        db.session.rollback()
        raise ValidationFailed(errors)
    before = _snapshot(alert)
    _acknowledge(alert, user, now)
    alert.status = AlertStatus.RESOLVED
    alert.resolved_at = now
    alert.resolved_by_id = user.id
    alert.outcome = chosen
    alert.resolution_note = note
    alert.next_escalation_at = None
    _commit_change(actor, "inbox.alert.resolved", alert, before, now)
    return alert


def add_note(
    alert: Alert, text: str, *, token: str, user: User, actor: Actor, now: datetime
) -> tuple[AlertNote, bool]:
    """Add a staff note to the alert; False with the earlier note when `token` added it."""
    _begin_writing()
    body = text.strip()
    if not body:
        db.session.rollback()
        raise ValidationFailed.one("note", "Write the note.")
    by_token = sa.select(AlertNote).where(AlertNote.submission_token == token)
    earlier = db.session.scalar(by_token)
    if earlier is None:
        note = AlertNote(
            alert_id=alert.id, author_id=user.id, body=body, created_at=now, submission_token=token
        )
        try:
            with db.session.begin_nested():
                db.session.add(note)
        except IntegrityError:
            # The same form, posted at the same moment, committed its note first.
            earlier = db.session.scalars(by_token).one()
    if earlier is not None:
        db.session.rollback()
        return earlier, False
    audit.record(
        actor,
        "inbox.alert.noted",
        object_type="alert",
        object_id=alert.id,
        after={"note_id": note.id},
        at=now,
    )
    db.session.commit()
    return note, True


# ---------------------------------------------------------------------------------------------
# The rota (admins).


def list_shifts() -> list[OnCallShift]:
    return list(
        db.session.scalars(
            sa.select(OnCallShift)
            .options(selectinload(OnCallShift.user))
            .order_by(OnCallShift.weekday, OnCallShift.start_hour, OnCallShift.tier)
        )
    )


def add_shift(
    *,
    user_id: str,
    tier: str,
    weekday: str,
    start_hour: str,
    end_hour: str,
    actor: Actor,
    now: datetime,
) -> OnCallShift:
    """Put a responder on the rota for a weekday's hours."""
    _begin_writing()
    errors: dict[str, list[str]] = {}
    user = db.session.get(User, user_id) if user_id else None
    if user is None or user.disabled or user.role not in (Role.RESPONDER, Role.ADMIN):
        errors["user_id"] = ["Choose an active responder or admin."]
    elif not user.phone:
        errors["user_id"] = ["This account has no mobile phone to page; add one first."]
    try:
        chosen_tier = Tier(tier)
    except ValueError:
        errors["tier"] = ["Choose primary or backup."]
    day = int(weekday) if weekday.isdigit() and int(weekday) < len(WEEKDAYS) else None
    if day is None:
        errors["weekday"] = ["Choose a day."]
    start = int(start_hour) if start_hour.isdigit() else -1
    end = int(end_hour) if end_hour.isdigit() else -1
    if not 0 <= start <= 23:
        errors["start_hour"] = ["Start at an hour from 0 to 23."]
    if not 1 <= end <= 24 or end <= start:
        errors["end_hour"] = ["End at an hour after the start, up to 24 (midnight)."]
    if errors:
        db.session.rollback()
        raise ValidationFailed(errors)
    assert user is not None and day is not None
    shift = OnCallShift(
        user_id=user.id, tier=chosen_tier, weekday=day, start_hour=start, end_hour=end
    )
    db.session.add(shift)
    db.session.flush()
    audit.record(
        actor,
        "inbox.rota.added",
        object_type="oncall_shift",
        object_id=shift.id,
        after={
            "user_id": user.id,
            "tier": chosen_tier.value,
            "weekday": day,
            "start_hour": start,
            "end_hour": end,
        },
        at=now,
    )
    db.session.commit()
    return shift


def remove_shift(shift_id: str, *, actor: Actor, now: datetime) -> bool:
    """Take a slot off the rota; False when there is no such slot."""
    _begin_writing()
    shift = db.session.get(OnCallShift, shift_id)
    if shift is None:
        db.session.rollback()
        return False
    audit.record(
        actor,
        "inbox.rota.removed",
        object_type="oncall_shift",
        object_id=shift.id,
        before={
            "user_id": shift.user_id,
            "tier": shift.tier.value,
            "weekday": shift.weekday,
            "start_hour": shift.start_hour,
            "end_hour": shift.end_hour,
        },
        at=now,
    )
    db.session.delete(shift)
    db.session.commit()
    return True
