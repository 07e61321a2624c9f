"""Read side of the HSDS API: filtered, paginated queries that return HSDS records.

Only public listings are served: services that are active and not archived (and what hangs off
them). Every list is paginated in SQL, then the page's rows are loaded with `selectinload`, so a
page costs a fixed number of queries however many records it holds. Lists are ordered by id
(service_at_locations by service, then location): stable for clients that page through
everything, and walked in index order (`ix_service_status_archived_at_id`) at any size.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
import zipcodes
from geopy.distance import great_circle
from sqlalchemy.orm import selectinload

from support_hub.directory import hsds
from support_hub.directory.models import (
    Attribute,
    Audience,
    CareSetting,
    Category,
    CostKind,
    Delivery,
    Location,
    Organization,
    Phone,
    Service,
    ServiceArea,
    ServiceAreaScope,
    ServiceAtLocation,
    ServiceStatus,
    Specialty,
    Taxonomy,
    TaxonomyTerm,
    search_text,
)
from support_hub.extensions import db

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
# `minimal` asks for every service in one call; two columns a row make a big page cheap.
MAX_MINIMAL_PER_PAGE = 10_000
STREAM_BATCH = 200
METERS_PER_DEGREE_LATITUDE = 111_320.0
_Row = TypeVar("_Row")


class QueryError(ValueError):
    """A query the caller can fix (an unknown postcode, ...); the message says how."""


@dataclass(frozen=True)
class PageRequest:
    """Which page (from 1) and how many records per page."""

    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass
class Page:
    """One page of records and the totals the HSDS `Page` wrapper reports."""

    contents: list[dict[str, Any]]
    total_items: int
    request: PageRequest

    def as_hsds(self) -> dict[str, Any]:
        """The HSDS `Page` object (openapi `components.schemas.Page`) with `contents`."""
        total_pages = math.ceil(self.total_items / self.request.per_page)
        return {
            "total_items": self.total_items,
            "total_pages": total_pages,
            "page_number": self.request.page,
            "size": len(self.contents),
            "first_page": self.request.page == 1,
            "last_page": self.request.page >= total_pages,
            "empty": not self.contents,
            "contents": self.contents,
        }


@dataclass(frozen=True)
class ServiceFilter:
    """The HSDS filters on services (also applied to service_at_locations through their service)."""

    search: str | None = None
    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None
    organization_id: str | None = None
    modified_after: datetime | None = None


@dataclass(frozen=True)
class Place:
    """Where a `postcode` (and optional `proximity` in meters) asks about."""

    postcode: str
    state: str
    latitude: float
    longitude: float
    proximity_m: float | None = None


@dataclass(frozen=True)
class TermFilter:
    """The HSDS filters on taxonomy terms."""

    search: str | None = None
    taxonomy_id: str | None = None
    parent_id: str | None = None
    top_only: bool = False


def public_services() -> sa.ColumnElement[bool]:
    """The listings the public may see: active and not archived."""
    return sa.and_(Service.status == ServiceStatus.ACTIVE, Service.archived_at.is_(None))


def _contains(column: Any, text: str) -> sa.ColumnElement[bool]:
    # NULL never matches; `search_text` is the expression the trigram indexes hold (models.py).
    return search_text(column).contains(text.lower(), autoescape=True)


_FLAG_COLUMNS: dict[type, Any] = {
    Audience: Service.audience,
    Delivery: Service.delivery,
    CostKind: Service.cost,
    CareSetting: Service.care_settings,
}
_FACET_COLUMNS: dict[str, Any] = {
    "audience": Service.audience,
    "delivery": Service.delivery,
    "cost": Service.cost,
    "care_setting": Service.care_settings,
}


def _vocabulary_condition(term: hsds.VocabularyTerm) -> sa.ColumnElement[bool]:
    """Services described by one of our own terms: a test on the typed column it stands for."""
    member = term.member
    if term is hsds.CONFIDENTIAL_TERM:
        return Service.id.in_(
            sa.select(ServiceAtLocation.service_id)
            .join(Location, Location.id == ServiceAtLocation.location_id)
            .where(Location.confidential.is_(True))
        )
    if isinstance(member, Category):
        return Service.category == member
    if isinstance(member, Specialty):
        return Service.specialty == member
    if member is not None:
        column = _FLAG_COLUMNS[type(member)]
        return sa.type_coerce(column, sa.Integer).op("&")(member.value) != 0
    # A facet's root term: services with any value in that facet.
    if term.facet == "category":
        return sa.true()
    if term.facet == "specialty":
        return Service.specialty.is_not(None)
    return sa.type_coerce(_FACET_COLUMNS[term.facet], sa.Integer) != 0


def _search_condition(search: str) -> sa.ColumnElement[bool]:
    text = search.strip()
    columns = (Service.name, Service.alternate_name, Service.description)
    return sa.or_(*[_contains(column, text) for column in columns])


def service_conditions(filters: ServiceFilter) -> list[sa.ColumnElement[bool]]:
    """SQL conditions on `Service` for the HSDS service filters (public listings only)."""
    conditions = [public_services()]
    if filters.search:
        conditions.append(_search_condition(filters.search))
    if filters.taxonomy_term_id:
        term = hsds.VOCABULARY_BY_ID.get(filters.taxonomy_term_id)
        if term is not None:
            conditions.append(_vocabulary_condition(term))
        else:
            conditions.append(
                Service.id.in_(
                    sa.select(Attribute.link_id).where(
                        Attribute.taxonomy_term_id == filters.taxonomy_term_id,
                        Attribute.link_entity == "service",
                    )
                )
            )
    if filters.taxonomy_id and filters.taxonomy_id != hsds.SUPPORT_HUB_TAXONOMY_ID:
        # Every service has a support_hub category, so our own taxonomy filters nothing out.
        conditions.append(
            Service.id.in_(
                sa.select(Attribute.link_id)
                .join(TaxonomyTerm, TaxonomyTerm.id == Attribute.taxonomy_term_id)
                .where(
                    TaxonomyTerm.taxonomy_id == filters.taxonomy_id,
                    Attribute.link_entity == "service",
                )
            )
        )
    if filters.organization_id:
        conditions.append(Service.organization_id == filters.organization_id)
    if filters.modified_after is not None:
        conditions.append(Service.last_modified >= filters.modified_after)
    return conditions


# Counting a million services takes PostgreSQL 100 ms or more, and a crawler asks on every page.
# Totals that large are kept for a minute in each process (a directory grows by hundreds of
# listings a day, not thousands a minute); smaller ones are counted exactly every time.
CACHED_TOTAL_FROM = 10_000
CACHED_TOTAL_SECONDS = 60.0
_totals: dict[tuple[str, str, str], tuple[float, int]] = {}


def _count(statement: sa.Select[Any] | sa.CompoundSelect) -> int:
    """How many rows `statement` gives (see CACHED_TOTAL_FROM for when it may be a minute old)."""
    counting = sa.select(sa.func.count()).select_from(statement.subquery())
    bind = db.session.get_bind()
    compiled = counting.compile(bind=bind)
    key = (str(bind.engine.url), str(compiled), repr(sorted(compiled.params.items())))
    now = time.monotonic()
    kept = _totals.get(key)
    if kept is not None and now - kept[0] < CACHED_TOTAL_SECONDS:
        return kept[1]
    total = db.session.scalar(counting) or 0
    if total >= CACHED_TOTAL_FROM:
        if len(_totals) >= 1000:  # many different filters: start again rather than grow
            _totals.clear()
        _totals[key] = (now, total)
    return total


def _page_of_ids(
    statement: sa.Select[Any], order_by: Sequence[Any], request: PageRequest
) -> tuple[int, list[str]]:
    total = _count(statement)
    ids = list(
        db.session.scalars(
            statement.order_by(*order_by).limit(request.per_page).offset(request.offset)
        )
    )
    return total, ids


def _in_order(rows: Sequence[_Row], ids: Sequence[str]) -> list[_Row]:
    by_id = {row.id: row for row in rows}  # type: ignore[attr-defined]
    return [by_id[item] for item in ids if item in by_id]


def _load_services(ids: Sequence[str], *, full: bool) -> list[Service]:
    options = hsds.full_service_options() if full else [selectinload(Service.organization)]
    rows = [
        row
        for chunk in hsds.chunked(ids)
        for row in db.session.scalars(
            sa.select(Service).where(Service.id.in_(chunk)).options(*options)
        )
    ]
    return _in_order(rows, ids)


# --- services ----------------------------------------------------------------------------------


def list_services(
    filters: ServiceFilter, request: PageRequest, *, full: bool = False, minimal: bool = False
) -> Page:
    """A page of public services: list shape, fully nested (`full`), or id + last_modified."""
    conditions = service_conditions(filters)
    if minimal:
        total = _count(sa.select(Service.id).where(*conditions))
        rows = db.session.execute(
            sa.select(Service.id, Service.last_modified)
            .where(*conditions)
            .order_by(Service.id)
            .limit(request.per_page)
            .offset(request.offset)
        ).all()
        contents = [
            {"id": row.id, "last_modified": hsds.format_datetime(row.last_modified)} for row in rows
        ]
        return Page(contents, total, request)
    # Equivalent orders; with one organization, naming it first steers SQLite to that index.
    order = (Service.organization_id, Service.id) if filters.organization_id else (Service.id,)
    total, ids = _page_of_ids(sa.select(Service.id).where(*conditions), order, request)
    services = _load_services(ids, full=full)
    if full:
        return Page(hsds.services_with_records(services, public=True), total, request)
    return Page([hsds.service_summary(service) for service in services], total, request)


def get_service(service_id: str) -> dict[str, Any] | None:
    """One public service, fully nested; None when there is no such public listing."""
    service = db.session.scalar(
        sa.select(Service)
        .where(Service.id == service_id, public_services())
        .options(*hsds.full_service_options())
    )
    if service is None:
        return None
    return hsds.services_with_records([service], public=True)[0]


# --- service_at_locations ----------------------------------------------------------------------


def lookup_postcode(postcode: str, proximity: str | None) -> Place:
    """A US ZIP code's centroid and state (offline), with an optional radius in meters."""
    code = postcode.strip()[:5]
    try:
        matches = zipcodes.matching(code) if code.isdigit() and len(code) == 5 else []
    except (TypeError, ValueError):
        matches = []
    if not matches:
        raise QueryError(f"postcode {postcode!r} is not a US ZIP code we know")
    meters: float | None = None
    if proximity is not None:
        try:
            meters = float(proximity)
        except ValueError:
            meters = -1.0
        if not (0 < meters <= 500_000):
            raise QueryError("proximity is a distance in meters, more than 0 and at most 500000")
    match = matches[0]
    return Place(code, match["state"], float(match["lat"]), float(match["long"]), meters)


def _area_conditions(place: Place) -> list[sa.ColumnElement[bool]]:
    """HSDS: when a service has service areas, the postcode must fall in one of them."""
    covered_services = sa.select(ServiceArea.service_id).where(
        sa.or_(
            ServiceArea.scope == ServiceAreaScope.NATIONAL,
            sa.and_(
                ServiceArea.scope == ServiceAreaScope.STATE,
                ServiceArea.state_code == place.state,
            ),
        )
    )
    return [
        sa.or_(
            ~sa.exists().where(ServiceArea.service_id == Service.id),
            Service.id.in_(covered_services),
        )
    ]


def list_service_at_locations(
    filters: ServiceFilter,
    request: PageRequest,
    *,
    full: bool = False,
    place: Place | None = None,
) -> Page:
    """A page of public service_at_locations (list shape, or fully nested with `full`).

    With a `place` the postcode must fall in the service's areas (if it has any); with a
    proximity too, results are the non-confidential locations within it, nearest first.
    """
    if place is not None and place.proximity_m is not None:
        total, ids = _nearby(filters, place, request)
    else:
        conditions = service_conditions(_unsearched(filters))
        if place is not None:
            conditions += _area_conditions(place)
        if filters.search:
            total, ids = _searched_links(conditions, filters.search, request)
        else:
            # Service, then location: walks the public-service index in order, no sort of the set.
            statement = sa.select(ServiceAtLocation.id).join(
                Service, Service.id == ServiceAtLocation.service_id
            )
            total, ids = _page_of_ids(statement.where(*conditions), _LINK_ORDER, request)
    links = _load_links(ids, full=full)
    contents = _link_records(links) if full else [_link_summary(link) for link in links]
    return Page(contents, total, request)


_LINK_ORDER = (Service.id, ServiceAtLocation.location_id)


def _unsearched(filters: ServiceFilter) -> ServiceFilter:
    return ServiceFilter(**{**filters.__dict__, "search": None})


def _searched_links(
    conditions: Sequence[sa.ColumnElement[bool]], search: str, request: PageRequest
) -> tuple[int, list[str]]:
    """A page of the links passing `conditions` whose service's text or place's name holds `search`.

    Search also matches the place's name: "civic center" finds what happens there. One arm per
    table: an OR across the join would keep PostgreSQL from either table's trigram index and
    walk every listing. The place's arm leaves out what the service's finds, so the two add up
    without a de-duplication of every match. Each arm stops at the page's end in link order.
    """
    statement = (
        sa.select(
            ServiceAtLocation.id, Service.id.label("service_id"), ServiceAtLocation.location_id
        )
        .join(Service, Service.id == ServiceAtLocation.service_id)
        .where(*conditions)
    )
    by_text = _search_condition(search)
    by_service = statement.where(by_text)
    by_place = statement.join(Location, Location.id == ServiceAtLocation.location_id).where(
        _contains(Location.name, search.strip()),
        # NULL (no alternate name) is "no match" here as in the service's arm.
        sa.not_(sa.func.coalesce(by_text, sa.false())),
    )
    total = _count(sa.union_all(by_service, by_place))
    end = request.offset + request.per_page
    arms = [arm.order_by(*_LINK_ORDER).limit(end).subquery() for arm in (by_service, by_place)]
    page = sa.union_all(*[sa.select(arm) for arm in arms]).subquery()
    ids = db.session.scalars(
        sa.select(page.c.id)
        .order_by(page.c.service_id, page.c.location_id)
        .limit(request.per_page)
        .offset(request.offset)
    )
    return total, list(ids)


def _nearby(filters: ServiceFilter, place: Place, request: PageRequest) -> tuple[int, list[str]]:
    """Service_at_locations within `place.proximity_m`, nearest first, in three indexed steps.

    Locations in a bounding box (coordinate index), then the links at them (location index),
    then which of their services pass the filters (primary key). One joined query would let a
    planner without statistics walk every public service instead.
    """
    radius = place.proximity_m or 0.0
    dlat = radius / METERS_PER_DEGREE_LATITUDE
    dlng = dlat / max(math.cos(math.radians(place.latitude)), 0.01)
    boxed = db.session.execute(
        sa.select(Location.id, Location.name, Location.latitude, Location.longitude).where(
            Location.latitude.between(place.latitude - dlat, place.latitude + dlat),
            Location.longitude.between(place.longitude - dlng, place.longitude + dlng),
            # Matching by distance would reveal where a confidential location is.
            Location.confidential.is_(False),
        )
    ).all()
    origin = (place.latitude, place.longitude)
    distance = {
        row.id: meters
        for row in boxed
        if (meters := great_circle(origin, (row.latitude, row.longitude)).meters) <= radius
    }
    names = {row.id: (row.name or "").lower() for row in boxed}
    links = [
        row
        for chunk in hsds.chunked(sorted(distance))
        for row in db.session.execute(
            sa.select(
                ServiceAtLocation.id, ServiceAtLocation.service_id, ServiceAtLocation.location_id
            ).where(ServiceAtLocation.location_id.in_(chunk))
        )
    ]
    conditions = service_conditions(_unsearched(filters)) + _area_conditions(place)
    service_ids = sorted({row.service_id for row in links})
    passing = {
        service_id
        for chunk in hsds.chunked(service_ids)
        for service_id in db.session.scalars(
            sa.select(Service.id).where(Service.id.in_(chunk), *conditions)
        )
    }
    if filters.search:
        # Same rule as the SQL search: service text, or the place's name.
        text = filters.search.strip().lower()
        by_text = {
            service_id
            for chunk in hsds.chunked(sorted(passing))
            for service_id in db.session.scalars(
                sa.select(Service.id).where(
                    Service.id.in_(chunk), _search_condition(filters.search)
                )
            )
        }
        links = [
            row
            for row in links
            if row.service_id in by_text
            or (row.service_id in passing and text in names[row.location_id])
        ]
    else:
        links = [row for row in links if row.service_id in passing]
    ordered = [row.id for row in sorted(links, key=lambda row: (distance[row.location_id], row.id))]
    return len(ordered), ordered[request.offset : request.offset + request.per_page]


def _load_links(ids: Sequence[str], *, full: bool) -> list[ServiceAtLocation]:
    service = selectinload(ServiceAtLocation.service)
    if full:
        options = [
            service.options(*hsds.full_service_options()),
            selectinload(ServiceAtLocation.phones).selectinload(Phone.languages),
            selectinload(ServiceAtLocation.schedules),
            *hsds.location_options(selectinload(ServiceAtLocation.location)),
        ]
    else:
        options = [
            service.selectinload(Service.organization),
            selectinload(ServiceAtLocation.location),
        ]
    rows = db.session.scalars(
        sa.select(ServiceAtLocation).where(ServiceAtLocation.id.in_(ids)).options(*options)
    ).all()
    return _in_order(rows, ids)


def _link_summary(link: ServiceAtLocation) -> dict[str, Any]:
    return hsds.compact(
        {
            "id": link.id,
            "service_id": link.service_id,
            "location_id": link.location_id,
            "description": link.description,
            "location": hsds.location_summary(link.location, public=True),
            "service": hsds.service_summary(link.service),
        }
    )


def get_service_at_location(link_id: str) -> dict[str, Any] | None:
    """One public service_at_location with its location and service fully nested."""
    links = _load_links([link_id], full=True)
    if not links or not _is_public(links[0].service):
        return None
    return _link_records(links)[0]


def _link_records(links: Sequence[ServiceAtLocation]) -> list[dict[str, Any]]:
    context = hsds.RecordContext(
        public=True,
        attributes=hsds.load_attributes(hsds.attribute_link_ids([link.service for link in links])),
    )
    return [hsds.service_at_location_record(link, context, with_service=True) for link in links]


def _is_public(service: Service) -> bool:
    return service.status is ServiceStatus.ACTIVE and service.archived_at is None


# --- organizations -----------------------------------------------------------------------------


def _public_organizations() -> sa.ColumnElement[bool]:
    # An organization is shown when it offers at least one public listing.
    return sa.exists().where(Service.organization_id == Organization.id, public_services())


def list_organizations(
    search: str | None,
    request: PageRequest,
    *,
    full: bool = False,
    full_service: bool = False,
) -> Page:
    """A page of organizations with public listings (list shape, or nested with `full`)."""
    conditions = [_public_organizations()]
    if search:
        text = search.strip()
        conditions.append(
            sa.or_(
                _contains(Organization.name, text),
                _contains(Organization.alternate_name, text),
                _contains(Organization.description, text),
            )
        )
    total, ids = _page_of_ids(
        sa.select(Organization.id).where(*conditions),
        (Organization.id,),
        request,
    )
    if not (full or full_service):
        rows = db.session.scalars(sa.select(Organization).where(Organization.id.in_(ids))).all()
        return Page(
            [hsds.organization_summary(row) for row in _in_order(rows, ids)], total, request
        )
    return Page(_organization_records(ids, full_service=full_service), total, request)


def _organization_records(ids: Sequence[str], *, full_service: bool) -> list[dict[str, Any]]:
    organizations = _in_order(
        db.session.scalars(
            sa.select(Organization)
            .where(Organization.id.in_(ids))
            .options(*hsds.full_organization_options())
        ).all(),
        ids,
    )
    # Sorted here, not in SQL: ORDER BY id would tempt SQLite off the organization index.
    service_ids = sorted(
        db.session.scalars(
            sa.select(Service.id).where(Service.organization_id.in_(ids), public_services())
        )
    )
    services = _load_services(service_ids, full=full_service)
    by_organization: dict[str, list[Service]] = {}
    for service in services:
        by_organization.setdefault(service.organization_id, []).append(service)
    link_ids = [item.id for item in organizations]
    link_ids += [location.id for item in organizations for location in item.locations]
    if full_service:
        link_ids += hsds.attribute_link_ids(services)
    context = hsds.RecordContext(public=True, attributes=hsds.load_attributes(link_ids))
    return [
        hsds.organization_record(
            organization,
            context,
            services=by_organization.get(organization.id, []),
            full_services=full_service,
        )
        for organization in organizations
    ]


def get_organization(organization_id: str, *, full_service: bool = False) -> dict[str, Any] | None:
    """One organization with public listings, with its services (fully nested if asked)."""
    exists = db.session.scalar(
        sa.select(Organization.id).where(
            Organization.id == organization_id, _public_organizations()
        )
    )
    if exists is None:
        return None
    return _organization_records([organization_id], full_service=full_service)[0]


# --- taxonomies and terms ----------------------------------------------------------------------


def _fixed_then_rows(
    fixed: list[dict[str, Any]],
    statement: sa.Select[Any],
    order_by: Sequence[Any],
    request: PageRequest,
    to_record: Callable[[Any], dict[str, Any]],
) -> Page:
    """Paginate our in-code records followed by database rows, as one list."""
    count = _count(statement)
    contents = fixed[request.offset : request.offset + request.per_page]
    room = request.per_page - len(contents)
    if room > 0:
        rows = db.session.scalars(
            statement.order_by(*order_by).limit(room).offset(max(0, request.offset - len(fixed)))
        ).all()
        contents += [to_record(row) for row in rows]
    return Page(contents, len(fixed) + count, request)


def _matches(record: dict[str, Any], search: str | None, keys: Sequence[str]) -> bool:
    if not search:
        return True
    text = search.strip().lower()
    return any(text in str(record.get(key, "")).lower() for key in keys)


def list_taxonomies(search: str | None, request: PageRequest) -> Page:
    """A page of taxonomies: our own vocabulary first, then those imported with terms."""
    ours = hsds.support_hub_taxonomy_record()
    fixed = [ours] if _matches(ours, search, ("name", "description")) else []
    statement = sa.select(Taxonomy).where(Taxonomy.id != hsds.SUPPORT_HUB_TAXONOMY_ID)
    if search:
        statement = statement.where(
            sa.or_(
                _contains(Taxonomy.name, search.strip()),
                _contains(Taxonomy.description, search.strip()),
            )
        )
    return _fixed_then_rows(
        fixed, statement, (Taxonomy.name, Taxonomy.id), request, hsds.taxonomy_record
    )


def get_taxonomy(taxonomy_id: str) -> dict[str, Any] | None:
    """One taxonomy by id."""
    if taxonomy_id == hsds.SUPPORT_HUB_TAXONOMY_ID:
        return hsds.support_hub_taxonomy_record()
    taxonomy = db.session.get(Taxonomy, taxonomy_id)
    return hsds.taxonomy_record(taxonomy) if taxonomy is not None else None


def list_taxonomy_terms(filters: TermFilter, request: PageRequest) -> Page:
    """A page of taxonomy terms: our vocabulary first, then imported terms."""
    fixed = [
        hsds.term_record(term)
        for term in hsds.VOCABULARY
        if (filters.taxonomy_id in (None, hsds.SUPPORT_HUB_TAXONOMY_ID))
        and (filters.parent_id is None or term.parent_id == filters.parent_id)
        and not (filters.top_only and term.parent_id is not None)
    ]
    fixed = [
        item for item in fixed if _matches(item, filters.search, ("name", "code", "description"))
    ]
    statement = sa.select(TaxonomyTerm).options(selectinload(TaxonomyTerm.taxonomy_detail))
    if filters.taxonomy_id:
        statement = statement.where(TaxonomyTerm.taxonomy_id == filters.taxonomy_id)
    if filters.parent_id:
        statement = statement.where(TaxonomyTerm.parent_id == filters.parent_id)
    if filters.top_only:
        statement = statement.where(TaxonomyTerm.parent_id.is_(None))
    if filters.search:
        text = filters.search.strip()
        statement = statement.where(
            sa.or_(
                _contains(TaxonomyTerm.name, text),
                _contains(TaxonomyTerm.code, text),
                _contains(TaxonomyTerm.description, text),
            )
        )
    return _fixed_then_rows(
        fixed, statement, (TaxonomyTerm.name, TaxonomyTerm.id), request, hsds.term_record
    )


def get_taxonomy_term(term_id: str) -> dict[str, Any] | None:
    """One taxonomy term by id, with its taxonomy nested."""
    ours = hsds.VOCABULARY_BY_ID.get(term_id)
    if ours is not None:
        return hsds.term_record(ours)
    term = db.session.scalar(
        sa.select(TaxonomyTerm)
        .where(TaxonomyTerm.id == term_id)
        .options(selectinload(TaxonomyTerm.taxonomy_detail))
    )
    return hsds.term_record(term) if term is not None else None


# --- streaming (format=ndjson) -----------------------------------------------------------------


def stream(list_page: Callable[[PageRequest], Page]) -> Iterator[dict[str, Any]]:
    """Every record a paginated query returns, fetched a batch at a time."""
    page = 1
    while True:
        result = list_page(PageRequest(page, STREAM_BATCH))
        yield from result.contents
        if len(result.contents) < STREAM_BATCH:
            return
        page += 1
