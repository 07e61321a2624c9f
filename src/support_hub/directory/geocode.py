"""Turning what a person typed into a place: a chain of geocoders behind one call (DESIGN §2).

The offline gazetteer (US ZIP codes and "City, ST" from the `zipcodes` package, no network) is
asked first. When `GEOCODER` names a geopy geocoder, full street addresses go to it next, with a
timeout and a rate limit, and its answers are cached in the database. A place nobody can find
raises `PlaceNotFound` carrying a message a person can act on and suggestions.
"""

from __future__ import annotations

import difflib
import hashlib
import logging
import math
import re
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any, Protocol
from urllib.parse import urlsplit

import sqlalchemy as sa
import zipcodes
from flask import Flask, current_app

from support_hub.db import utcnow
from support_hub.directory.models import GeocodeCacheEntry
from support_hub.extensions import db

log = logging.getLogger(__name__)

GEOPY_TIMEOUT_SECONDS = 5.0
# Nominatim's usage policy allows one request a second; other services are at least as strict.
GEOPY_MIN_DELAY_SECONDS = 1.0
# A place that was not found is asked again after a day (a typo today is a typo tomorrow, but
# the geocoder's data changes); a found place is good for months.
NOT_FOUND_TTL = timedelta(days=1)
FOUND_TTL = timedelta(days=180)

STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "PR": "Puerto Rico", "GU": "Guam", "VI": "Virgin Islands", "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
}  # fmt: skip

_ZIP_RE = re.compile(r"^(\d{5})(?:[-\s]?\d{4})?$")
_TRAILING_ZIP_RE = re.compile(r"\b(\d{5})(?:-\d{4})?\s*$")
_COUNTRY_SUFFIX_RE = re.compile(r"[,\s]+(usa|us|u\.s\.a?\.?|united states(?: of america)?)$")


@dataclass(frozen=True)
class Place:
    """A point a search can start from, with what else we know about it."""

    label: str
    latitude: float
    longitude: float
    state_code: str | None
    timezone: str | None
    postal_code: str | None


class PlaceNotFound(Exception):
    """Nobody could place the text; `message` says so in words, `suggestions` are places to try."""

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.suggestions = suggestions or []


class Geocoder(Protocol):
    """One link of the chain: a Place, or None when this geocoder does not know the text."""

    def geocode(self, text: str) -> Place | None: ...


def _normalise(text: str) -> str:
    text = " ".join(text.replace("\u00a0", " ").split()).strip(" ,.;")
    return _COUNTRY_SUFFIX_RE.sub("", text.lower()).strip(" ,")


def _fold(name: str) -> str:
    """A city name for matching: lower case, no punctuation, 'saint' and 'st' alike."""
    name = re.sub(r"[^a-z0-9 ]", " ", name.lower())
    words = [
        "st" if w in ("saint", "st") else "ft" if w in ("fort", "ft") else w for w in name.split()
    ]
    return " ".join(words)


@dataclass(frozen=True)
class _City:
    name: str
    state: str
    latitude: float
    longitude: float
    timezone: str | None
    zip_count: int


class Gazetteer:
    """US ZIP codes and cities from the `zipcodes` package, all in memory, no network."""

    def __init__(self) -> None:
        self.zips: dict[str, Place] = {}
        self.cities: dict[tuple[str, str], _City] = {}
        self.city_names_by_state: dict[str, dict[str, str]] = defaultdict(dict)
        self.states_by_city: dict[str, list[str]] = defaultdict(list)
        members: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        display: dict[tuple[str, str], str] = {}
        # 58k city names but far fewer distinct ones: fold each once (this build runs per process).
        folded: dict[str, str] = {}
        for row in zipcodes.list_all():
            if not (row["lat"] and row["long"]):
                continue
            state = row["state"]
            self.zips[row["zip_code"]] = Place(
                label=f"{row['city'].title()}, {state} {row['zip_code']}",
                latitude=float(row["lat"]),
                longitude=float(row["long"]),
                state_code=state,
                timezone=row["timezone"] or None,
                postal_code=row["zip_code"],
            )
            for city in [row["city"], *row["acceptable_cities"]]:
                fold = folded.get(city)
                if fold is None:
                    fold = folded[city] = _fold(city)
                key = (fold, state)
                members[key].append(row)
                display.setdefault(key, city.title())
        for key, rows in members.items():
            # A city's point is the mean of its residential ZIPs (P.O. box and single-building
            # ZIPs sit on post offices and skew small towns); fall back to all when it has none.
            standard = [r for r in rows if r["zip_code_type"] == "STANDARD" and r["active"]]
            chosen = standard or rows
            zones = [r["timezone"] for r in chosen if r["timezone"]]
            city = _City(
                name=display[key],
                state=key[1],
                # fsum/len is statistics.fmean without its per-call checks (39k cities).
                latitude=math.fsum(float(r["lat"]) for r in chosen) / len(chosen),
                longitude=math.fsum(float(r["long"]) for r in chosen) / len(chosen),
                # The most common zone; ties go to the first seen (as Counter.most_common).
                timezone=max(dict.fromkeys(zones), key=zones.count) if zones else None,
                zip_count=len(rows),
            )
            self.cities[key] = city
            self.city_names_by_state[key[1]][key[0]] = city.name
            self.states_by_city[key[0]].append(key[1])
        self.state_names = {_fold(name): code for code, name in STATES.items()}
        # ZIPs by one-degree cell, as (latitude, longitude, place) for `nearest_zip`'s loop.
        self._grid: dict[tuple[int, int], list[tuple[float, float, Place]]] = {}
        self.state_codes = {code.lower(): code for code in STATES}

    def _city_place(self, city: _City) -> Place:
        return Place(
            label=f"{city.name}, {city.state}",
            latitude=round(city.latitude, 6),
            longitude=round(city.longitude, 6),
            state_code=city.state,
            timezone=city.timezone,
            postal_code=None,
        )

    def split_state(self, text: str) -> tuple[str, str] | None:
        """('city part', 'ST') when the text ends with a state code or name, else None."""
        words = text.replace(",", " , ").split()
        # Longest state name first ("west virginia" before "virginia").
        for size in (4, 3, 2, 1):
            if len(words) <= size:
                continue
            tail = " ".join(words[-size:])
            code = self.state_codes.get(tail) if size == 1 else None
            code = code or self.state_names.get(_fold(tail))
            if code:
                city = " ".join(words[:-size]).strip(" ,")
                if city:
                    return city, code
        return None

    def geocode(self, text: str) -> Place | None:
        """ZIP, ZIP+4, 'City, ST', 'City ST', 'City, State' or 'City, ST 02139'; else None."""
        norm = _normalise(text)
        if match := _ZIP_RE.match(norm):
            return self.zips.get(match.group(1))
        zip_match = _TRAILING_ZIP_RE.search(norm)
        rest = norm[: zip_match.start()].strip(" ,") if zip_match else norm
        split = self.split_state(rest)
        if split is None:
            return None
        city_text, state = split
        if zip_match and "," not in city_text:
            place = self.zips.get(zip_match.group(1))
            if place and place.state_code == state:
                return place
        if "," in city_text or any(ch.isdigit() for ch in city_text):
            return None  # a street address: for a real geocoder, or for `fallback`
        city = self.cities.get((_fold(city_text), state))
        return self._city_place(city) if city else None

    def fallback(self, text: str) -> Place | None:
        """The coarse place inside a street address: its ZIP, else its last 'City, ST'."""
        norm = _normalise(text)
        if (zip_match := _TRAILING_ZIP_RE.search(norm)) and (
            place := self.zips.get(zip_match.group(1))
        ):
            return place
        parts = [p.strip() for p in norm.split(",") if p.strip()]
        for start in range(len(parts) - 1, 0, -1):
            place = self.geocode(", ".join(parts[start:]))
            if place:
                return place
        return None

    def suggestions(self, text: str, limit: int = 5) -> list[str]:
        """Places close to what was typed: near-miss city names, or the states a city is in."""
        norm = _normalise(text)
        if match := _ZIP_RE.match(norm):
            prefix = match.group(1)[:3]
            near = sorted(z for z in self.zips if z.startswith(prefix))
            wanted = int(match.group(1))
            near.sort(key=lambda z: abs(int(z) - wanted))
            return [self.zips[z].label for z in near[:limit]]
        split = self.split_state(_TRAILING_ZIP_RE.sub("", norm).strip(" ,"))
        if split:
            city_text, state = split
            city_text = city_text.split(",")[-1].strip()
            names = self.city_names_by_state.get(state, {})
            close = difflib.get_close_matches(_fold(city_text), list(names), n=limit, cutoff=0.7)
            return [f"{names[c]}, {state}" for c in close]
        folded = _fold(norm.split(",")[-1])
        states = self.states_by_city.get(folded)
        if states:
            # Bigger places first: someone typing "Cambridge" more likely means Massachusetts.
            found = sorted((self.cities[(folded, s)] for s in states), key=lambda c: -c.zip_count)
            return [self._city_place(city).label for city in found[:limit]]
        close = difflib.get_close_matches(folded, list(self.states_by_city), n=limit, cutoff=0.8)
        return [self._city_place(self.cities[(c, self.states_by_city[c][0])]).label for c in close]

    def nearest_zip(self, latitude: float, longitude: float) -> Place:
        """The ZIP whose centroid is nearest (for a state and time zone when nothing else says)."""
        if not self._grid:
            for place in self.zips.values():
                cell = (math.floor(place.latitude), math.floor(place.longitude))
                self._grid.setdefault(cell, []).append((place.latitude, place.longitude, place))
        lat_cell, lng_cell = math.floor(latitude), math.floor(longitude)
        cos_lat = math.cos(math.radians(latitude))
        # Widen the square of one-degree cells until it holds a ZIP; the nearest in it may miss
        # a nearer one just outside, which is fine for telling the state and time zone. A plain
        # loop (the first of equals wins, as with min()): the API asks this on every search.
        for reach in range(1, 40):
            nearest, best = None, math.inf
            for dlat in range(-reach, reach + 1):
                for dlng in range(-reach, reach + 1):
                    for lat, lng, place in self._grid.get((lat_cell + dlat, lng_cell + dlng), ()):
                        squared = (lat - latitude) ** 2 + ((lng - longitude) * cos_lat) ** 2
                        if squared < best:
                            nearest, best = place, squared
            if nearest is not None:
                return nearest
        return min(self.zips.values(), key=lambda p: abs(p.latitude - latitude))


@cache
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer (built once per process: one to two seconds)."""
    return Gazetteer()


def warm_up() -> str:
    """Build the gazetteer now, before any request needs it; say what was built and how fast.

    Web workers call this as they start (gunicorn.conf.py), so no text or search waits for it.
    """
    started = time.perf_counter()
    built = gazetteer()
    seconds = time.perf_counter() - started
    return (
        f"offline gazetteer ready: {len(built.zips)} ZIP codes, {len(built.cities)} places"
        f" in {seconds:.1f} s"
    )


@cache
def _timezone_finder() -> Any:
    from timezonefinder import TimezoneFinder

    # In memory: no open file handles for the life of the process (and only ~40 ms to load).
    return TimezoneFinder(in_memory=True)


def timezone_at(latitude: float, longitude: float) -> str | None:
    """The IANA time zone at a point, offline."""
    return _timezone_finder().timezone_at(lat=latitude, lng=longitude)


class GeopyGeocoder:
    """A geopy geocoder (e.g. Nominatim) with a timeout, a rate limit and a DB cache."""

    def __init__(
        self,
        service: str,
        url: str | None,
        user_agent: str,
        *,
        min_delay_seconds: float = GEOPY_MIN_DELAY_SECONDS,
    ) -> None:
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import get_geocoder_for_service

        self.service = service
        options: dict[str, Any] = {"user_agent": user_agent, "timeout": GEOPY_TIMEOUT_SECONDS}
        if url:
            parts = urlsplit(url)
            options["domain"] = parts.netloc + parts.path.rstrip("/")
            options["scheme"] = parts.scheme
        self.client = get_geocoder_for_service(service)(**options)
        extra: dict[str, Any] = {}
        if service == "nominatim":
            extra = {"country_codes": "us", "addressdetails": True}
        self._extra = extra
        # Errors are not retried here: a person is waiting, and the chain has a fallback.
        self._limited = RateLimiter(
            self.client.geocode, min_delay_seconds=min_delay_seconds, max_retries=0,
            swallow_exceptions=False,
        )  # fmt: skip

    def _cache_key(self, text: str) -> str:
        # Only a hash of what was typed is kept: a searched street address may be someone's home.
        return hashlib.sha256(f"{self.service}\n{_normalise(text)}".encode()).hexdigest()

    def geocode(self, text: str) -> Place | None:
        from geopy.exc import GeopyError

        key = self._cache_key(text)
        # The cache lives outside the caller's transaction: read it on a connection of its own,
        # which also sees entries other processes wrote after the caller's transaction began.
        with db.engine.connect() as connection:
            row = connection.execute(
                sa.select(GeocodeCacheEntry).where(GeocodeCacheEntry.key == key)
            ).first()
        if row is not None:
            entry = GeocodeCacheEntry(**row._mapping)
            ttl = FOUND_TTL if entry.found else NOT_FOUND_TTL
            if entry.created_at + ttl > utcnow():
                return entry.place()
        try:
            query = " ".join(text.split())
            location = self._limited(query, exactly_one=True, **self._extra)
        except GeopyError as exc:
            # Not cached: a timeout or outage says nothing about the place.
            log.warning("geocoder %s failed: %s", self.service, type(exc).__name__)
            return None
        place = self._to_place(location) if location is not None else None
        self._store(key, place)
        return place

    def _to_place(self, location: Any) -> Place:
        lat, lng = float(location.latitude), float(location.longitude)
        raw = location.raw if isinstance(location.raw, dict) else {}
        address = raw.get("address") or {}
        state_code: str | None = None
        iso = address.get("ISO3166-2-lvl4", "")
        if iso.startswith("US-"):
            state_code = iso[3:]
        elif address.get("state"):
            state_code = gazetteer().state_names.get(_fold(address["state"]))
        postal = (address.get("postcode") or "")[:5] or None
        if state_code is None or postal is None:
            nearest = gazetteer().nearest_zip(lat, lng)
            state_code = state_code or nearest.state_code
            postal = postal or nearest.postal_code
        return Place(
            label=str(location.address),
            latitude=lat,
            longitude=lng,
            state_code=state_code,
            timezone=timezone_at(lat, lng),
            postal_code=postal,
        )

    def _store(self, key: str, place: Place | None) -> None:
        """Remember the answer in its own short transaction; a failure only costs the cache."""
        values = GeocodeCacheEntry.values_for(key, self.service, place)
        try:
            with db.engine.begin() as connection:
                connection.execute(sa.delete(GeocodeCacheEntry).where(GeocodeCacheEntry.key == key))
                connection.execute(sa.insert(GeocodeCacheEntry), [values])
        except sa.exc.SQLAlchemyError as exc:
            log.warning("geocode cache write failed: %s", type(exc).__name__)


class GeocoderChain:
    """Ask each geocoder in turn; then the coarse fallback; then say what might have been meant."""

    def __init__(self, geocoders: list[Geocoder]) -> None:
        self.geocoders = geocoders

    def locate(self, text: str) -> Place:
        if not text or not text.strip():
            raise PlaceNotFound(
                "Enter a ZIP code or a city and state, such as 02139 or Austin, TX."
            )
        if len(text) > 300:
            raise PlaceNotFound("That place is too long; enter a ZIP code or a city and state.")
        for geocoder in self.geocoders:
            place = geocoder.geocode(text)
            if place is not None:
                return place
        coarse = gazetteer().fallback(text)
        if coarse is not None:
            return coarse
        suggestions = gazetteer().suggestions(text)
        message = f"We couldn't find “{text.strip()}”."
        if suggestions:
            message += " Did you mean " + " or ".join(suggestions[:3]) + "?"
        else:
            message += " Try a 5-digit ZIP code or a city and state, such as Austin, TX."
        raise PlaceNotFound(message, suggestions)


def chain_for(service: str, url: str | None, user_agent: str) -> GeocoderChain:
    """The chain DESIGN §2 describes for a `GEOCODER` setting."""
    geocoders: list[Geocoder] = [gazetteer()]
    if service != "offline":
        geocoders.append(GeopyGeocoder(service, url, user_agent))
    return GeocoderChain(geocoders)


def app_chain(app: Flask) -> GeocoderChain:
    """The app's configured chain, built once per app (it holds the rate limiter's clock)."""
    chain = app.extensions.get("support_hub.geocoder")
    if chain is None:
        from support_hub import get_settings

        settings = get_settings(app)
        chain = chain_for(settings.geocoder, settings.geocoder_url, settings.geocoder_user_agent)
        app.extensions["support_hub.geocoder"] = chain
    return chain


def locate(text: str) -> Place:
    """Place what a person typed with the configured chain; raises PlaceNotFound."""
    return app_chain(current_app._get_current_object()).locate(text)  # type: ignore[attr-defined]
