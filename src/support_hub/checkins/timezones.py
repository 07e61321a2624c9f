"""Which time zone check-ins follow: the ZIP, else the number's area, else the hub default."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
import zipcodes
from phonenumbers import timezone as number_timezones

UNKNOWN_ZONE = "Etc/Unknown"


def zone_for_zip(zip_code: str | None) -> str | None:
    """The IANA zone of a US ZIP code (offline), or None if it is not a known ZIP."""
    if not zip_code:
        return None
    try:
        matches = zipcodes.matching(zip_code.strip()[:5])
    except (TypeError, ValueError):
        return None
    zone = matches[0].get("timezone") if matches else None
    return zone or None


def zone_for_number(e164: str | None) -> str | None:
    """The IANA zone of a phone number's area, or None when unknown.

    Some area codes straddle zones; the first zone listed for the number is used. The default
    10:00 send time is far from the 08:00/21:00 edges, so the hour of difference is harmless there.
    """
    if not e164:
        return None
    try:
        number = phonenumbers.parse(e164, "US")
    except phonenumbers.NumberParseException:
        return None
    zones = [z for z in number_timezones.time_zones_for_number(number) if z != UNKNOWN_ZONE]
    # Toll-free and other non-geographic numbers list every US zone (Adak first): that says
    # nothing about where the person is, so the hub default decides instead.
    if len(zones) > 2:
        return None
    return zones[0] if zones else None


def resolve_zone(zip_code: str | None, e164: str | None, default: str) -> ZoneInfo:
    """The person's zone: ZIP first, then the number's area, then the hub default."""
    for candidate in (zone_for_zip(zip_code), zone_for_number(e164), default):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    raise ValueError(f"no usable time zone (default {default!r} is not an IANA zone)")
