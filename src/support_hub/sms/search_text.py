"""Search by text (DESIGN §6): "02139", "Austin TX", "GROUPS 02139", "COUNSELOR near Austin TX".

The answer lists the three nearest matches, one line each (name, when/where, phone, distance),
within two segments; "1"-"3" give details, MORE the next three. When nothing is near, online and
phone options are offered. The search is remembered on the person for a day.

Places come from the offline gazetteer only: the webhook must never wait on a network geocoder,
and a text message rarely holds a street address anyway.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

import phonenumbers
import sqlalchemy as sa

from support_hub.directory.geocode import GeocoderChain, Place, PlaceNotFound, gazetteer
from support_hub.directory.models import Address, Category, Location, Phone, Schedule, Service
from support_hub.directory.search import (
    Ranking,
    SearchQuery,
    rank_services,
    remote_order,
    shown_distance,
)
from support_hub.extensions import db
from support_hub.sms.keywords import normalise
from support_hub.sms.messages import fit, gsm_fold, phrase, segments

if TYPE_CHECKING:
    from support_hub.sms.conversation import Turn

PER_TEXT = 3
STATE_LIFETIME = timedelta(days=1)
RADIUS_MI = 25.0

# First word(s) of a search -> category, English and Spanish (normalised: upper case, no accents).
CATEGORY_WORDS: dict[str, Category] = {
    "GROUP": Category.SUPPORT_GROUP,
    "GROUPS": Category.SUPPORT_GROUP,
    "SUPPORT": Category.SUPPORT_GROUP,
    "GRUPO": Category.SUPPORT_GROUP,
    "GRUPOS": Category.SUPPORT_GROUP,
    "COUNSELOR": Category.COUNSELING,
    "COUNSELORS": Category.COUNSELING,
    "COUNSELING": Category.COUNSELING,
    "THERAPIST": Category.COUNSELING,
    "CONSEJERO": Category.COUNSELING,
    "CONSEJERIA": Category.COUNSELING,
    "TERAPEUTA": Category.COUNSELING,
    "SOCIAL WORKER": Category.SOCIAL_WORK,
    "SOCIALWORKER": Category.SOCIAL_WORK,
    "TRABAJADOR SOCIAL": Category.SOCIAL_WORK,
    "CHAPLAIN": Category.SPIRITUAL_CARE,
    "CHAPLAINS": Category.SPIRITUAL_CARE,
    "SPIRITUAL": Category.SPIRITUAL_CARE,
    "CAPELLAN": Category.SPIRITUAL_CARE,
    "ESPIRITUAL": Category.SPIRITUAL_CARE,
    "PALLIATIVE": Category.PALLIATIVE_CARE,
    "PALIATIVO": Category.PALLIATIVE_CARE,
    "HOSPICE": Category.HOSPICE,
    "NUTRITION": Category.NUTRITION,
    "NUTRICION": Category.NUTRITION,
    "HELPLINE": Category.HELPLINE,
}
_LINKS = ("NEAR", "IN", "AROUND", "CERCA DE", "CERCA", "EN")
_ZIPLIKE = re.compile(r"^\d{5}(-\d{4})?$")


def parse(text: str) -> tuple[Category | None, str, str | None]:
    """(category, place text, the category word as typed) from a search text."""
    words = normalise(text)
    for size in (2, 1):
        head = " ".join(words.split()[:size])
        if head in CATEGORY_WORDS and len(words.split()) >= size:
            rest = words.split()[size:]
            place = " ".join(rest)
            for link in _LINKS:
                if place.startswith(link + " "):
                    place = place[len(link) + 1 :]
                    break
            return CATEGORY_WORDS[head], place, head
    return None, words, None


def _looks_like_place(place_text: str) -> bool:
    """A ZIP, a "City ST", or a bare city name we know; cheap (no fuzzy matching)."""
    if _ZIPLIKE.match(place_text):
        return True
    if gazetteer().split_state(place_text.lower()) is not None:
        return True
    return " ".join(place_text.lower().split()) in gazetteer().states_by_city


def search(turn: Turn) -> tuple[str, ...] | None:
    """The answer to a text that names a place, or None when it does not look like a search."""
    category, place_text, word = parse(turn.text)
    if category is not None and not place_text:
        return (turn.say("search_needs_place", word=word),)
    place = gazetteer().geocode(place_text)
    if place is None:
        # Fuzzy suggestions cost ~0.1 s: only for texts that are clearly meant as a search.
        if category is None and not _looks_like_place(place_text):
            return None
        try:
            place = GeocoderChain([gazetteer()]).locate(place_text)
        except PlaceNotFound as missing:
            options = " or ".join(missing.suggestions[:2])
            hint = phrase("did_you_mean", turn.person.language).format(options=options)
            return (
                turn.say(
                    "place_not_found",
                    place=_as_typed(place_text)[:40],
                    suggestions=hint if options else "",
                ),
            )
    state = {
        "kind": "search",
        "place": _short_label(place),
        "latitude": place.latitude,
        "longitude": place.longitude,
        "state_code": place.state_code,
        "category": category.value if category else None,
        "page": 1,
    }
    return (_results_text(turn, state),)


def more(turn: Turn) -> tuple[str, ...]:
    """The next three results of the person's search."""
    state = _current_state(turn)
    if state is None:
        return (turn.say("search_expired"),)
    state = {**state, "page": int(state["page"]) + 1}
    return (_results_text(turn, state),)


def details(turn: Turn, choice: int) -> tuple[str, ...]:
    """Where, when and how to reach result `choice` of the last list."""
    state = _current_state(turn)
    if state is None:
        return (turn.say("search_expired"),)
    shown: list[dict[str, Any]] = state.get("shown", [])
    if not 1 <= choice <= len(shown):
        return (turn.say("search_pick", n=max(1, len(shown))),)
    picked = shown[choice - 1]
    service = db.session.get(Service, picked["service_id"])
    if service is None or service.archived_at is not None:
        return (turn.say("search_expired"),)
    location = db.session.get(Location, picked["location_id"]) if picked["location_id"] else None
    language = turn.person.language
    phone = _format_phone(service.phones[0].number if service.phones else None)
    parts = [
        f"{turn.hub}: {service.name}",
        _where_detail(location, language),
        _when(service.schedules),
        phrase("call", language).format(phone=phone) if phone else None,
    ]
    return (fit(". ".join(p.rstrip(".") for p in parts if p) + "."),)


def _current_state(turn: Turn) -> dict[str, Any] | None:
    state = turn.person.conversation
    expires = turn.person.conversation_expires_at
    if not state or state.get("kind") != "search" or expires is None or expires <= turn.now:
        return None
    return state


def _results_text(turn: Turn, state: dict[str, Any]) -> str:
    page = int(state["page"])
    category = Category(state["category"]) if state.get("category") else None
    query = SearchQuery(
        latitude=float(state["latitude"]),
        longitude=float(state["longitude"]),
        radius_mi=RADIUS_MI,
        category=category,
        state_code=state.get("state_code"),
        page=page,
        per_page=PER_TEXT,
        remote_limit=0,
    )
    ranking = rank_services(query)
    remote_mode = ranking.total_local == 0
    if remote_mode:
        # Nothing near: only now ask for the online/phone options (a second, cheap query).
        ranking = rank_services(replace(query, radius_mi=0, remote_limit=PER_TEXT * page))
    language = turn.person.language
    lines = _remote_lines(ranking, page, language) if remote_mode else _local_lines(ranking)
    if not lines:
        if page > 1:
            return turn.say("search_no_more")
        return turn.say("search_nothing", place=state["place"])
    turn.person.conversation = {
        **state,
        "shown": [
            {"service_id": line.service_id, "location_id": line.location_id} for line in lines
        ],
    }
    turn.person.conversation_expires_at = turn.now + STATE_LIFETIME
    if remote_mode:
        header = turn.say("search_none_near", radius=int(RADIUS_MI), place=state["place"])
    else:
        header = turn.say("search_header", place=state["place"])
    total = ranking.total_remote if remote_mode else ranking.total_local
    last_page = total <= page * PER_TEXT
    footer = phrase("search_footer_last" if last_page else "search_footer", language)
    footer = footer.format(n=len(lines))
    return fit_result_lines(header, [line.parts() for line in lines], footer)


@dataclass(frozen=True)
class _Line:
    """One result line's facts: what the text shows, and the ids "1"-"3" look up later."""

    service_id: str
    location_id: str | None
    name: str
    when: str | None
    where: str
    phone: str | None
    distance_mi: float | None

    def parts(self) -> list[str]:
        """[name, when/where, phone, distance]."""
        when_where = ", ".join(p for p in (self.when, self.where) if p)
        distance = f"{self.distance_mi:.1f} mi" if self.distance_mi is not None else ""
        return [self.name, when_where, _format_phone(self.phone) or "", distance]


@dataclass(frozen=True)
class _Listing:
    name: str
    phone: str | None
    when: str | None


# Built once: the same few rows are read on every text search (ids bound per call).
_IDS = sa.bindparam("ids", expanding=True)
# Name, first phone and every schedule of each service in one statement: a row per schedule
# (one or two per listing), the name and phone repeated on each.
_FIRST_PHONE = (
    sa.select(Phone.number)
    .where(Phone.service_id == Service.id)
    .order_by(Phone.id)
    .limit(1)
    .scalar_subquery()
)
_LISTING_LINES = (
    sa.select(
        Service.id,
        Service.name,
        _FIRST_PHONE,
        Schedule.description,
        Schedule.opens_at,
        Schedule.closes_at,
    )
    .outerjoin(Schedule, Schedule.service_id == Service.id)
    .where(Service.id.in_(_IDS))
)
_PLACES = (
    sa.select(Location.id, Location.confidential, Address.city)
    .outerjoin(Address, Address.location_id == Location.id)
    .where(Location.id.in_(_IDS))
)


def _listings(service_ids: set[str]) -> dict[str, _Listing]:
    """Name, first phone and schedule words of each service, in one plain query.

    A line needs three fields; loading whole listings through the ORM (organization, every
    column, the identity map) was most of a text search's time on the webhook. Plain Core on
    the session's connection skips ORM compilation and row processing too.
    """
    if not service_ids:
        return {}
    rows = db.session.connection().execute(_LISTING_LINES, {"ids": sorted(service_ids)})
    names: dict[str, tuple[str, str | None]] = {}
    schedules: dict[str, list[_ScheduleRow]] = defaultdict(list)
    for service_id, name, phone, description, opens_at, closes_at in rows:
        names[service_id] = (name, phone)
        # A service without a schedule gives one row of NULLs, which `_when` passes over.
        schedules[service_id].append(_ScheduleRow(description, opens_at, closes_at))
    return {
        service_id: _Listing(name, phone, _when(schedules[service_id]))
        for service_id, (name, phone) in names.items()
    }


@dataclass(frozen=True)
class _ScheduleRow:
    description: str | None
    opens_at: str | None
    closes_at: str | None


def _cities(location_ids: set[str]) -> dict[str, tuple[bool, str]]:
    """(confidential, the city of its first address or "") for each location."""
    found: dict[str, tuple[bool, str]] = {}
    if not location_ids:
        return found
    rows = db.session.connection().execute(_PLACES, {"ids": sorted(location_ids)})
    for location_id, confidential, city in rows:
        found.setdefault(location_id, (confidential, city or ""))
    return found


def _local_lines(ranking: Ranking) -> list[_Line]:
    listings = _listings({service_id for _, service_id, _ in ranking.local})
    places = _cities({location_id for _, _, location_id in ranking.local})
    lines = []
    for distance, service_id, location_id in ranking.local:
        listing = listings[service_id]
        confidential, city = places[location_id]
        lines.append(
            _Line(
                service_id=service_id,
                location_id=location_id,
                name=listing.name,
                when=listing.when,
                # A confidential place shows no town: "1"-"3" says to call for the place.
                where="" if confidential else city,
                phone=listing.phone,
                distance_mi=shown_distance(distance, confidential),
            )
        )
    return lines


def _remote_lines(ranking: Ranking, page: int, language: str) -> list[_Line]:
    listings = _listings(set(ranking.remote_ids))
    ordered = sorted(
        ranking.remote_ids, key=lambda i: remote_order(i, ranking.state_ids, listings[i].name)
    )
    first = (page - 1) * PER_TEXT
    return [
        _Line(
            service_id=service_id,
            location_id=None,
            name=listings[service_id].name,
            when=listings[service_id].when,
            where=phrase("online", language),
            phone=listings[service_id].phone,
            distance_mi=None,
        )
        for service_id in ordered[first : first + PER_TEXT]
    ]


def fit_result_lines(header: str, parts: list[list[str]], footer: str) -> str:
    """Header, one line per hit, footer, within two segments.

    Phone and distance stay whole; the rest of each line's share of the 306 characters goes to
    the name (about 60%) and when/where, each cut at a word.
    """
    budget = 2 * 153 - len(header) - len(footer) - (len(parts) + 1)
    per_line = budget // max(1, len(parts))
    text = ""
    for squeeze in range(0, 60, 3):
        lines = []
        for number, (name, when_where, *fixed) in enumerate(parts, start=1):
            kept = [f for f in fixed if f]
            flexible = per_line - squeeze - len(f"{number}) ") - 3 * (len(kept) + 1)
            flexible -= sum(len(f) for f in kept)
            name_max = max(10, int(flexible * 0.6))
            fields = [_clip(name, name_max), _clip(when_where, flexible - name_max), *kept]
            lines.append(f"{number}) " + " - ".join(f for f in fields if f))
        text = gsm_fold("\n".join([header, *lines, footer]))
        if segments(text) <= 2:
            return text
    return fit(text)


def _as_typed(place_text: str) -> str:
    """'CAMBRIGE MA' -> 'Cambrige MA': readable again after normalising."""
    words = place_text.split()
    return " ".join(
        w if len(w) == 2 and i == len(words) - 1 else w.title() for i, w in enumerate(words)
    )


def _clip(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut at a word when one ends late enough."""
    if limit < 4:
        return ""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    at_word = cut.rsplit(" ", 1)[0] if " " in cut[limit // 2 :] else cut
    return at_word.rstrip(" ,;:-")


class _ScheduleWords(Protocol):
    description: str | None
    opens_at: str | None
    closes_at: str | None


def _when(schedules: Iterable[_ScheduleWords]) -> str | None:
    """The first schedule's words, else its opening hours."""
    for schedule in schedules:
        if schedule.description:
            return schedule.description
        if schedule.opens_at and schedule.closes_at:
            return f"{schedule.opens_at}-{schedule.closes_at}"
    return None


def _where_detail(location: Location | None, language: str) -> str:
    if location is None:
        return phrase("online", language).capitalize()
    if location.confidential or not location.addresses:
        return phrase("call_for_place", language)
    address = location.addresses[0]
    return f"{address.address_1}, {address.city} {address.state_province}"


def _format_phone(number: str | None) -> str | None:
    if not number:
        return None
    try:
        parsed = phonenumbers.parse(number, "US")
    except phonenumbers.NumberParseException:
        return number
    if parsed.country_code == 1:
        # 617-555-0123: two characters shorter than "(617) 555-0123", and as clear.
        digits = str(parsed.national_number)
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _short_label(place: Place) -> str:
    # "Cambridge, MA 02139" is clear and short; labels from a street address may not be.
    return place.label if len(place.label) <= 40 else place.label[:40]
