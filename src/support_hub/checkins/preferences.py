"""Parse what people text about when they want check-ins ("TUE 10AM", "mornings", "PAUSE 2W").

English and Spanish. Parsers return values or raise `PreferenceError` with a short reason the
conversation turns into a reply; they never guess at text they don't understand.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import time, timedelta

from support_hub.checkins.schedule import Cadence, DayPart, in_send_window

WEEKDAYS: dict[str, int] = {
    # English
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
    # Spanish (accents are stripped before lookup)
    "lun": 0, "lunes": 0, "mar": 1, "martes": 1, "mie": 2, "miercoles": 2,
    "jue": 3, "jueves": 3, "vie": 4, "viernes": 4, "sab": 5, "sabado": 5,
    "dom": 6, "domingo": 6,
}  # fmt: skip

DAY_PARTS: dict[str, DayPart] = {
    "morning": DayPart.MORNING, "mornings": DayPart.MORNING, "manana": DayPart.MORNING,
    "mananas": DayPart.MORNING, "afternoon": DayPart.AFTERNOON, "afternoons": DayPart.AFTERNOON,
    "tarde": DayPart.AFTERNOON, "tardes": DayPart.AFTERNOON, "evening": DayPart.EVENING,
    "evenings": DayPart.EVENING, "noche": DayPart.EVENING, "noches": DayPart.EVENING,
}  # fmt: skip

PAUSE_UNITS: dict[str, int] = {
    "d": 1, "day": 1, "days": 1, "dia": 1, "dias": 1,
    "w": 7, "wk": 7, "wks": 7, "week": 7, "weeks": 7, "s": 7, "sem": 7, "semana": 7, "semanas": 7,
    "m": 30, "month": 30, "months": 30, "mes": 30, "meses": 30,
}  # fmt: skip

MAX_PAUSE = timedelta(days=365)

_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.|a|p)?$")
_PAUSE = re.compile(r"^(\d{1,3})\s*([a-z]+)$")


class PreferenceError(ValueError):
    """The text names a day, time or pause we cannot use; the message says why."""


def normalise(text: str) -> str:
    """Lowercase, accents stripped, punctuation (but ':' and '.') turned to spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w:.\s]", " ", plain).split())


def parse_time(text: str) -> time:
    """ "10am", "10:30 pm", "14:00" -> a local time inside the send window."""
    match = _TIME.match(text.replace(" ", "") if text[-1:].isalpha() else text)
    if not match:
        raise PreferenceError(f"not a time: {text!r}")
    hour, minute = int(match[1]), int(match[2] or 0)
    meridiem = (match[3] or "").replace(".", "")
    if minute > 59 or hour > 23 or (meridiem and not 1 <= hour <= 12):
        raise PreferenceError(f"not a time: {text!r}")
    if meridiem.startswith("p") and hour != 12:
        hour += 12
    elif meridiem.startswith("a") and hour == 12:
        hour = 0
    at = time(hour, minute)
    if not in_send_window(at):
        raise PreferenceError("check-ins go out between 8 AM and 9 PM")
    return at


def parse_cadence(text: str) -> Cadence:
    """ "TUE 10AM", "tuesday", "10:30am", "mornings", "martes 10am" -> a `Cadence`."""
    words = normalise(text).split()
    if not words:
        raise PreferenceError("empty preference")
    weekday: int | None = None
    day_part: DayPart | None = None
    rest: list[str] = []
    for word in words:
        if word in WEEKDAYS and weekday is None:
            weekday = WEEKDAYS[word]
        elif word in DAY_PARTS and day_part is None:
            day_part = DAY_PARTS[word]
        elif word not in ("at", "a", "las", "la", "on", "el", "los"):
            rest.append(word)
    at = parse_time(" ".join(rest)) if rest else None
    if weekday is None and at is None and day_part is None:
        raise PreferenceError(f"no day or time in {text!r}")
    if at is not None and day_part is not None:
        raise PreferenceError("give either a time or a part of the day, not both")
    return Cadence(weekday=weekday, at=at, day_part=day_part)


def parse_pause(text: str) -> timedelta | None:
    """The length after PAUSE/PAUSA: "" -> None (until RESUME), "2W" -> 14 days, "10 days"."""
    words = normalise(text).replace(" ", "")
    if not words:
        return None
    match = _PAUSE.match(words)
    if not match or match[2] not in PAUSE_UNITS:
        raise PreferenceError(f"not a pause length: {text!r}")
    length = timedelta(days=int(match[1]) * PAUSE_UNITS[match[2]])
    if not timedelta(days=1) <= length <= MAX_PAUSE:
        raise PreferenceError("a pause can be from 1 day to 12 months")
    return length
