"""The scheduling pass against the database: windows, periods, DST, pauses, downtime, batches."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support_hub.checkins import schedule, services
from support_hub.checkins.models import Subscription, SubscriptionStatus
from support_hub.checkins.schedule import Cadence, DayPart
from support_hub.extensions import db
from support_hub.outbox.models import OutboxKind, OutboxMessage
from support_hub.sms.models import Person
from tests.checkins.helpers import HUB

ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "Europe/London",
    "Australia/Lord_Howe",  # a 30-minute DST shift
]
_numbers = itertools.count(1000)


def _add_subscriber(zone: str, cadence: Cadence, start: datetime) -> Subscription:
    person = Person(phone=f"+1617555{next(_numbers) % 10000:04d}", language="en")
    db.session.add(person)
    db.session.flush()
    sub = Subscription(
        person_id=person.id, status=SubscriptionStatus.ACTIVE, zone=zone, confirmed_at=start
    )
    sub.set_cadence(cadence)
    sub.next_due_at = schedule.next_checkin_at(
        start, cadence, ZoneInfo(zone), default_weekday=services.DEFAULT_WEEKDAY
    )
    db.session.add(sub)
    db.session.commit()
    return sub


def _sent_to(sub: Subscription) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.person_id == sub.person_id)
            .order_by(OutboxMessage.not_before)
        )
    )


def _assert_in_window(rows: list[OutboxMessage], zone: ZoneInfo) -> None:
    for row in rows:
        assert schedule.instant_in_send_window(row.not_before, zone), row.not_before
        assert row.validity_seconds is not None and row.expires_at is not None
        last_moment = row.expires_at - timedelta(seconds=1)
        # Twilio may hold it only until 21:00 local, never into the night.
        assert schedule.instant_in_send_window(last_moment, zone), row.expires_at


cadences = st.builds(
    Cadence,
    weekday=st.none() | st.integers(0, 6),
    # Up to 20:50, so a pass that comes up to 5 minutes late is still inside the window.
    at=st.none() | st.builds(time, st.integers(8, 20), st.sampled_from([0, 15, 30, 45, 50])),
) | st.builds(Cadence, weekday=st.none() | st.integers(0, 6), day_part=st.sampled_from(DayPart))


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    zone=st.sampled_from(ZONES),
    cadence=cadences,
    # Spans the 2026 DST changes of every zone above (March/April and October/November).
    start=st.datetimes(datetime(2026, 2, 20), datetime(2026, 10, 20), timezones=st.just(UTC)),
    latency=st.integers(0, 300),
    pause=st.none() | st.tuples(st.integers(1, 6), st.integers(1, 30)),
)
def test_passes_never_send_outside_the_window_nor_skip_or_double_a_period(
    zone: str,
    cadence: Cadence,
    start: datetime,
    latency: int,
    pause: tuple[int, int] | None,
) -> None:
    tz = ZoneInfo(zone)
    sub = _add_subscriber(zone, cadence, start)
    pause_after, pause_days = pause or (0, 0)
    paused_from = paused_until = None
    clock = start
    for pass_number in range(1, 10):
        due = sub.next_due_at
        assert due is not None
        clock = max(clock, due) + timedelta(seconds=latency)
        services.schedule_due(HUB, now=clock)
        # A second pass at the same moment (another worker) finds nothing new.
        assert services.schedule_due(HUB, now=clock).sent == 0
        db.session.refresh(sub)
        if pass_number == pause_after:
            paused_from = clock
            services.pause(sub, timedelta(days=pause_days), clock)
            paused_until = sub.paused_until
            db.session.commit()
    rows = _sent_to(sub)
    _assert_in_window(rows, tz)
    periods = [row.idempotency_key.rsplit(":", 1)[1] for row in rows]
    assert len(periods) == len(set(periods)), "a period was served twice"
    # Every slot from the first to the last pass is served, except those inside the pause.
    first_monday = start.astimezone(tz).date() - timedelta(days=start.astimezone(tz).weekday())
    expected = []
    for week in range(0, 30):
        slot = schedule.slot_in_week(
            first_monday + timedelta(weeks=week), cadence, tz, services.DEFAULT_WEEKDAY
        )
        if slot < start or slot > clock:
            continue
        paused = paused_from is not None and paused_until is not None
        if paused and paused_from < slot < paused_until:  # type: ignore[operator]
            continue
        expected.append(schedule.period_of(slot, tz))
    assert len(expected) >= 3
    assert periods == expected
    sub.status = SubscriptionStatus.STOPPED
    db.session.commit()


def test_after_downtime_each_person_gets_one_catch_up_never_a_burst() -> None:
    zone = ZoneInfo("America/New_York")
    monday = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
    subs = [_add_subscriber("America/New_York", Cadence(weekday=1), monday) for _ in range(3)]
    # The worker was down for three weeks and comes back on Tuesday at 13:00 local.
    back = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
    result = services.schedule_due(HUB, now=back)
    assert (result.due, result.sent) == (3, 3)
    for sub in subs:
        (row,) = _sent_to(sub)
        assert row.not_before == back
        assert row.idempotency_key.endswith(schedule.period_of(back, zone))
        db.session.refresh(sub)
        assert sub.next_due_at == datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    assert services.schedule_due(HUB, now=back + timedelta(minutes=1)).due == 0


def test_a_slot_missed_by_more_than_a_day_is_skipped_not_sent_late() -> None:
    sub = _add_subscriber("America/New_York", Cadence(weekday=0), datetime(2026, 11, 2, tzinfo=UTC))
    # Monday's 10:00 slot; the worker returns on Wednesday afternoon of that week.
    result = services.schedule_due(HUB, now=datetime(2026, 11, 4, 18, 0, tzinfo=UTC))
    assert (result.due, result.sent, result.skipped) == (1, 0, 1)
    assert _sent_to(sub) == []
    db.session.refresh(sub)
    assert sub.next_due_at == datetime(2026, 11, 9, 15, 0, tzinfo=UTC)


def test_a_pass_after_nine_pm_defers_to_eight_the_next_morning() -> None:
    sub = _add_subscriber(
        "America/Los_Angeles",
        Cadence(weekday=1, at=time(20, 30)),
        datetime(2026, 11, 2, tzinfo=UTC),
    )
    # Tuesday 21:30 Pacific: too late to text; the catch-up goes out Wednesday 08:00.
    late = datetime(2026, 11, 4, 5, 30, tzinfo=UTC)
    assert services.schedule_due(HUB, now=late).deferred == 1
    db.session.refresh(sub)
    assert sub.next_due_at == datetime(2026, 11, 4, 16, 0, tzinfo=UTC)
    assert services.schedule_due(HUB, now=sub.next_due_at).sent == 1
    (row,) = _sent_to(sub)
    assert row.idempotency_key.endswith("2026-W45")


def test_a_timed_pause_ends_by_itself() -> None:
    start = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
    sub = _add_subscriber("America/New_York", Cadence(), start)
    services.pause(sub, timedelta(days=10), start)
    db.session.commit()
    assert sub.next_due_at == datetime(2026, 11, 17, 15, 0, tzinfo=UTC)
    services.schedule_due(HUB, now=sub.next_due_at)
    db.session.refresh(sub)
    assert sub.status is SubscriptionStatus.ACTIVE and sub.paused_until is None
    assert len(_sent_to(sub)) == 1


def test_the_pass_works_in_batches_and_writes_one_checkin_per_person() -> None:
    start = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
    subs = [_add_subscriber(z, Cadence(), start) for z in ZONES[:7] for _ in range(3)]
    result = services.schedule_due(HUB, now=datetime(2026, 11, 4, 0, 0, tzinfo=UTC), batch_size=4)
    assert result.due == len(subs) and result.sent + result.skipped + result.deferred == len(subs)
    rows = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == OutboxKind.CHECKIN)
    ).all()
    assert len({r.person_id for r in rows}) == len(rows) == result.sent


def test_the_worker_runs_the_pass_and_sends_a_due_checkin(app: Flask) -> None:
    from datetime import datetime as real_datetime

    from support_hub.outbox.worker import Worker
    from support_hub.sms.gateway import ConsoleGateway

    # Some fixed-offset zone has mid-day now, whenever the test runs.
    now = real_datetime.now(UTC)
    zone = next(
        name
        for offset in range(-12, 15)
        if 10 <= now.astimezone(ZoneInfo(name := f"Etc/GMT{-offset:+d}")).hour < 19
    )
    local = now.astimezone(ZoneInfo(zone))
    cadence = Cadence(weekday=local.weekday(), at=time(local.hour, 0))
    sub = _add_subscriber(zone, cadence, now - timedelta(days=7))
    assert sub.next_due_at is not None and sub.next_due_at <= now
    gateway = ConsoleGateway()
    Worker(app, gateway).drain()
    (sent,) = gateway.sent
    assert "How much distress have you felt this past week" in sent.body
    db.session.refresh(sub)
    assert sub.last_period == schedule.period_of(now, ZoneInfo(zone))
