"""When a weekly check-in is due: pure functions over time zones, preferences and pauses.

A check-in belongs to a *period* (the person's local ISO week). Each period gets at most one
check-in, at the person's preferred weekday and time, and only inside the send window 08:00–21:00
local time. All instants are timezone-aware UTC; local times are computed with `zoneinfo`, so DST
changes move the UTC instant, never the local wall-clock time the person asked for.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SEND_WINDOW_START = time(8, 0)
SEND_WINDOW_END = time(21, 0)  # exclusive: nothing at or after 21:00 local
DEFAULT_TIME = time(10, 0)
# How many weeks ahead to look for a slot; a pause can push the next slot far out.
MAX_WEEKS_AHEAD = 520


class DayPart(enum.Enum):
    """A loose preference ("mornings") instead of an exact time; each maps to one send time."""

    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"

    @property
    def send_time(self) -> time:
        return {
            DayPart.MORNING: time(9, 30),
            DayPart.AFTERNOON: time(14, 0),
            DayPart.EVENING: time(18, 30),
        }[self]


@dataclass(frozen=True)
class Cadence:
    """A person's weekly preference: a weekday (0 = Monday) and a local time, both optional."""

    weekday: int | None = None
    at: time | None = None
    day_part: DayPart | None = None

    def __post_init__(self) -> None:
        if self.weekday is not None and not 0 <= self.weekday <= 6:
            raise ValueError("weekday must be 0 (Monday) to 6 (Sunday)")
        if self.at is not None and not in_send_window(self.at):
            raise ValueError("preferred time must be between 08:00 and 21:00")

    def local_time(self) -> time:
        if self.at is not None:
            return self.at
        if self.day_part is not None:
            return self.day_part.send_time
        return DEFAULT_TIME


def in_send_window(local: time) -> bool:
    """True when a local wall-clock time is inside 08:00–21:00 (21:00 itself is outside)."""
    return SEND_WINDOW_START <= local.replace(tzinfo=None) < SEND_WINDOW_END


def instant_in_send_window(instant: datetime, zone: ZoneInfo) -> bool:
    """True when a UTC instant falls inside the person's local send window."""
    return in_send_window(instant.astimezone(zone).time())


def period_of(instant: datetime, zone: ZoneInfo) -> str:
    """The check-in period an instant falls in: the local ISO week, e.g. "2026-W48"."""
    year, week, _ = instant.astimezone(zone).isocalendar()
    return f"{year}-W{week:02d}"


def _week_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local date and wall-clock time.

    In a DST gap (a local time that does not exist) the clock time moves forward by the gap; in
    an overlap the first occurrence is used. Neither happens inside 08:00–21:00 in US zones, but
    the rule is defined so the function is total.
    """
    # PEP 495: fold=0 resolves a gap with the offset from before the transition, which lands
    # the instant after the gap (02:30 on a spring-forward day becomes 03:30), and an overlap
    # with its first occurrence.
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def slot_in_week(monday: date, cadence: Cadence, zone: ZoneInfo, default_weekday: int) -> datetime:
    """The UTC instant of the check-in in the local week starting on `monday`."""
    weekday = default_weekday if cadence.weekday is None else cadence.weekday
    return to_utc(monday + timedelta(days=weekday), cadence.local_time(), zone)


def next_checkin_at(
    after: datetime,
    cadence: Cadence,
    zone: ZoneInfo,
    *,
    last_period: str | None = None,
    paused_until: datetime | None = None,
    default_weekday: int = 1,
) -> datetime:
    """The first slot at or after `after` (and after any pause) in a period not yet served.

    `last_period` is the period of the last check-in sent, so a period is never served twice
    even when the person changes their preferred day mid-week.
    """
    if after.tzinfo is None:
        raise ValueError("after must be timezone-aware")
    earliest = max(after, paused_until) if paused_until is not None else after
    monday = _week_monday(earliest.astimezone(zone).date())
    for week in range(MAX_WEEKS_AHEAD):
        candidate = slot_in_week(monday + timedelta(weeks=week), cadence, zone, default_weekday)
        if candidate < earliest:
            continue
        if last_period is not None and period_of(candidate, zone) <= last_period:
            continue
        return candidate
    raise ValueError("no check-in slot within ten years (pause too long?)")


def catch_up_due(now: datetime, due_at: datetime, zone: ZoneInfo, *, validity: timedelta) -> bool:
    """After downtime: is a missed check-in still worth sending now (same period, in window)?

    At most one catch-up per person follows from the caller sending only the single most recent
    due slot; this decides whether even that one is stale.
    """
    return (
        due_at <= now < due_at + validity
        and period_of(now, zone) == period_of(due_at, zone)
        and instant_in_send_window(now, zone)
    )
