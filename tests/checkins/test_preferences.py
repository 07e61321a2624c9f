from __future__ import annotations

from datetime import time, timedelta

import pytest

from support_hub.checkins.preferences import (
    PreferenceError,
    parse_cadence,
    parse_pause,
    parse_time,
)
from support_hub.checkins.schedule import Cadence, DayPart


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TUE 10AM", Cadence(weekday=1, at=time(10, 0))),
        ("tuesday 10:30 am", Cadence(weekday=1, at=time(10, 30))),
        ("Thu at 2pm", Cadence(weekday=3, at=time(14, 0))),
        ("sunday", Cadence(weekday=6)),
        ("6:15pm", Cadence(at=time(18, 15))),
        ("14:00", Cadence(at=time(14, 0))),
        ("mornings", Cadence(day_part=DayPart.MORNING)),
        ("FRI evenings", Cadence(weekday=4, day_part=DayPart.EVENING)),
        ("martes 10am", Cadence(weekday=1, at=time(10, 0))),
        ("miércoles a las 9am", Cadence(weekday=2, at=time(9, 0))),
        ("sábado mañanas", Cadence(weekday=5, day_part=DayPart.MORNING)),
        ("12pm", Cadence(at=time(12, 0))),
    ],
)
def test_people_can_say_when_they_want_checkins(text: str, expected: Cadence) -> None:
    assert parse_cadence(text) == expected


@pytest.mark.parametrize(
    "text", ["", "whenever", "TUE 11PM", "3am", "25:00", "10:75", "13pm", "mornings 10am"]
)
def test_unusable_preferences_are_refused_with_a_reason(text: str) -> None:
    with pytest.raises(PreferenceError):
        parse_cadence(text)


def test_times_outside_the_window_say_what_the_window_is() -> None:
    with pytest.raises(PreferenceError, match="8 AM and 9 PM"):
        parse_time("9pm")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("2W", timedelta(days=14)),
        ("2 weeks", timedelta(days=14)),
        ("10 days", timedelta(days=10)),
        ("1 month", timedelta(days=30)),
        ("3 semanas", timedelta(days=21)),
    ],
)
def test_pause_lengths(text: str, expected: timedelta | None) -> None:
    assert parse_pause(text) == expected


@pytest.mark.parametrize("text", ["forever", "0d", "2 fortnights", "13 months"])
def test_bad_pause_lengths_are_refused(text: str) -> None:
    with pytest.raises(PreferenceError):
        parse_pause(text)
