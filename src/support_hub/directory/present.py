"""How listings read to people: phone numbers, schedules in words, addresses, directions.

Shared by the public pages and the JSON API so both say the same thing. Confidential locations
never give out an address or a point here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol
from urllib.parse import urlencode

import phonenumbers
from flask_babel import gettext as _


# What these read, whether from the models or from a search result's plain `Listing` values.
class PhoneLike(Protocol):
    @property
    def number(self) -> str: ...
    @property
    def extension(self) -> str | None: ...


class ScheduleLike(Protocol):
    @property
    def description(self) -> str | None: ...
    @property
    def freq(self) -> str | None: ...
    @property
    def byday(self) -> str | None: ...
    @property
    def opens_at(self) -> str | None: ...
    @property
    def closes_at(self) -> str | None: ...


class AddressLike(Protocol):
    @property
    def address_1(self) -> str: ...
    @property
    def address_2(self) -> str | None: ...
    @property
    def city(self) -> str: ...
    @property
    def state_province(self) -> str: ...
    @property
    def postal_code(self) -> str: ...


class LocationLike(Protocol):
    @property
    def name(self) -> str | None: ...
    @property
    def latitude(self) -> float | None: ...
    @property
    def longitude(self) -> float | None: ...
    @property
    def confidential(self) -> bool: ...
    @property
    def addresses(self) -> Sequence[AddressLike]: ...


DAY_NAMES = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
ORDINALS = {"1": "1st", "2": "2nd", "3": "3rd", "4": "4th", "-1": "last"}


def phone_display(phone: PhoneLike) -> str:
    """A number as people write it in the US: (617) 555-0100; short codes (988) as they are."""
    try:
        parsed = phonenumbers.parse(phone.number, "US")
    except phonenumbers.NumberParseException:
        return phone.number
    if not phonenumbers.is_possible_number(parsed):
        return phone.number
    text = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return f"{text} ext. {phone.extension}" if phone.extension else text


def phone_href(phone: PhoneLike) -> str:
    """A tel: link that dials from any phone (E.164, or the short code itself)."""
    try:
        parsed = phonenumbers.parse(phone.number, "US")
        if phonenumbers.is_possible_number(parsed):
            number = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            return f"tel:{number}" + (f";ext={phone.extension}" if phone.extension else "")
    except phonenumbers.NumberParseException:
        pass
    return "tel:" + "".join(ch for ch in phone.number if ch.isdigit() or ch == "+")


def schedule_words(schedule: ScheduleLike) -> str:
    """When it meets, in words: the listing's own description, else one built from the rule."""
    if schedule.description:
        return schedule.description
    days = []
    for part in (schedule.byday or "").split(","):
        part = part.strip().upper()
        if not part:
            continue
        day = DAY_NAMES.get(part[-2:], part[-2:])
        ordinal = ORDINALS.get(part[:-2])
        days.append(f"{ordinal} {day}" if ordinal else day)
    words = ""
    if schedule.freq == "WEEKLY" and days:
        words = _("Every %(days)s", days=", ".join(days))
    elif schedule.freq == "MONTHLY" and days:
        words = _("The %(days)s of the month", days=", ".join(days))
    elif schedule.freq == "DAILY":
        words = _("Every day")
    elif days:
        words = ", ".join(days)
    if schedule.opens_at and schedule.closes_at:
        hours = f"{schedule.opens_at}–{schedule.closes_at}"
        words = f"{words}, {hours}" if words else hours
    return words


def public_address(location: LocationLike | None) -> AddressLike | None:
    """The street address to show, or None (no location, none on file, or confidential)."""
    if location is None or location.confidential or not location.addresses:
        return None
    return location.addresses[0]


def address_line(address: AddressLike) -> str:
    parts = [address.address_1, address.address_2, address.city]
    line = ", ".join(p for p in parts if p)
    return f"{line}, {address.state_province} {address.postal_code}".strip()


def directions_url(location: LocationLike | None) -> str | None:
    """Directions there: Google Maps' universal link (the app on phones, the web elsewhere)."""
    if location is None or location.confidential:
        return None
    if location.latitude is None or location.longitude is None:
        return None
    to = f"{location.latitude:.6f},{location.longitude:.6f}"
    return "https://www.google.com/maps/dir/?" + urlencode({"api": "1", "destination": to})
