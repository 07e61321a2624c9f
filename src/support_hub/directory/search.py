"""Nearby search: active listings around a point, nearest first, plus online/phone options.

How it stays fast at a million listings (measured in `bench/search.py` against the naive scan
and an in-memory floor): an indexed prefilter, then exact ranking in Python (great-circle miles).

* SQLite: a bounding box on the indexed (latitude, longitude) pair, asked in expanding rings
  (the first sized to the directory, 2 miles at a million listings; then wider by how many
  matches the last ring held, up to the radius), so a search in
  a dense city reads a few hundred rows near the point instead of the tens of thousands within
  the whole radius. A ring is enough once it holds as many matches as the page needs: everything
  outside it is farther than everything inside.
* PostgreSQL: a GiST index on `ll_to_earth(latitude, longitude)` (cube + earthdistance, created
  by the migration) walked nearest-first, stopping one past the page; one query, no rings.

Neither counts every match within 25 miles of Manhattan: past the page, totals are "at least"
(`SearchResults.total_is_exact`). A hit is a service at one location: a service with two sites
in range appears once per site.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql.compiler import SQLCompiler

from support_hub.directory.models import (
    Address,
    Audience,
    Category,
    CostKind,
    Delivery,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAreaScope,
    ServiceAtLocation,
    ServiceStatus,
    Specialty,
)
from support_hub.extensions import db

EARTH_RADIUS_MI = 3958.7613  # mean radius (IUGG), the one geopy's great_circle uses
MILES_PER_DEGREE_LAT = EARTH_RADIUS_MI * math.pi / 180
METERS_PER_MILE = 1609.344
MAX_RADIUS_MI = 250.0
MAX_PER_PAGE = 100
# Paging stops here: nobody reads a thousand listings, and deep pages mean reading wide rings.
# (page - 1) * per_page must stay below it.
MAX_COUNTED = 1000
# The first ring holds about as many listings whatever the directory's size: 2 miles at a
# million listings, wider when there are fewer (rows in a ring grow with listings x radius²).
FIRST_RING_MI = 2.0
FIRST_RING_AT_LISTINGS = 1_000_000
REMOTE_DELIVERY = Delivery.ONLINE | Delivery.PHONE


@dataclass(frozen=True)
class SearchQuery:
    """What a person is looking for and where; every filter is optional."""

    latitude: float
    longitude: float
    radius_mi: float = 25.0
    category: Category | None = None
    audience: Audience | None = None
    delivery: Delivery | None = None
    language: str | None = None
    cost: CostKind | None = None
    text: str | None = None
    # Which state's online/phone services apply (national ones always do).
    state_code: str | None = None
    page: int = 1
    per_page: int = 20
    remote_limit: int = 10


# What a search result shows, as plain values read with Core: hydrating the ~200 ORM objects
# of a page (services, organizations, sites, locations, addresses, phones, schedules) cost
# more than finding them. The attribute names are the models', so `present` and the
# templates read either; `Listing.of` turns a loaded `Service` into one for the API.


@dataclass(frozen=True, slots=True)
class ListingOrganization:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class ListingPhone:
    number: str
    extension: str | None
    type: str | None


@dataclass(frozen=True, slots=True)
class ListingSchedule:
    description: str | None
    freq: str | None
    byday: str | None
    opens_at: str | None
    closes_at: str | None


@dataclass(frozen=True, slots=True)
class ListingAddress:
    address_1: str
    address_2: str | None
    city: str
    state_province: str
    postal_code: str


@dataclass(frozen=True, slots=True)
class ListingLocation:
    id: str
    name: str | None
    latitude: float | None
    longitude: float | None
    confidential: bool
    addresses: tuple[ListingAddress, ...]


@dataclass(frozen=True, slots=True)
class Listing:
    """A service as a result (or the API) shows it."""

    id: str
    name: str
    description: str
    organization: ListingOrganization
    category: Category
    specialty: Specialty | None
    audience: Audience
    delivery: Delivery
    cost: CostKind
    application_process: str | None
    fees_description: str | None
    url: str | None
    email: str | None
    assured_date: date | None
    phones: tuple[ListingPhone, ...]
    schedules: tuple[ListingSchedule, ...]
    # Sorted language codes; None when not read (only the JSON API shows them).
    languages: tuple[str, ...] | None

    @classmethod
    def of(cls, service: Service) -> Listing:
        """The listing of a loaded service (with its organization, phones, schedules, languages)."""
        return cls(
            id=service.id,
            name=service.name,
            description=service.description,
            organization=ListingOrganization(service.organization.id, service.organization.name),
            category=service.category,
            specialty=service.specialty,
            audience=service.audience,
            delivery=service.delivery,
            cost=service.cost,
            application_process=service.application_process,
            fees_description=service.fees_description,
            url=service.url,
            email=service.email,
            assured_date=service.assured_date,
            phones=tuple(ListingPhone(p.number, p.extension, p.type) for p in service.phones),
            schedules=tuple(
                ListingSchedule(s.description, s.freq, s.byday, s.opens_at, s.closes_at)
                for s in service.schedules
            ),
            languages=_language_codes(lang.code for lang in service.languages),
        )


def _language_codes(codes: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(sorted({code for code in codes if code}))


@dataclass(frozen=True)
class SearchHit:
    """One result. For a confidential location `distance_mi` is rounded to whole miles."""

    service: Listing
    location: ListingLocation | None
    distance_mi: float | None
    remote: bool
    # For remote hits: "state" (serves the query's state) or "national".
    serves: str | None = None

    @property
    def public_location(self) -> ListingLocation | None:
        """The location when its address and point may be shown publicly, else None."""
        if self.location is None or self.location.confidential:
            return None
        return self.location


@dataclass(frozen=True)
class SearchResults:
    local: list[SearchHit]
    remote: list[SearchHit]
    total_local: int
    page: int
    per_page: int
    # Counting every match within 25 miles of Manhattan at a million listings would cost more
    # than the search, so when the rings stopped short of the radius, total_local counts only
    # the matches inside the last ring: "at least this many" (total_is_exact False).
    total_is_exact: bool = True
    total_remote: int = 0
    rings: list[float] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total_local / self.per_page))


def miles_between(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in miles (haversine; exact for a sphere, 0.5% from the ellipsoid)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MI * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lng: float, radius_mi: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) degrees that contain every point within radius_mi."""
    dlat = radius_mi / MILES_PER_DEGREE_LAT
    south, north = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    widest = max(abs(south), abs(north))
    if widest >= 89.9:
        return south, north, -180.0, 180.0
    # Longitude degrees shrink towards the poles: size the box at its pole-most edge.
    dlng = dlat / math.cos(math.radians(widest))
    west, east = lng - dlng, lng + dlng
    if west < -180.0 or east > 180.0:
        # Crossing the antimeridian (the Aleutians): the full width is simple and still correct.
        west, east = -180.0, 180.0
    return south, north, west, east


def _like(word: str) -> str:
    escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class _NoIndex(sa.sql.functions.GenericFunction[Any]):
    """A column SQLite must not drive a search from (its unary '+', the documented way)."""

    name = "no_index"
    inherit_cache = True


@compiles(_NoIndex)
def _no_index_default(element: _NoIndex, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(_NoIndex, "sqlite")
def _no_index_sqlite(element: _NoIndex, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + str(compiler.process(element.clauses, **kw))


def service_filters(query: SearchQuery) -> list[sa.ColumnElement[bool]]:
    """WHERE conditions on Service shared by local and remote results."""

    def column(col: Any) -> Any:
        # Searches start from the location or service-area index. Without statistics SQLite's
        # planner prefers the (status, category) index and reads every active service instead
        # (300 ms at 100k listings).
        return _NoIndex(col, type_=col.type)

    conditions: list[sa.ColumnElement[bool]] = [
        column(Service.status) == ServiceStatus.ACTIVE,
        Service.archived_at.is_(None),
    ]
    if query.category is not None:
        conditions.append(column(Service.category) == query.category)
    # Flags match when the service has ANY of the asked-for members ("caregivers or family").
    for column, wanted in (
        (Service.audience, query.audience),
        (Service.cost, query.cost),
    ):
        if wanted:
            conditions.append(column.op("&", return_type=sa.Integer)(wanted.value) != 0)
    if query.language:
        conditions.append(
            sa.exists().where(
                Language.service_id == Service.id, Language.code == query.language.lower()
            )
        )
    if query.text and query.text.strip():
        for word in query.text.split()[:6]:
            pattern = _like(word)
            conditions.append(
                sa.or_(
                    sa.func.lower(Service.name).like(pattern, escape="\\"),
                    sa.func.lower(Service.description).like(pattern, escape="\\"),
                    sa.func.lower(Organization.name).like(pattern, escape="\\"),
                )
            )
    return conditions


def _shape(query: SearchQuery) -> SearchQuery:
    """The query with only what shapes a statement left: its filters.

    The point, radius, state, page and limits are bound per call, so each statement is built
    once per set of filters (building one cost as much as running it).
    """
    return replace(
        query, latitude=0.0, longitude=0.0, radius_mi=0.0, state_code=None, page=1, per_page=1,
        remote_limit=0,
    )  # fmt: skip


def _local_select(query: SearchQuery, *, box: bool) -> sa.Select[tuple[str, str, float, float]]:
    """Local candidates passing the filters; with a box, inside :south/:north/:west/:east."""
    return _local_statement(_shape(query), box)


@functools.lru_cache(maxsize=256)
def _local_statement(query: SearchQuery, box: bool) -> sa.Select[tuple[str, str, float, float]]:
    stmt = (
        sa.select(
            ServiceAtLocation.service_id,
            Location.id,
            Location.latitude,
            Location.longitude,
        )
        .join(ServiceAtLocation, ServiceAtLocation.location_id == Location.id)
        .join(Service, Service.id == ServiceAtLocation.service_id)
        .where(*service_filters(query))
    )
    if box:
        # Bound parameters, so each ring re-executes one statement with a new box.
        stmt = stmt.where(
            Location.latitude.between(sa.bindparam("south"), sa.bindparam("north")),
            Location.longitude.between(sa.bindparam("west"), sa.bindparam("east")),
        )
    if query.delivery:
        # Asked for in-person (search_services asks locally only then): the service must say so.
        in_person = Delivery.IN_PERSON.value
        stmt = stmt.where(Service.delivery.op("&", return_type=sa.Integer)(in_person) != 0)
    if query.text and query.text.strip():
        stmt = stmt.join(Organization, Organization.id == Service.organization_id)
    return stmt


def _limit() -> sa.BindParameter[int]:
    """A LIMIT written into the SQL, not bound: a statement PostgreSQL has prepared then keeps
    one generic plan per page size instead of planning every call again (an unknown LIMIT made
    its generic plan look dearer than planning afresh: 0.4 ms a search)."""
    return sa.bindparam("limit", type_=sa.Integer, literal_execute=True)


@functools.lru_cache(maxsize=256)
def _earth_statement(shape: SearchQuery) -> sa.Select[tuple[str, str, float, float]]:
    """The nearest-first walk for these filters; the point and box are bound."""
    here = sa.func.ll_to_earth(
        sa.bindparam("latitude", type_=sa.Float), sa.bindparam("longitude", type_=sa.Float)
    )
    point = sa.func.ll_to_earth(Location.latitude, Location.longitude)
    box = sa.func.earth_box(here, sa.bindparam("box_m", type_=sa.Float))
    return (
        _local_statement(shape, False)
        .where(box.op("@>", is_comparison=True)(point))
        .order_by(point.op("<->", return_type=sa.Float)(here))
        .limit(_limit())
    )


def _nearest_by_earth_index(
    query: SearchQuery, needed: int
) -> tuple[list[tuple[float, str, str]], bool]:
    """PostgreSQL: walk the GiST index on ll_to_earth() nearest-first and stop at needed + 1.

    Cube distance (a chord through the earth) grows with great-circle distance, so the index
    order is the distance order. The earth_box (1% wider: earthdistance's sphere is a little
    bigger than ours) bounds the walk when filters leave few matches. Returns the matches and
    whether that is all of them within the radius.
    """
    params = {
        "latitude": query.latitude,
        "longitude": query.longitude,
        "box_m": query.radius_mi * METERS_PER_MILE * 1.01,
        "limit": needed + 1,
    }
    rows = db.session.connection().execute(_earth_statement(_shape(query)), params)
    found = []
    for service_id, location_id, lat, lng in rows:
        distance = miles_between(query.latitude, query.longitude, lat, lng)
        if distance <= query.radius_mi:
            found.append((distance, service_id, location_id))
    found.sort()
    return found, len(found) <= needed


def first_ring_mi(listings: int, radius_mi: float) -> float:
    """The first ring's radius for a directory of this many located listings."""
    scale = math.sqrt(FIRST_RING_AT_LISTINGS / max(1, listings))
    return min(radius_mi, max(FIRST_RING_MI, FIRST_RING_MI * scale))


# How long one process trusts its count of located listings: it only sizes the first ring (a
# speed guess, never a correctness matter), and directories grow by hundreds a day at most.
_LOCATED_COUNT_SECONDS = 60.0
_located_count: tuple[float, str, int] | None = None  # (monotonic time, database URL, count)


def _located_listings() -> int:
    """About how many locations there are: SQLite's largest rowid (one b-tree step, no scan),
    read at most once a minute per process and database."""
    global _located_count
    url = str(db.session.get_bind().engine.url)
    now = time.monotonic()
    if _located_count is not None:
        read_at, read_from, count = _located_count
        if read_from == url and now - read_at < _LOCATED_COUNT_SECONDS:
            return count
    count = int(
        db.session.scalar(sa.select(sa.func.max(sa.literal_column("rowid"))).select_from(Location))
        or 0
    )
    _located_count = (now, url, count)
    return count


def nearest_in_rings(
    query: SearchQuery, needed: int, first_ring: float
) -> tuple[list[tuple[float, str, str]], float, list[float]]:
    """(distance, service_id, location_id) within the radius, nearest first, at least `needed`.

    Also returns the last ring's radius and every ring asked.
    """
    radius = query.radius_mi
    ring = min(first_ring, radius)
    rings: list[float] = []
    stmt = _local_select(query, box=True)
    connection = db.session.connection()
    while True:
        rings.append(ring)
        south, north, west, east = bounding_box(query.latitude, query.longitude, ring)
        box = {"south": south, "north": north, "west": west, "east": east}
        rows = connection.execute(stmt, box).all()
        found = []
        for service_id, location_id, lat, lng in rows:
            distance = miles_between(query.latitude, query.longitude, lat, lng)
            if distance <= ring:
                found.append((distance, service_id, location_id))
        if len(found) >= needed or ring >= radius:
            found.sort()
            return found, ring, rings
        # Matches grow with the ring's area: aim for the needed count with a margin, at least
        # doubling (and quadrupling past an empty ring) so sparse places take few round trips.
        growth = 4.0 if not found else max(2.0, 1.25 * math.sqrt(needed / len(found)))
        ring = min(radius, ring * growth)


def _id_in(column: sa.ColumnElement[str], postgresql: bool) -> sa.ColumnElement[bool]:
    """`column IN :ids`; on PostgreSQL `= ANY(:ids)`, one array parameter: rendering and
    binding a cast placeholder per id cost more than the rest of the statement's overhead."""
    if postgresql:
        return column == sa.any_(sa.bindparam("ids", type_=ARRAY(sa.String)))
    return column.in_(sa.bindparam("ids", expanding=True))


def _is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


# Joins a service's language codes in one value: ASCII's unit separator, which no code holds.
_CODE_SEPARATOR = "\x1f"


@functools.lru_cache(maxsize=4)
def _listings_statement(languages: bool, postgresql: bool) -> sa.Select[Any]:
    """The services named by :ids with what a result shows, one row per phone x schedule.

    One joined statement, not one per table: a listing has one or two phones and schedules,
    and each statement costs a round trip and a plan. Languages, only for the JSON API, come
    joined into one value by a correlated subquery, so they do not multiply the rows.
    """
    columns: list[Any] = [
        Service.id, Service.name, Service.description, Service.category, Service.specialty,
        Service.audience, Service.delivery, Service.cost, Service.application_process,
        Service.fees_description, Service.url, Service.email, Service.assured_date,
        Organization.id.label("organization_id"), Organization.name.label("organization_name"),
        Phone.id.label("phone_id"), Phone.number, Phone.extension, Phone.type,
        Schedule.id.label("schedule_id"), Schedule.description.label("schedule_description"),
        Schedule.freq, Schedule.byday, Schedule.opens_at, Schedule.closes_at,
    ]  # fmt: skip
    if languages:
        codes = sa.select(sa.func.aggregate_strings(Language.code, _CODE_SEPARATOR)).where(
            Language.service_id == Service.id
        )
        columns.append(codes.scalar_subquery().label("codes"))
    return (
        sa.select(*columns)
        .join(Organization, Organization.id == Service.organization_id)
        .outerjoin(Phone, Phone.service_id == Service.id)
        .outerjoin(Schedule, Schedule.service_id == Service.id)
        .where(_id_in(Service.id, postgresql))
    )


def _load_listings(ids: set[str], *, languages: bool) -> dict[str, Listing]:
    """The page's listings by id, in one statement."""
    if not ids:
        return {}
    firsts: dict[str, sa.Row[Any]] = {}
    phones: dict[str, dict[str, ListingPhone]] = {}
    schedules: dict[str, dict[str, ListingSchedule]] = {}
    statement = _listings_statement(languages, _is_postgresql())
    for row in db.session.connection().execute(statement, {"ids": sorted(ids)}):
        if row.id not in firsts:
            firsts[row.id], phones[row.id], schedules[row.id] = row, {}, {}
        # A listing's phones and schedules in the order rows bring them, each once.
        if row.phone_id is not None and row.phone_id not in phones[row.id]:
            phones[row.id][row.phone_id] = ListingPhone(row.number, row.extension, row.type)
        if row.schedule_id is not None and row.schedule_id not in schedules[row.id]:
            schedules[row.id][row.schedule_id] = ListingSchedule(
                row.schedule_description, row.freq, row.byday, row.opens_at, row.closes_at
            )
    return {
        service_id: Listing(
            id=service_id,
            name=row.name,
            description=row.description,
            organization=ListingOrganization(row.organization_id, row.organization_name),
            category=row.category,
            specialty=row.specialty,
            audience=row.audience,
            delivery=row.delivery,
            cost=row.cost,
            application_process=row.application_process,
            fees_description=row.fees_description,
            url=row.url,
            email=row.email,
            assured_date=row.assured_date,
            phones=tuple(phones[service_id].values()),
            schedules=tuple(schedules[service_id].values()),
            languages=_language_codes((row.codes or "").split(_CODE_SEPARATOR))
            if languages
            else None,
        )
        for service_id, row in firsts.items()
    }


@functools.lru_cache(maxsize=2)
def _locations_statement(postgresql: bool) -> sa.Select[Any]:
    """The locations named by :ids with their addresses, a row per address."""
    return (
        sa.select(
            Location.id, Location.name, Location.latitude, Location.longitude,
            Location.confidential, Address.id.label("address_id"), Address.address_1,
            Address.address_2, Address.city, Address.state_province, Address.postal_code,
        )
        .outerjoin(Address, Address.location_id == Location.id)
        .where(_id_in(Location.id, postgresql))
    )  # fmt: skip


def _load_locations(ids: set[str]) -> dict[str, ListingLocation]:
    """The page's locations by id, each with its addresses, in one statement."""
    if not ids:
        return {}
    firsts: dict[str, sa.Row[Any]] = {}
    addresses: dict[str, list[ListingAddress]] = {}
    statement = _locations_statement(_is_postgresql())
    for row in db.session.connection().execute(statement, {"ids": sorted(ids)}):
        if row.id not in firsts:
            firsts[row.id], addresses[row.id] = row, []
        if row.address_id is not None:
            addresses[row.id].append(
                ListingAddress(
                    row.address_1, row.address_2, row.city, row.state_province, row.postal_code
                )
            )
    return {
        location_id: ListingLocation(
            location_id,
            row.name,
            row.latitude,
            row.longitude,
            row.confidential,
            tuple(addresses[location_id]),
        )
        for location_id, row in firsts.items()
    }


def _remote(query: SearchQuery) -> tuple[list[str], set[str], int]:
    """Ids of online/phone services that serve the place: the state's first, then national.

    Each scope is read in service-area index order (service id: arbitrary but stable), so the
    cost does not grow with how many online services a state has; the few chosen are then
    shown by name. The count stops one past `remote_limit` per scope ("more than shown").
    """
    wanted = REMOTE_DELIVERY if query.delivery is None else query.delivery & REMOTE_DELIVERY
    if not wanted or query.remote_limit <= 0:
        return [], set(), 0
    params: dict[str, Any] = {"limit": query.remote_limit + 1}
    if query.state_code:
        params["state_code"] = query.state_code.upper()
    stmt = _remote_statement(_shape(query), bool(query.state_code))
    rows = db.session.connection().execute(stmt, params).all()
    ids: list[str] = []
    state_ids: set[str] = set()
    for rank, service_id in rows:
        if service_id not in ids:
            ids.append(service_id)
        if rank == 0 and query.state_code:
            state_ids.add(service_id)
    return ids, state_ids, len(rows)


@functools.lru_cache(maxsize=256)
def _remote_statement(shape: SearchQuery, in_state: bool) -> sa.CompoundSelect:
    """Both scopes' online/phone services for these filters in one round trip (rank 0: the
    state's, bound as :state_code; rank 1: national), each stopping at the limit."""
    wanted = REMOTE_DELIVERY if shape.delivery is None else shape.delivery & REMOTE_DELIVERY
    scopes: list[sa.ColumnElement[bool]] = [
        sa.and_(ServiceArea.scope == ServiceAreaScope.NATIONAL, ServiceArea.state_code.is_(None))
    ]
    if in_state:
        scopes.insert(
            0,
            sa.and_(
                ServiceArea.scope == ServiceAreaScope.STATE,
                ServiceArea.state_code == sa.bindparam("state_code", type_=sa.String),
            ),
        )
    parts = []
    for rank, covers in enumerate(scopes):
        part = (
            sa.select(sa.literal(rank).label("rank"), ServiceArea.service_id.label("service_id"))
            .join(Service, Service.id == ServiceArea.service_id)
            .where(
                covers,
                Service.delivery.op("&", return_type=sa.Integer)(wanted.value) != 0,
                *service_filters(shape),
            )
        )
        if shape.text and shape.text.strip():
            part = part.join(Organization, Organization.id == Service.organization_id)
        limited = part.order_by(ServiceArea.service_id).limit(_limit()).subquery()
        parts.append(sa.select(limited.c.rank, limited.c.service_id))
    return sa.union_all(*parts)


@dataclass(frozen=True)
class Ranking:
    """What a search found before any listing is loaded: ids in order, distances and counts."""

    # (distance_mi, service_id, location_id) for the asked-for page, nearest first.
    local: list[tuple[float, str, str]]
    # Online/phone services serving the place (at most remote_limit), not yet in shown order:
    # that order needs their names (`remote_order`).
    remote_ids: list[str]
    state_ids: set[str]
    total_local: int
    total_is_exact: bool
    total_remote: int
    rings: list[float]
    page: int
    per_page: int


def rank_services(query: SearchQuery) -> Ranking:
    """The ids `search_services` would show, without loading a listing (for lean callers: SMS)."""
    page = max(1, query.page)
    per_page = max(1, min(MAX_PER_PAGE, query.per_page))
    radius = max(0.0, min(MAX_RADIUS_MI, query.radius_mi))
    query = replace(query, page=page, per_page=per_page, radius_mi=radius)

    chosen: list[tuple[float, str, str]] = []
    total, exact, rings = 0, True, []
    wants_local = query.delivery is None or Delivery.IN_PERSON in query.delivery
    if radius > 0 and wants_local and (page - 1) * per_page < MAX_COUNTED:
        if _is_postgresql():
            found, exact = _nearest_by_earth_index(query, page * per_page)
        else:
            first_ring = first_ring_mi(_located_listings(), radius)
            found, ring, rings = nearest_in_rings(query, page * per_page, first_ring)
            # When the rings stopped short of the radius the rest were not counted: "at least".
            exact = ring >= radius
        total = len(found)
        chosen = found[(page - 1) * per_page : page * per_page]
    remote_ids, state_ids, total_remote = _remote(query)
    # A service met in person nearby (and also online) is listed once, with its distance.
    shown_locally = {service_id for _, service_id, _ in chosen}
    remote_ids = [i for i in remote_ids if i not in shown_locally][: query.remote_limit]
    return Ranking(
        local=chosen,
        remote_ids=remote_ids,
        state_ids=state_ids,
        total_local=total,
        total_is_exact=exact,
        total_remote=total_remote,
        rings=rings,
        page=page,
        per_page=per_page,
    )


def shown_distance(distance_mi: float, confidential: bool) -> float:
    """The distance a result may show: whole miles for a confidential place (never its point)."""
    return float(max(1, round(distance_mi))) if confidential else round(distance_mi, 2)


def remote_order(service_id: str, state_ids: set[str], name: str) -> tuple[bool, str]:
    """Sort key for remote results: the state's own services first, then by name."""
    return (service_id not in state_ids, name.lower())


def search_services(query: SearchQuery, *, with_languages: bool = False) -> SearchResults:
    """Active listings near the query point, nearest first, and the online/phone ones serving it.

    `with_languages`: also load each listing's languages (the JSON API shows them; pages don't).
    """
    ranking = rank_services(query)
    # One load for both lists: a round trip and a plan fewer.
    services = _load_listings(
        {s for _, s, _ in ranking.local} | set(ranking.remote_ids), languages=with_languages
    )
    locations = _load_locations({location_id for _, _, location_id in ranking.local})
    # A listing or place deleted between the ranking and the load (another request's commit:
    # each statement reads its own snapshot) is left out of this page, not a failed request.
    local: list[SearchHit] = []
    for distance, service_id, location_id in ranking.local:
        listing, location = services.get(service_id), locations.get(location_id)
        if listing is None or location is None:
            continue
        local.append(
            SearchHit(
                listing,
                location,
                shown_distance(distance, location.confidential),
                remote=False,
            )
        )
    remote_ids = sorted(
        (i for i in ranking.remote_ids if i in services),
        key=lambda i: remote_order(i, ranking.state_ids, services[i].name),
    )
    remote = [
        SearchHit(
            services[i],
            None,
            None,
            remote=True,
            serves="state" if i in ranking.state_ids else "national",
        )
        for i in remote_ids
    ]
    return SearchResults(
        local=local,
        remote=remote,
        total_local=ranking.total_local,
        page=ranking.page,
        per_page=ranking.per_page,
        total_is_exact=ranking.total_is_exact,
        total_remote=ranking.total_remote,
        rings=ranking.rings,
    )


def get_public_service(service_id: str) -> Service | None:
    """One active, non-archived service with everything its detail page shows, or None."""
    return db.session.scalar(
        sa.select(Service)
        .where(Service.id == service_id, *service_filters(SearchQuery(0.0, 0.0)))
        .options(
            selectinload(Service.organization),
            selectinload(Service.phones),
            selectinload(Service.schedules),
            selectinload(Service.languages),
            selectinload(Service.service_areas),
            selectinload(Service.cost_options),
            selectinload(Service.service_at_locations)
            .selectinload(ServiceAtLocation.location)
            .selectinload(Location.addresses),
            selectinload(Service.service_at_locations)
            .selectinload(ServiceAtLocation.location)
            .selectinload(Location.accessibility),
        )
    )


def national_helplines(limit: int = 5) -> list[Service]:
    """Active national helplines: what an empty search offers instead of nothing."""
    return list(
        db.session.scalars(
            sa.select(Service)
            .join(ServiceArea, ServiceArea.service_id == Service.id)
            .where(
                ServiceArea.scope == ServiceAreaScope.NATIONAL,
                Service.category == Category.HELPLINE,
                *service_filters(SearchQuery(0.0, 0.0)),
            )
            .order_by(Service.name)
            .limit(limit)
            .options(selectinload(Service.phones), joinedload(Service.organization))
        ).unique()
    )
