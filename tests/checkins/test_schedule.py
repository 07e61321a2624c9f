"""Property tests: check-ins land in 08:00–21:00 local, once per week, across DST and pauses."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support_hub.checkins.schedule import (
    Cadence,
    DayPart,
    catch_up_due,
    instant_in_send_window,
    next_checkin_at,
    period_of,
    to_utc,
)

# US zones (with and without DST) plus zones with unusual rules, to stress the arithmetic.
ZONES = [
    "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
    "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu", "America/Puerto_Rico",
    "America/Indiana/Indianapolis", "Europe/London", "Australia/Lord_Howe", "America/Santiago",
    "Pacific/Chatham", "Asia/Kolkata",
]  # fmt: skip

zones = st.sampled_from(ZONES).map(ZoneInfo)
instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2031, 12, 31), timezones=st.just(UTC)
)
window_times = st.times(min_value=time(8, 0), max_value=time(20, 59))
cadences = st.builds(
    Cadence,
    weekday=st.none() | st.integers(0, 6),
    at=st.none() | window_times,
    day_part=st.none(),
) | st.builds(Cadence, weekday=st.none() | st.integers(0, 6), day_part=st.sampled_from(DayPart))


def next_iso_week(period: str) -> str:
    year, week = int(period[:4]), int(period[6:])
    monday = date.fromisocalendar(year, week, 1) + timedelta(weeks=1)
    y, w, _ = monday.isocalendar()
    return f"{y}-W{w:02d}"


@settings(max_examples=300, deadline=None)
@given(after=instants, cadence=cadences, zone=zones, default_weekday=st.integers(0, 6))
def test_next_checkin_is_in_the_send_window_on_the_chosen_day_and_time(
    after: datetime, cadence: Cadence, zone: ZoneInfo, default_weekday: int
) -> None:
    due = next_checkin_at(after, cadence, zone, default_weekday=default_weekday)
    local = due.astimezone(zone)
    assert due >= after
    assert due - after <= timedelta(days=7, hours=2)  # hours: a DST change inside the week
    assert instant_in_send_window(due, zone)
    expected_day = default_weekday if cadence.weekday is None else cadence.weekday
    assert local.weekday() == expected_day
    assert local.time().replace(tzinfo=None) == cadence.local_time()


@settings(max_examples=150, deadline=None)
@given(start=instants, cadence=cadences, zone=zones)
def test_a_year_of_checkins_serves_every_week_exactly_once(
    start: datetime, cadence: Cadence, zone: ZoneInfo
) -> None:
    sent: list[datetime] = []
    cursor, last_period = start, None
    for _ in range(60):
        due = next_checkin_at(cursor, cadence, zone, last_period=last_period)
        sent.append(due)
        last_period = period_of(due, zone)
        cursor = due + timedelta(seconds=1)
    periods = [period_of(s, zone) for s in sent]
    assert len(set(periods)) == len(periods), "a week got two check-ins"
    for earlier, later in itertools.pairwise(periods):
        assert later == next_iso_week(earlier), f"skipped from {earlier} to {later}"
    assert all(instant_in_send_window(s, zone) for s in sent)


@settings(max_examples=150, deadline=None)
@given(
    start=instants,
    cadence=cadences,
    zone=zones,
    pause_days=st.integers(1, 120),
)
def test_a_pause_skips_only_the_weeks_inside_it(
    start: datetime, cadence: Cadence, zone: ZoneInfo, pause_days: int
) -> None:
    paused_until = start + timedelta(days=pause_days)
    due = next_checkin_at(start, cadence, zone, paused_until=paused_until)
    assert due >= paused_until
    assert due - paused_until <= timedelta(days=7, hours=2)
    assert instant_in_send_window(due, zone)


@settings(max_examples=100, deadline=None)
@given(start=instants, zone=zones, first=st.integers(0, 6), second=st.integers(0, 6))
def test_changing_the_day_mid_week_never_doubles_that_week(
    start: datetime, zone: ZoneInfo, first: int, second: int
) -> None:
    sent = next_checkin_at(start, Cadence(weekday=first), zone)
    after_change = next_checkin_at(
        sent + timedelta(minutes=1),
        Cadence(weekday=second),
        zone,
        last_period=period_of(sent, zone),
    )
    assert period_of(after_change, zone) == next_iso_week(period_of(sent, zone))


@pytest.mark.parametrize(
    ("zone", "day", "expected_utc_hour"),
    [
        # 10:00 in New York is 15:00 UTC in winter and 14:00 UTC in summer.
        ("America/New_York", date(2026, 3, 3), 15),  # Tue before spring forward (Mar 8)
        ("America/New_York", date(2026, 3, 10), 14),  # Tue after
        ("America/New_York", date(2026, 10, 27), 14),  # Tue before fall back (Nov 1)
        ("America/New_York", date(2026, 11, 3), 15),  # Tue after
        ("America/Phoenix", date(2026, 3, 10), 17),  # Arizona keeps standard time
    ],
)
def test_local_time_is_kept_across_dst_changes(
    zone: str, day: date, expected_utc_hour: int
) -> None:
    assert to_utc(day, time(10, 0), ZoneInfo(zone)).hour == expected_utc_hour


def test_a_local_time_in_the_spring_forward_gap_moves_forward() -> None:
    instant = to_utc(date(2026, 3, 8), time(2, 30), ZoneInfo("America/New_York"))
    assert instant.astimezone(ZoneInfo("America/New_York")).time() == time(3, 30)


def test_preferred_time_outside_the_window_is_refused() -> None:
    with pytest.raises(ValueError, match="between 08:00 and 21:00"):
        Cadence(at=time(21, 0))
    with pytest.raises(ValueError, match="between 08:00 and 21:00"):
        Cadence(at=time(7, 59))


def test_after_downtime_a_missed_checkin_is_sent_once_only_while_fresh() -> None:
    zone = ZoneInfo("America/Chicago")
    due = to_utc(date(2026, 11, 24), time(10, 0), zone)
    validity = timedelta(hours=4)
    assert catch_up_due(due + timedelta(hours=1), due, zone, validity=validity)
    assert not catch_up_due(due + timedelta(hours=5), due, zone, validity=validity)  # stale
    late_evening = to_utc(date(2026, 11, 24), time(21, 30), zone)
    assert not catch_up_due(late_evening, due, zone, validity=timedelta(hours=12))  # quiet hours
    next_week = due + timedelta(days=7)
    assert not catch_up_due(next_week, due, zone, validity=timedelta(days=8))  # other period
