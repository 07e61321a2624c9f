"""Check-in decisions and writes (DESIGN §6, §8).

The conversation helpers (`request`, `confirm`, `set_cadence`, `pause`, `resume`, `record_answer`)
run inside the inbound message's transaction and never commit. `schedule_due`, `send_now` and
`close_unanswered` are worker/CLI services: each batch is its own transaction.

The scheduling pass is set-based: it reads due subscriptions in batches (`FOR UPDATE SKIP
LOCKED` on PostgreSQL, so several workers share them), computes each distinct schedule once,
and writes the check-ins, their outbox rows and the subscriptions' next slots with a few
statements per batch, in the same transaction.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from support_hub.checkins import schedule
from support_hub.checkins.models import (
    CheckIn,
    FollowUp,
    FollowUpStatus,
    Role,
    Subscription,
    SubscriptionStatus,
)
from support_hub.checkins.schedule import Cadence, DayPart
from support_hub.checkins.timezones import resolve_zone
from support_hub.db import begin_write, new_id, utcnow
from support_hub.extensions import db
from support_hub.outbox.models import OutboxKind, OutboxMessage, OutboxStatus
from support_hub.sms.consent import record_consent
from support_hub.sms.messages import render
from support_hub.sms.models import ConsentKind, ConsentSource, Person

# Tuesday unless the person picks a day.
DEFAULT_WEEKDAY = 1
# How long after its slot a missed check-in may still go out (after downtime), at most once.
CATCH_UP = timedelta(hours=24)
# Twilio drops a check-in it could not deliver within this (and never past 21:00 local).
CHECKIN_VALIDITY = timedelta(hours=4)
# A reply within this long after the slot answers that check-in; later, it is silence.
ANSWER_WINDOW = timedelta(days=3)
BATCH_SIZE = 5000
_ZIP = re.compile(r"\b\d{5}\b")


# --- describing a cadence -------------------------------------------------------------------

_DAY_NAMES = {
    "en": ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"),
    "es": ("los lunes", "los martes", "los miércoles", "los jueves", "los viernes",
           "los sábados", "los domingos"),
}  # fmt: skip


def _clock(at: time) -> str:
    hour = at.hour % 12 or 12
    suffix = "AM" if at.hour < 12 else "PM"
    return f"{hour}:{at.minute:02d} {suffix}"


def describe(cadence: Cadence, language: str) -> str:
    """ "on Tuesdays at 10:00 AM" / "los martes a las 10:00 AM" (for confirmations)."""
    weekday = DEFAULT_WEEKDAY if cadence.weekday is None else cadence.weekday
    day = _DAY_NAMES.get(language, _DAY_NAMES["en"])[weekday]
    clock = _clock(cadence.local_time())
    if language == "es":
        return f"{day} a las {clock}"
    return f"on {day} at {clock}"


# --- the subscription state machine (inside the caller's transaction) -----------------------


def subscription_of(person: Person) -> Subscription | None:
    return db.session.scalar(sa.select(Subscription).where(Subscription.person_id == person.id))


def _zone_for(person: Person, default_zone: str) -> str:
    """ZIP the person last searched with, else the number's area, else HUB_TIMEZONE."""
    # A search by text keeps its place label ("Cambridge, MA 02139") in the conversation state.
    place = (person.conversation or {}).get("place")
    found = _ZIP.search(place) if isinstance(place, str) else None
    return resolve_zone(found.group(0) if found else None, person.phone, default_zone).key


def request(person: Person, role: Role, text: str, now: datetime, default_zone: str) -> bool:
    """CHECKIN/JOIN: create or reopen a PENDING subscription and log the request.

    False when the person already receives check-ins (nothing changes then).
    """
    sub = subscription_of(person)
    if sub is not None and sub.status in (SubscriptionStatus.ACTIVE, SubscriptionStatus.PAUSED):
        return False
    if sub is None:
        sub = Subscription(person_id=person.id, status=SubscriptionStatus.PENDING, zone="UTC")
        db.session.add(sub)
    sub.status = SubscriptionStatus.PENDING
    sub.role = role
    sub.zone = _zone_for(person, default_zone)
    sub.next_due_at = None
    sub.paused_until = None
    record_consent(person, ConsentKind.OPT_IN, ConsentSource.KEYWORD, text, now=now)
    return True


def confirm(person: Person, text: str, now: datetime) -> Subscription | None:
    """YES/SI to a pending request: the subscription becomes ACTIVE; None when none is pending."""
    sub = subscription_of(person)
    if sub is None or sub.status is not SubscriptionStatus.PENDING:
        return None
    sub.status = SubscriptionStatus.ACTIVE
    sub.confirmed_at = now
    sub.missed_in_row = 0
    _reschedule(sub, now)
    record_consent(person, ConsentKind.CONFIRM, ConsentSource.KEYWORD, text, now=now)
    return sub


def _reschedule(sub: Subscription, now: datetime) -> None:
    sub.next_due_at = schedule.next_checkin_at(
        now,
        sub.cadence(),
        ZoneInfo(sub.zone),
        last_period=sub.last_period,
        paused_until=sub.paused_until,
        default_weekday=DEFAULT_WEEKDAY,
    )


def set_cadence(sub: Subscription, cadence: Cadence, now: datetime) -> None:
    """A new day/time; the current period is still served at most once (`last_period`)."""
    merged = Cadence(
        weekday=sub.weekday if cadence.weekday is None else cadence.weekday,
        at=cadence.at if (cadence.at or cadence.day_part) else sub.cadence().at,
        day_part=cadence.day_part if (cadence.at or cadence.day_part) else sub.day_part,
    )
    sub.set_cadence(merged)
    if sub.status is SubscriptionStatus.ACTIVE or (
        sub.status is SubscriptionStatus.PAUSED and sub.paused_until is not None
    ):
        _reschedule(sub, now)


def pause(sub: Subscription, length: timedelta | None, now: datetime) -> None:
    """PAUSE (until RESUME) or PAUSE 2W (until then; the pass turns it ACTIVE again)."""
    sub.status = SubscriptionStatus.PAUSED
    if length is None:
        sub.paused_until = None
        sub.next_due_at = None
        return
    sub.paused_until = now + length
    _reschedule(sub, now)


def resume(sub: Subscription, now: datetime) -> None:
    """RESUME: ACTIVE again from the next slot (a period already served is not repeated)."""
    sub.status = SubscriptionStatus.ACTIVE
    sub.paused_until = None
    _reschedule(sub, now)


def stop_for_opt_out(person_id: str) -> None:
    """STOP (or carrier opt-out) ends check-ins; pending outbox rows are cancelled by the caller."""
    db.session.execute(
        sa.update(Subscription)
        .where(Subscription.person_id == person_id)
        .values(status=SubscriptionStatus.STOPPED, next_due_at=None, paused_until=None)
        .execution_options(synchronize_session="fetch")
    )


# --- answers ---------------------------------------------------------------------------------


def _open_checkins(person_id: Any, cutoff: Any) -> sa.Select[tuple[CheckIn]]:
    """Check-ins a reply from this person answers (sent, unanswered, not yet silence), newest."""
    return (
        sa.select(CheckIn)
        .join(OutboxMessage, OutboxMessage.idempotency_key == CheckIn.outbox_key)
        .where(
            CheckIn.person_id == person_id,
            CheckIn.answered_at.is_(None),
            CheckIn.missed.is_(False),
            CheckIn.due_at > cutoff,
            OutboxMessage.status == OutboxStatus.SENT,
        )
        .order_by(CheckIn.due_at.desc())
        .limit(1)
    )


def open_checkin(person: Person, now: datetime) -> CheckIn | None:
    """The check-in a reply from this person answers: sent, unanswered, not yet silence."""
    return db.session.scalar(_open_checkins(person.id, now - ANSWER_WINDOW))


def open_checkin_id_of(person_id: Any, answer_cutoff: Any) -> sa.ScalarSelect[str]:
    """`open_checkin`'s id as a scalar subquery: the webhook reads it with the person, in one
    statement. `answer_cutoff` is `now - ANSWER_WINDOW` (a bound parameter there)."""
    return _open_checkins(person_id, answer_cutoff).with_only_columns(CheckIn.id).scalar_subquery()


def record_answer(
    checkin: CheckIn, text: str, score: int | None, level: str, now: datetime
) -> None:
    """Store the reply (and score) on its check-in; an answer ends a run of silences."""
    checkin.reply = text
    checkin.score = score
    checkin.level = level
    checkin.answered_at = now
    db.session.execute(
        sa.update(Subscription)
        .where(Subscription.person_id == checkin.person_id)
        .values(missed_in_row=0)
        .execution_options(synchronize_session="fetch")
    )
    db.session.execute(
        sa.update(FollowUp)
        .where(FollowUp.person_id == checkin.person_id, FollowUp.status == FollowUpStatus.OPEN)
        .values(status=FollowUpStatus.DONE, updated_at=now)
        .execution_options(synchronize_session="fetch")
    )


# --- the scheduling pass ----------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What the pass does with one due subscription."""

    action: str  # "send", "defer" or "skip"
    period: str | None
    due_at: datetime | None
    next_due_at: datetime
    validity_seconds: int | None
    activate: bool  # a timed pause has ended


def _window_end(now: datetime, zone: ZoneInfo) -> datetime:
    local = now.astimezone(zone)
    return schedule.to_utc(local.date(), schedule.SEND_WINDOW_END, zone)


def _next_opening(now: datetime, zone: ZoneInfo) -> datetime:
    local = now.astimezone(zone)
    day: date = local.date()
    if local.time() >= schedule.SEND_WINDOW_START:
        day += timedelta(days=1)
    return schedule.to_utc(day, schedule.SEND_WINDOW_START, zone)


@functools.lru_cache(maxsize=65536)
def plan(
    now: datetime,
    zone_name: str,
    weekday: int | None,
    at_minute: int | None,
    day_part: str | None,
    next_due_at: datetime,
    paused_until: datetime | None,
    last_period: str | None,
) -> Plan:
    """Decide one due subscription (pure; cached, since many people share a schedule).

    The candidate is the later of the stored slot and this local week's slot (after downtime
    only the most recent slot counts: at most one catch-up, never a burst). It is sent when
    `schedule.catch_up_due` says it is still fresh and in the send window; deferred to 08:00 when
    the pass comes after 21:00 but the period and catch-up window allow; otherwise skipped.
    """
    zone = ZoneInfo(zone_name)
    at = None if at_minute is None else time(at_minute // 60, at_minute % 60)
    cadence = Cadence(
        weekday=weekday, at=at, day_part=DayPart(day_part) if day_part is not None else None
    )
    activate = paused_until is not None and paused_until <= now
    if activate:
        paused_until = None
    local_monday = now.astimezone(zone).date()
    local_monday -= timedelta(days=local_monday.weekday())
    latest = schedule.slot_in_week(local_monday, cadence, zone, DEFAULT_WEEKDAY)
    candidate = next_due_at
    if (
        next_due_at < latest <= now
        and schedule.period_of(latest, zone) > (last_period or "")
        and (paused_until is None or latest >= paused_until)
    ):
        candidate = latest
    period = schedule.period_of(candidate, zone)
    after = now + timedelta(seconds=1)

    def following(served: str | None) -> datetime:
        return schedule.next_checkin_at(
            after,
            cadence,
            zone,
            last_period=served,
            paused_until=paused_until,
            default_weekday=DEFAULT_WEEKDAY,
        )

    fresh = last_period is None or period > last_period
    if paused_until is not None and candidate < paused_until:
        fresh = False
    if fresh and schedule.catch_up_due(now, candidate, zone, validity=CATCH_UP):
        validity = min(CHECKIN_VALIDITY, _window_end(now, zone) - now)
        return Plan(
            "send",
            period,
            candidate,
            following(period),
            max(1, int(validity.total_seconds())),
            activate,
        )
    if fresh and candidate <= now < candidate + CATCH_UP:
        opening = _next_opening(now, zone)
        if schedule.period_of(opening, zone) == period and opening < candidate + CATCH_UP:
            return Plan("defer", None, None, opening, None, activate)
    return Plan("skip", None, None, following(last_period), None, activate)


@dataclass(frozen=True)
class PassResult:
    due: int = 0
    sent: int = 0
    deferred: int = 0
    skipped: int = 0


_DUE_COLUMNS = (
    Subscription.id,
    Subscription.person_id,
    Subscription.zone,
    Subscription.weekday,
    Subscription.at_minute,
    Subscription.day_part,
    Subscription.next_due_at,
    Subscription.paused_until,
    Subscription.last_period,
)


def _due_batch(now: datetime, limit: int) -> Sequence[sa.Row[Any]]:
    query = (
        sa.select(*_DUE_COLUMNS)
        .where(
            Subscription.status.in_([SubscriptionStatus.ACTIVE, SubscriptionStatus.PAUSED]),
            Subscription.next_due_at <= now,
        )
        .order_by(Subscription.next_due_at)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return db.session.execute(query).all()


def _questions(hub: str) -> dict[tuple[str, Role], str]:
    return {
        (language, role): render(
            "checkin_question_caregiver" if role is Role.CAREGIVER else "checkin_question",
            language,
            hub,
        )
        for language in ("en", "es")
        for role in Role
    }


def checkin_key(person_id: str, period: str) -> str:
    """The outbox idempotency key of a check-in: person + period (unique)."""
    return f"checkin:{person_id}:{period}"


def schedule_due(hub: str, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> PassResult:
    """One scheduling pass: every due subscription is sent, deferred or skipped (commits)."""
    now = now or utcnow()
    questions = _questions(hub)
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    totals = PassResult()
    while True:
        begin_write(db.session)
        rows = _due_batch(now, batch_size)
        if not rows:
            db.session.rollback()
            return totals
        # Rows that share a plan are written together; most people share a few schedules.
        groups: dict[Plan, list[str]] = {}
        for row in rows:
            decided = plan(
                now,
                row.zone,
                row.weekday,
                row.at_minute,
                row.day_part.value if row.day_part is not None else None,
                row.next_due_at,
                row.paused_until,
                row.last_period,
            )
            groups.setdefault(decided, []).append(row.id)
        if postgresql:
            _write_batch_postgresql(groups, questions, now)
        else:
            _write_batch_rowwise(groups, questions, now)
        db.session.commit()
        counts = {"send": 0, "defer": 0, "skip": 0}
        for decided, ids in groups.items():
            counts[decided.action] += len(ids)
        totals = PassResult(
            totals.due + len(rows),
            totals.sent + counts["send"],
            totals.deferred + counts["defer"],
            totals.skipped + counts["skip"],
        )
        if len(rows) < batch_size:
            return totals


# PostgreSQL: the batch travels as two arrays (subscription id, plan number) and the plans as a
# few short arrays; bodies, keys and phone numbers are joined in SQL, so nothing is built per row
# in Python. `r` = the batch, `g` = the plans, `q` = the four question texts.
_PG_BATCH = """
WITH r AS (
    SELECT * FROM unnest(CAST(:sub_ids AS varchar[]), CAST(:plan_nos AS int[])) AS r(sub_id, g)
), g AS (
    SELECT * FROM unnest(
        CAST(:periods AS varchar[]), CAST(:due_ats AS timestamptz[]),
        CAST(:validities AS int[]), CAST(:next_due_ats AS timestamptz[]),
        CAST(:activates AS boolean[]), CAST(:sends AS boolean[])
    ) WITH ORDINALITY AS g(period, due_at, validity, next_due_at, activate, send, g)
), q AS (
    SELECT * FROM unnest(
        CAST(:q_languages AS varchar[]), CAST(:q_roles AS varchar[]), CAST(:q_texts AS text[])
    ) AS q(language, role, question)
), due AS (
    SELECT s.id AS sub_id, s.person_id, s.paused_until, s.last_period, p.phone,
           g.period, g.due_at, g.validity, g.next_due_at, g.activate, g.send, q.question
    FROM r JOIN g USING (g)
    JOIN checkin_subscription s ON s.id = r.sub_id
    JOIN sms_person p ON p.id = s.person_id
    JOIN q ON q.role = s.role
          AND q.language = CASE WHEN p.language = 'es' THEN 'es' ELSE 'en' END
), new_checkins AS (
    INSERT INTO checkin (id, person_id, period, outbox_key, question, due_at, reasked, missed,
                         created_at)
    SELECT gen_random_uuid()::text, person_id, period,
           'checkin:' || person_id || ':' || period, question, due_at, false, false, :now
    FROM due WHERE send
    ON CONFLICT DO NOTHING
), new_messages AS (
    INSERT INTO outbox_message (id, to_number, body, kind, person_id, idempotency_key,
                                not_before, validity_seconds, expires_at, status, attempts,
                                created_at, updated_at)
    SELECT gen_random_uuid()::text, phone, question, 'checkin', person_id,
           'checkin:' || person_id || ':' || period, :now, validity,
           CAST(:now AS timestamptz) + make_interval(secs => validity), 'pending', 0, :now, :now
    FROM due WHERE send
    ON CONFLICT DO NOTHING
)
UPDATE checkin_subscription AS s
SET next_due_at = due.next_due_at,
    last_period = CASE WHEN due.send THEN due.period ELSE s.last_period END,
    paused_until = CASE WHEN due.activate THEN NULL ELSE s.paused_until END,
    status = CASE WHEN due.activate OR s.paused_until IS NULL THEN 'active' ELSE 'paused' END,
    updated_at = :now
FROM due WHERE s.id = due.sub_id
"""


def _write_batch_postgresql(
    groups: dict[Plan, list[str]], questions: dict[tuple[str, Role], str], now: datetime
) -> None:
    plans = list(groups)
    sub_ids: list[str] = []
    plan_nos: list[int] = []
    for number, decided in enumerate(plans, start=1):
        ids = groups[decided]
        sub_ids.extend(ids)
        plan_nos.extend([number] * len(ids))
    db.session.execute(
        sa.text(_PG_BATCH),
        {
            "sub_ids": sub_ids,
            "plan_nos": plan_nos,
            "periods": [d.period for d in plans],
            "due_ats": [d.due_at for d in plans],
            "validities": [d.validity_seconds for d in plans],
            "next_due_ats": [d.next_due_at for d in plans],
            "activates": [d.activate for d in plans],
            "sends": [d.action == "send" for d in plans],
            "q_languages": [language for language, _ in questions],
            "q_roles": [role.value for _, role in questions],
            "q_texts": list(questions.values()),
            "now": now,
        },
    )


def _write_batch_rowwise(
    groups: dict[Plan, list[str]], questions: dict[tuple[str, Role], str], now: datetime
) -> None:
    """SQLite (one writer, small installs): the same writes, row by row in a few statements."""
    ids = [sub_id for members in groups.values() for sub_id in members]
    details = {
        row.id: row
        for row in db.session.execute(
            sa.select(
                Subscription.id,
                Subscription.person_id,
                Subscription.role,
                Subscription.paused_until,
                Subscription.last_period,
                Person.phone,
                Person.language,
            )
            .join(Person, Person.id == Subscription.person_id)
            .where(Subscription.id.in_(ids))
        )
    }
    checkins: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for decided, members in groups.items():
        for sub_id in members:
            row = details[sub_id]
            last_period = row.last_period
            if decided.action == "send":
                assert decided.period is not None and decided.validity_seconds is not None
                last_period = decided.period
                key = checkin_key(row.person_id, decided.period)
                language = "es" if row.language == "es" else "en"
                question = questions[(language, row.role)]
                checkins.append(
                    {
                        "id": new_id(),
                        "person_id": row.person_id,
                        "period": decided.period,
                        "outbox_key": key,
                        "question": question,
                        "due_at": decided.due_at,
                        "reasked": False,
                        "missed": False,
                        "created_at": now,
                    }
                )
                messages.append(
                    {
                        "id": new_id(),
                        "to_number": row.phone,
                        "body": question,
                        "kind": OutboxKind.CHECKIN.value,
                        "person_id": row.person_id,
                        "idempotency_key": key,
                        "not_before": now,
                        "validity_seconds": decided.validity_seconds,
                        "expires_at": now + timedelta(seconds=decided.validity_seconds),
                        "status": OutboxStatus.PENDING.value,
                        "attempts": 0,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            updates.append(
                {
                    "id": sub_id,
                    "next_due_at": decided.next_due_at,
                    "last_period": last_period,
                    "paused_until": None if decided.activate else row.paused_until,
                    "status": (
                        SubscriptionStatus.ACTIVE.value
                        if decided.activate or row.paused_until is None
                        else SubscriptionStatus.PAUSED.value
                    ),
                    "updated_at": now,
                }
            )
    _insert_ignoring_duplicates(CheckIn.__table__, checkins)  # type: ignore[arg-type]
    _insert_ignoring_duplicates(OutboxMessage.__table__, messages)  # type: ignore[arg-type]
    _update_subscriptions(updates)


def _pg_array_type(column: sa.Column[Any]) -> str:
    compiled = column.type.compile(dialect=db.session.get_bind().dialect)
    return f"{compiled}[]"


def _insert_ignoring_duplicates(table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows in one statement (PostgreSQL: unnest of arrays); duplicates are skipped.

    Duplicates can only come from `send_now` racing the pass for the same period: the unique
    keys make the first one win.
    """
    if not rows:
        return
    names = list(rows[0])
    if db.session.get_bind().dialect.name == "postgresql":
        arrays = ", ".join(f"CAST(:{name} AS {_pg_array_type(table.c[name])})" for name in names)
        statement = sa.text(
            f"INSERT INTO {table.name} ({', '.join(names)}) "  # noqa: S608 (column names are ours)
            f"SELECT * FROM unnest({arrays}) ON CONFLICT DO NOTHING"
        )
        db.session.execute(statement, {name: [row[name] for row in rows] for name in names})
        return
    db.session.execute(sqlite_insert(table).on_conflict_do_nothing(), rows)


def _update_subscriptions(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            sa.text(
                "UPDATE checkin_subscription AS s SET next_due_at = v.next_due_at, "
                "last_period = v.last_period, paused_until = v.paused_until, "
                "status = v.status, updated_at = v.updated_at "
                "FROM unnest(CAST(:id AS varchar[]), CAST(:next_due_at AS timestamptz[]), "
                "CAST(:last_period AS varchar[]), CAST(:paused_until AS timestamptz[]), "
                "CAST(:status AS varchar[]), CAST(:updated_at AS timestamptz[])) "
                "AS v(id, next_due_at, last_period, paused_until, status, updated_at) "
                "WHERE s.id = v.id"
            ),
            {name: [row[name] for row in rows] for name in rows[0]},
        )
        return
    table: sa.Table = Subscription.__table__  # type: ignore[assignment]
    db.session.execute(
        table.update()
        .where(table.c.id == sa.bindparam("b_id"))
        .values(
            next_due_at=sa.bindparam("next_due_at"),
            last_period=sa.bindparam("last_period"),
            paused_until=sa.bindparam("paused_until"),
            status=sa.bindparam("status"),
            updated_at=sa.bindparam("updated_at"),
        ),
        [{**{k: v for k, v in row.items() if k != "id"}, "b_id": row["id"]} for row in rows],
    )


# --- silence -----------------------------------------------------------------------------------


def close_unanswered(now: datetime | None = None) -> int:
    """Check-ins sent and unanswered past the answer window become missed; two in a row make a
    low-priority follow-up (commits). Returns how many check-ins were closed."""
    now = now or utcnow()
    begin_write(db.session)
    stale = (
        sa.select(CheckIn.id)
        .join(OutboxMessage, OutboxMessage.idempotency_key == CheckIn.outbox_key)
        .where(
            CheckIn.answered_at.is_(None),
            CheckIn.missed.is_(False),
            CheckIn.due_at <= now - ANSWER_WINDOW,
            OutboxMessage.status == OutboxStatus.SENT,
        )
    )
    ids = list(db.session.scalars(stale))
    if not ids:
        db.session.rollback()
        return 0
    closed = 0
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        persons = list(
            db.session.scalars(sa.select(CheckIn.person_id).where(CheckIn.id.in_(chunk)))
        )
        db.session.execute(
            sa.update(CheckIn)
            .where(CheckIn.id.in_(chunk))
            .values(missed=True)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            sa.update(Subscription)
            .where(Subscription.person_id.in_(persons))
            .values(missed_in_row=Subscription.missed_in_row + 1)
            .execution_options(synchronize_session=False)
        )
        closed += len(chunk)
    # Exactly when a run of silences reaches two: a third silence adds nothing new.
    open_follow_up = sa.exists().where(
        FollowUp.person_id == Subscription.person_id, FollowUp.status == FollowUpStatus.OPEN
    )
    needing = db.session.scalars(
        sa.select(Subscription.person_id).where(
            Subscription.missed_in_row >= 2,
            Subscription.status != SubscriptionStatus.STOPPED,
            ~open_follow_up,
        )
    ).all()
    for person_id in needing:
        db.session.add(FollowUp(person_id=person_id, reason="two check-ins in a row unanswered"))
    db.session.commit()
    return closed


def open_follow_ups(limit: int = 100) -> list[FollowUp]:
    """Low-priority follow-ups for the staff inbox, newest first."""
    return list(
        db.session.scalars(
            sa.select(FollowUp)
            .where(FollowUp.status == FollowUpStatus.OPEN)
            .order_by(FollowUp.created_at.desc())
            .limit(limit)
        )
    )


# --- send now (CLI) ---------------------------------------------------------------------------


class SendNowError(ValueError):
    """Why `checkins send-now` sent nothing."""


def send_now(phone: str, hub: str, *, force: bool = False, now: datetime | None = None) -> str:
    """Queue this opted-in person's check-in for the current period now; returns the period.

    Quiet hours apply unless `force`; a period already served is never sent again.
    """
    now = now or utcnow()
    begin_write(db.session)
    person = db.session.scalar(sa.select(Person).where(Person.phone == phone))
    sub = subscription_of(person) if person is not None else None
    try:
        if person is None or sub is None:
            raise SendNowError("no check-in subscription for that number")
        if person.opted_out or sub.status is not SubscriptionStatus.ACTIVE:
            raise SendNowError(f"check-ins are {sub.status.value} for that number")
        zone = ZoneInfo(sub.zone)
        if not force and not schedule.instant_in_send_window(now, zone):
            raise SendNowError("outside 08:00-21:00 in the person's time zone (use --force)")
        period = schedule.period_of(now, zone)
        if sub.last_period is not None and period <= sub.last_period:
            raise SendNowError(f"this period ({period}) was already sent")
    except SendNowError:
        db.session.rollback()
        raise
    question = _questions(hub)[(person.language if person.language in ("en", "es") else "en",
                                sub.role)]  # fmt: skip
    key = checkin_key(person.id, period)
    db.session.add(
        CheckIn(person_id=person.id, period=period, outbox_key=key, question=question, due_at=now)
    )
    window_left = _window_end(now, zone) - now
    validity = CHECKIN_VALIDITY if force else min(CHECKIN_VALIDITY, window_left)
    from support_hub.outbox.services import enqueue

    enqueue(
        to=person.phone,
        body=question,
        kind=OutboxKind.CHECKIN,
        idempotency_key=key,
        person_id=person.id,
        not_before=now,
        validity_seconds=max(1, int(validity.total_seconds())),
    )
    sub.last_period = period
    _reschedule(sub, now)
    db.session.commit()
    return period
