"""HSDS 3.0 records into our directory: validate everything first, then write all or nothing.

`import_services(records)` checks every record against the official schemas (strict, see
`hsds.validate`) and our own rules, reports row-level errors, and only when there are none
upserts every row by HSDS id in one transaction. `parse_records` / `read_records` read the
JSON that `hsds.export_json` writes (or an HSDS `Page`).
"""

from __future__ import annotations

import enum
import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from support_hub.db import BULK_LOAD_ROWS, DIRECTORY_TABLES, Base, refresh_statistics
from support_hub.directory.hsds import (
    CONFIDENTIAL_TERM,
    SUPPORT_HUB_TAXONOMY_ID,
    VOCABULARY_BY_ID,
    VocabularyTerm,
    chunked,
    format_datetime,
    parse_datetime,
    validate,
)
from support_hub.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Audience,
    CareSetting,
    Category,
    CostKind,
    CostOption,
    Delivery,
    Language,
    Location,
    LocationType,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAreaScope,
    ServiceAtLocation,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)
from support_hub.extensions import db

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")


@dataclass(frozen=True)
class RowError:
    """A problem with one input record: its index in the input, where in it, and what.

    `index` is None when the problem concerns the import as a whole.
    """

    index: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = "import" if self.index is None else f"record {self.index}"
        return f"{where}: {self.path}: {self.message}"


@dataclass
class ImportResult:
    """What `import_services` did: nothing when there are `errors`; else counts per HSDS table.

    `warnings` name HSDS content that was accepted but not stored (support_hub keeps no
    contacts, programs, funding, metadata, ...) or links that were dropped because their
    target is in neither the import nor the directory. `deleted` counts rows a service in the
    file no longer lists (see `import_services`).
    """

    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    services: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _is_utf8(text: str) -> bool:
    # JSON's \udXXX escapes can smuggle in half a surrogate pair, which no database stores.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _Bad(ValueError):
    """A value we can't store; the message is for the person importing."""


def _text(value: Any) -> str:
    return str(value)


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not float(value).is_integer():
        raise _Bad(f"{value!r} must be a whole number")
    if abs(value) > 2**31 - 1:
        raise _Bad(f"{value!r} is too large")
    return int(value)


def _number(value: Any) -> float:
    if not math.isfinite(float(value)):
        raise _Bad(f"{value!r} is not a finite number")
    return float(value)


def _amount(value: Any) -> float:
    if not math.isfinite(float(value)) or abs(float(value)) >= 10**8:
        raise _Bad(f"{value!r} is too large for an amount")
    return round(float(value), 2)


def _iso_date(value: Any) -> date:
    if not _ISO_DATE.match(str(value)):
        raise _Bad(f"{value!r} is not a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise _Bad(f"{value!r} is not a real date") from exc


def _iso_time(value: Any) -> str:
    if not _ISO_TIME.match(str(value)):
        raise _Bad(f"{value!r} is not a time (HH:MM:SS)")
    try:
        parsed = time.fromisoformat(value)
    except ValueError as exc:
        raise _Bad(f"{value!r} is not a real time") from exc
    # Stored like the rest of the directory's times ("18:00"); seconds only when they matter.
    return parsed.isoformat(timespec="seconds" if parsed.second else "minutes")


def _timestamp(value: Any) -> datetime:
    parsed = parse_datetime(str(value))
    if parsed is None:
        raise _Bad(f"{value!r} is not an RFC 3339 date-time")
    return parsed


def _extension_text(value: Any) -> str:
    return str(_integer(value)) if float(value).is_integer() else str(value)


Converter = Callable[[Any], Any]

# HSDS field -> how to convert it, per stored table. Columns carry the same names as HSDS fields.
_SCALARS: dict[type[Base], dict[str, Converter]] = {
    Organization: {
        "name": _text,
        "alternate_name": _text,
        "description": _text,
        "email": _text,
        "website": _text,
        "tax_status": _text,
        "tax_id": _text,
        "year_incorporated": _integer,
        "legal_status": _text,
        "logo": _text,
        "uri": _text,
    },
    Service: {
        "name": _text,
        "alternate_name": _text,
        "description": _text,
        "url": _text,
        "email": _text,
        "status": ServiceStatus,
        "interpretation_services": _text,
        "application_process": _text,
        "fees_description": _text,
        "eligibility_description": _text,
        "minimum_age": _integer,
        "maximum_age": _integer,
        "assured_date": _iso_date,
        "assurer_email": _text,
        "alert": _text,
    },
    Location: {
        "location_type": LocationType,
        "url": _text,
        "name": _text,
        "alternate_name": _text,
        "description": _text,
        "transportation": _text,
        "latitude": _number,
        "longitude": _number,
        "external_identifier": _text,
        "external_identifier_type": _text,
    },
    ServiceAtLocation: {"description": _text},
    Address: {
        "attention": _text,
        "address_1": _text,
        "address_2": _text,
        "city": _text,
        "region": _text,
        "state_province": _text,
        "postal_code": _text,
        "country": _text,
        "address_type": LocationType,
    },
    Accessibility: {"description": _text, "details": _text, "url": _text},
    Phone: {"number": _text, "extension": _extension_text, "type": _text, "description": _text},
    Schedule: {
        "valid_from": _iso_date,
        "valid_to": _iso_date,
        "dtstart": _iso_date,
        "timezone": _number,
        "until": _iso_date,
        "count": _integer,
        "wkst": _text,
        "freq": _text,
        "interval": _integer,
        "byday": _text,
        "byweekno": _text,
        "bymonthday": _text,
        "byyearday": _text,
        "description": _text,
        "opens_at": _iso_time,
        "closes_at": _iso_time,
        "schedule_link": _text,
        "attending_type": _text,
        "notes": _text,
    },
    Language: {"name": _text, "code": _text, "note": _text},
    CostOption: {
        "valid_from": _iso_date,
        "valid_to": _iso_date,
        "option": _text,
        "currency": _text,
        "amount": _amount,
        "amount_description": _text,
    },
    ServiceArea: {
        "name": _text,
        "description": _text,
        "extent": _text,
        "extent_type": _text,
        "uri": _text,
    },
    Taxonomy: {"name": _text, "description": _text, "uri": _text, "version": _text},
    TaxonomyTerm: {
        "code": _text,
        "name": _text,
        "description": _text,
        "taxonomy": _text,
        "language": _text,
        "term_uri": _text,
    },
    Attribute: {"link_type": _text, "value": _text},
}

# Fields of each table that are links to other records: taken from the nesting, not stored as-is.
_LINK_FIELDS = {
    "organization_id",
    "service_id",
    "location_id",
    "service_at_location_id",
    "phone_id",
    "contact_id",
    "link_id",
    "link_entity",
    "taxonomy_term_id",
    "taxonomy_id",
    "parent_id",
    "parent_organization_id",
}

_TABLE_NAMES: dict[type[Base], str] = {
    model: model.__tablename__  # type: ignore[attr-defined]
    for model in _SCALARS
}
# The order rows are written in: every table after the tables it points to.
_WRITE_ORDER: tuple[type[Base], ...] = (
    Taxonomy,
    TaxonomyTerm,
    Organization,
    Location,
    Service,
    ServiceAtLocation,
    Address,
    Accessibility,
    Phone,
    Schedule,
    Language,
    CostOption,
    ServiceArea,
    Attribute,
)
# Optional links whose target may be missing: dropped with a warning instead of failing.
_OPTIONAL_LINKS: dict[tuple[type[Base], str], type[Base]] = {
    (Organization, "parent_organization_id"): Organization,
    (TaxonomyTerm, "parent_id"): TaxonomyTerm,
    (TaxonomyTerm, "taxonomy_id"): Taxonomy,
    (Location, "organization_id"): Organization,
}
# Links written after the first pass, because they may point at a row of the same table.
_SELF_LINKS = {(Organization, "parent_organization_id"), (TaxonomyTerm, "parent_id")}
_HIDDEN_WHEN_CONFIDENTIAL = (
    "latitude",
    "longitude",
    "transportation",
    "external_identifier",
    "external_identifier_type",
)
_STATE_EXTENT = re.compile(r"^US-([A-Z]{2})$")


@dataclass
class _Pending:
    model: type[Base]
    id: str
    values: dict[str, Any]
    links: dict[str, str | None]
    index: int
    path: str


@dataclass
class _Reference:
    model: type[Base]
    id: str
    index: int
    path: str
    what: str


class _Collector:
    """Walks validated records into rows to write, collecting errors and warnings on the way."""

    def __init__(self, default_category: Category | None) -> None:
        self.default_category = default_category
        self.pending: dict[tuple[type[Base], str], _Pending] = {}
        self.references: list[_Reference] = []
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []
        self.index = 0

    def error(self, path: str, message: str) -> None:
        self.errors.append(RowError(self.index, path, message))

    def warn(self, path: str, message: str) -> None:
        self.warnings.append(RowError(self.index, path, message))

    def entity(
        self,
        model: type[Base],
        data: dict[str, Any],
        path: str,
        *,
        links: dict[str, str | None] | None = None,
        handled: Iterable[str] = (),
        extra: dict[str, Any] | None = None,
    ) -> _Pending:
        """Record one HSDS object; a repeated id keeps its first fields and merges its links."""
        table = _TABLE_NAMES[model]
        known = set(_SCALARS[model]) | _LINK_FIELDS | set(handled) | {"id"}
        for key, value in data.items():
            if key not in known and value not in (None, "", [], {}):
                self.warn(f"{path}.{key}", f"not stored: support_hub keeps no {table} {key}")
        links = dict(links or {})
        existing = self.pending.get((model, data["id"]))
        if existing is not None:
            for key, value in links.items():
                if value is None:
                    continue
                current = existing.links.get(key)
                if current is None:
                    existing.links[key] = value
                elif current != value and (model, key) not in _OPTIONAL_LINKS:
                    self.error(
                        f"{path}.id",
                        f"{table} {data['id']} is linked to two different {key} values "
                        f"({current} and {value})",
                    )
            return existing
        values: dict[str, Any] = {}
        columns = model.__table__.columns  # type: ignore[attr-defined]
        for key, convert in _SCALARS[model].items():
            raw = data.get(key)
            if raw is None:
                values[key] = None
                continue
            try:
                value = convert(raw)
            except (_Bad, ValueError) as exc:
                self.error(f"{path}.{key}", str(exc))
                continue
            length = getattr(columns[key].type, "length", None)
            if isinstance(value, str) and length is not None and len(value) > length:
                self.error(f"{path}.{key}", f"longer than {length} characters")
                continue
            if isinstance(value, str) and "\x00" in value:
                self.error(f"{path}.{key}", "contains a NUL character")
                continue
            if isinstance(value, str) and not _is_utf8(value):
                self.error(f"{path}.{key}", "contains a lone surrogate (not valid Unicode text)")
                continue
            values[key] = value
        values.update(extra or {})
        pending = _Pending(model, data["id"], values, links, self.index, path)
        self.pending[(model, data["id"])] = pending
        return pending

    def refer(self, model: type[Base], record_id: str, path: str, what: str) -> None:
        """Require a row that the import or the directory must hold."""
        self.references.append(_Reference(model, record_id, self.index, path, what))

    # -- one walker per HSDS object; `path` is the JSON path of the object --

    def service(self, data: dict[str, Any]) -> None:
        path = "$"
        service_id = data["id"]
        first = self.pending.get((Service, service_id))
        if first is not None:
            self.error(f"{path}.id", f"service {service_id} is also record {first.index}")
            return
        organization_id = data.get("organization_id")
        nested = data.get("organization")
        if nested is not None:
            if organization_id is not None and organization_id != nested["id"]:
                self.error(f"{path}.organization_id", "differs from the nested organization's id")
            organization_id = nested["id"]
            self.organization(nested, f"{path}.organization")
        elif organization_id is not None:
            self.refer(Organization, organization_id, f"{path}.organization_id", "organization")
        else:
            self.error(path, "a service needs an organization (organization or organization_id)")
        terms, _ = self.attributes(data.get("attributes", []), path, service_id, "service")
        typed = self.typed_columns(data, terms, path)
        extra: dict[str, Any] = typed
        if data.get("last_modified") is not None:
            try:
                extra["last_modified"] = _timestamp(data["last_modified"])
            except _Bad as exc:
                self.error(f"{path}.last_modified", str(exc))
        if data.get("description") is None:
            extra["description"] = ""
        self.entity(
            Service,
            data,
            path,
            links={"organization_id": organization_id},
            handled=(
                "last_modified",
                "organization",
                "attributes",
                "phones",
                "schedules",
                "service_areas",
                "service_at_locations",
                "languages",
                "cost_options",
            ),
            extra=extra,
        )
        for position, phone in enumerate(data.get("phones", [])):
            self.phone(phone, f"{path}.phones[{position}]", {"service_id": service_id})
        for position, schedule in enumerate(data.get("schedules", [])):
            self.schedule(schedule, f"{path}.schedules[{position}]", {"service_id": service_id})
        for position, language in enumerate(data.get("languages", [])):
            self.language(language, f"{path}.languages[{position}]", {"service_id": service_id})
        for position, option in enumerate(data.get("cost_options", [])):
            self.child(
                CostOption, option, f"{path}.cost_options[{position}]", "service_id", service_id
            )
        for position, area in enumerate(data.get("service_areas", [])):
            self.service_area(area, f"{path}.service_areas[{position}]", service_id)
        for position, link in enumerate(data.get("service_at_locations", [])):
            self.service_at_location(link, f"{path}.service_at_locations[{position}]", service_id)

    def typed_columns(
        self, data: dict[str, Any], terms: list[tuple[VocabularyTerm, str]], path: str
    ) -> dict[str, Any]:
        """Our typed service columns from the `support_hub` terms among its attributes."""
        by_facet: dict[str, list[tuple[enum.Enum, str]]] = {}
        for term, term_path in terms:
            if term.facet == "location":
                self.warn(term_path, "the confidential marker applies to locations; ignored here")
            elif term.member is not None:
                by_facet.setdefault(term.facet, []).append((term.member, term_path))
        typed: dict[str, Any] = {}
        categories = by_facet.get("category", [])
        if len(categories) > 1:
            self.error(categories[1][1], "a service has one support_hub category, not several")
        elif categories:
            typed["category"] = categories[0][0]
        elif self.default_category is not None:
            typed["category"] = self.default_category
        else:
            self.error(
                f"{path}.attributes",
                "no support_hub category term (taxonomy_term_id of a category:* term); "
                "add one or import with a default category",
            )
        specialties = by_facet.get("specialty", [])
        if len(specialties) > 1:
            self.error(specialties[1][1], "a service has at most one specialty")
        typed["specialty"] = specialties[0][0] if specialties else None
        for facet, column, flag_type in (
            ("audience", "audience", Audience),
            ("delivery", "delivery", Delivery),
            ("cost", "cost", CostKind),
            ("care_setting", "care_settings", CareSetting),
        ):
            value = flag_type(0)
            for member, _ in by_facet.get(facet, []):
                value |= member  # type: ignore[operator]
            typed[column] = value
        if not terms:
            # Not from a support_hub export (which always says), so read the location types.
            typed["delivery"] = self.inferred_delivery(data)
        return typed

    @staticmethod
    def inferred_delivery(data: dict[str, Any]) -> Delivery:
        # Data from elsewhere rarely says how a service is given; its location types do.
        delivery = Delivery(0)
        for link in data.get("service_at_locations", []):
            location_type = (link.get("location") or {}).get("location_type")
            if location_type == LocationType.PHYSICAL.value:
                delivery |= Delivery.IN_PERSON
            elif location_type == LocationType.VIRTUAL.value:
                delivery |= Delivery.ONLINE
        return delivery

    def attributes(
        self, items: list[dict[str, Any]], path: str, link_id: str, entity: str
    ) -> tuple[list[tuple[VocabularyTerm, str]], list[_Pending]]:
        """Split attributes into our vocabulary terms and stored links to other taxonomies."""
        ours: list[tuple[VocabularyTerm, str]] = []
        stored: list[_Pending] = []
        for position, attribute in enumerate(items):
            attribute_path = f"{path}.attributes[{position}]"
            nested = attribute.get("taxonomy_term")
            term_id = attribute.get("taxonomy_term_id")
            if nested is not None:
                if term_id is not None and term_id != nested["id"]:
                    self.error(
                        f"{attribute_path}.taxonomy_term_id",
                        "differs from the nested taxonomy_term's id",
                    )
                    continue
                term_id = nested["id"]
            if term_id is None:
                self.error(attribute_path, "an attribute needs taxonomy_term_id or taxonomy_term")
                continue
            vocabulary_term = VOCABULARY_BY_ID.get(term_id)
            if vocabulary_term is not None:
                ours.append((vocabulary_term, attribute_path))
                continue
            if nested is not None and nested.get("taxonomy_id") == SUPPORT_HUB_TAXONOMY_ID:
                self.error(
                    f"{attribute_path}.taxonomy_term", "not a term of the support_hub taxonomy"
                )
                continue
            if nested is not None:
                self.taxonomy_term(nested, f"{attribute_path}.taxonomy_term")
            else:
                self.refer(
                    TaxonomyTerm, term_id, f"{attribute_path}.taxonomy_term_id", "taxonomy term"
                )
            stored.append(
                self.entity(
                    Attribute,
                    attribute,
                    attribute_path,
                    links={"taxonomy_term_id": term_id},
                    handled=("taxonomy_term",),
                    extra={"link_id": link_id, "link_entity": entity},
                )
            )
        return ours, stored

    def taxonomy_term(self, data: dict[str, Any], path: str) -> None:
        taxonomy_id = data.get("taxonomy_id")
        detail = data.get("taxonomy_detail")
        if detail is not None:
            if taxonomy_id is not None and taxonomy_id != detail["id"]:
                self.error(f"{path}.taxonomy_id", "differs from the nested taxonomy_detail's id")
            taxonomy_id = detail["id"]
            if detail["id"] == SUPPORT_HUB_TAXONOMY_ID:
                self.error(f"{path}.taxonomy_detail", "not a term of the support_hub taxonomy")
            else:
                self.entity(Taxonomy, detail, f"{path}.taxonomy_detail")
        self.entity(
            TaxonomyTerm,
            data,
            path,
            links={"taxonomy_id": taxonomy_id, "parent_id": data.get("parent_id")},
            handled=("taxonomy_detail",),
        )

    def organization(self, data: dict[str, Any], path: str) -> None:
        organization_id = data["id"]
        self.attributes(data.get("attributes", []), path, organization_id, "organization")
        self.entity(
            Organization,
            data,
            path,
            links={"parent_organization_id": data.get("parent_organization_id")},
            handled=("phones", "locations", "attributes"),
        )
        for position, phone in enumerate(data.get("phones", [])):
            self.phone(phone, f"{path}.phones[{position}]", {"organization_id": organization_id})
        for position, location in enumerate(data.get("locations", [])):
            self.location(location, f"{path}.locations[{position}]", organization_id)

    def service_at_location(self, data: dict[str, Any], path: str, service_id: str) -> None:
        if data.get("service_id") not in (None, service_id):
            self.error(f"{path}.service_id", "differs from the id of the service it is nested in")
        location_id = data.get("location_id")
        nested = data.get("location")
        if nested is not None:
            if location_id is not None and location_id != nested["id"]:
                self.error(f"{path}.location_id", "differs from the nested location's id")
            location_id = nested["id"]
            self.location(nested, f"{path}.location", None)
        elif location_id is not None:
            self.refer(Location, location_id, f"{path}.location_id", "location")
        else:
            self.error(path, "a service_at_location needs a location (location or location_id)")
        link_id = data["id"]
        self.attributes(data.get("attributes", []), path, link_id, "service_at_location")
        self.entity(
            ServiceAtLocation,
            data,
            path,
            links={"service_id": service_id, "location_id": location_id},
            handled=("location", "phones", "schedules", "attributes"),
        )
        links = {"service_at_location_id": link_id}
        for position, phone in enumerate(data.get("phones", [])):
            self.phone(phone, f"{path}.phones[{position}]", links)
        for position, schedule in enumerate(data.get("schedules", [])):
            self.schedule(schedule, f"{path}.schedules[{position}]", links)

    def location(self, data: dict[str, Any], path: str, organization_id: str | None) -> None:
        location_id = data["id"]
        terms, _ = self.attributes(data.get("attributes", []), path, location_id, "location")
        confidential = False
        for term, term_path in terms:
            if term is CONFIDENTIAL_TERM:
                confidential = True
            else:
                self.warn(term_path, "support_hub service terms apply to services; ignored here")
        extra: dict[str, Any] = {"confidential": confidential}
        for axis, limit in (("latitude", 90), ("longitude", 180)):
            value = data.get(axis)
            if value is not None and not -limit <= value <= limit:
                # The specification's own example has latitude 100; keep the place, not the point.
                self.warn(f"{path}.{axis}", f"{value} is outside ±{limit}; coordinates not stored")
                extra["latitude"] = extra["longitude"] = None
        pending = self.entity(
            Location,
            data,
            path,
            links={"organization_id": organization_id or data.get("organization_id")},
            handled=(
                "languages",
                "addresses",
                "accessibility",
                "phones",
                "schedules",
                "attributes",
            ),
            extra=extra,
        )
        if confidential:
            # A public export leaves these out; re-importing it must not erase them.
            for key in _HIDDEN_WHEN_CONFIDENTIAL:
                if pending.values.get(key) is None:
                    pending.values.pop(key, None)
        for position, address in enumerate(data.get("addresses", [])):
            self.child(
                Address, address, f"{path}.addresses[{position}]", "location_id", location_id
            )
        for position, item in enumerate(data.get("accessibility", [])):
            self.child(
                Accessibility, item, f"{path}.accessibility[{position}]", "location_id", location_id
            )
        links = {"location_id": location_id}
        for position, phone in enumerate(data.get("phones", [])):
            self.phone(phone, f"{path}.phones[{position}]", links)
        for position, schedule in enumerate(data.get("schedules", [])):
            self.schedule(schedule, f"{path}.schedules[{position}]", links)
        for position, language in enumerate(data.get("languages", [])):
            self.language(language, f"{path}.languages[{position}]", links)

    def child(
        self, model: type[Base], data: dict[str, Any], path: str, link: str, parent_id: str
    ) -> None:
        if data.get(link) not in (None, parent_id):
            self.error(f"{path}.{link}", "differs from the id of the record it is nested in")
        self.entity(model, data, path, links={link: parent_id})

    def phone(self, data: dict[str, Any], path: str, links: dict[str, str | None]) -> None:
        self.entity(Phone, data, path, links=links, handled=("languages",))
        for position, language in enumerate(data.get("languages", [])):
            self.language(language, f"{path}.languages[{position}]", {"phone_id": data["id"]})

    def schedule(self, data: dict[str, Any], path: str, links: dict[str, str | None]) -> None:
        self.entity(Schedule, data, path, links=links)

    def language(self, data: dict[str, Any], path: str, links: dict[str, str | None]) -> None:
        self.entity(Language, data, path, links=links)

    def service_area(self, data: dict[str, Any], path: str, service_id: str) -> None:
        # Our nearby search reads scope/state_code; HSDS says the same with extent/extent_type.
        extent, extent_type = data.get("extent"), data.get("extent_type")
        state = _STATE_EXTENT.match(extent or "")
        if extent_type == "country" and extent in ("US", "USA"):
            scope: dict[str, Any] = {"scope": ServiceAreaScope.NATIONAL, "state_code": None}
        elif state:
            scope = {"scope": ServiceAreaScope.STATE, "state_code": state.group(1)}
        else:
            self.warn(
                path,
                "extent is not the US (extent_type country, extent US) or a state (US-XX): "
                "kept, but nearby search will not use this area",
            )
            scope = {"scope": ServiceAreaScope.STATE, "state_code": None}
        self.entity(ServiceArea, data, path, links={"service_id": service_id}, extra=scope)


def _existing_ids(model: type[Base], ids: Iterable[str]) -> set[str]:
    wanted = sorted(set(ids))
    found: set[str] = set()
    column = model.id  # type: ignore[attr-defined]
    for chunk in chunked(wanted):
        found.update(db.session.scalars(sa.select(column).where(column.in_(chunk))))
    return found


def _check_references(collector: _Collector) -> None:
    """Every required link points at a row in the import or the directory; optional ones drop."""
    known = {key for key in collector.pending}
    missing_required = [ref for ref in collector.references if (ref.model, ref.id) not in known]
    optional = [
        (pending, key, target)
        for pending in collector.pending.values()
        for key, value in pending.links.items()
        if value is not None
        and (target := _OPTIONAL_LINKS.get((pending.model, key))) is not None
        and (target, value) not in known
    ]
    wanted: dict[type[Base], set[str]] = {}
    for ref in missing_required:
        wanted.setdefault(ref.model, set()).add(ref.id)
    for pending, key, target in optional:
        wanted.setdefault(target, set()).add(pending.links[key])  # type: ignore[arg-type]
    in_directory = {model: _existing_ids(model, ids) for model, ids in wanted.items()}
    for ref in missing_required:
        if ref.id not in in_directory[ref.model]:
            collector.errors.append(
                RowError(
                    ref.index,
                    ref.path,
                    f"{ref.what} {ref.id} is in neither this import nor the directory",
                )
            )
    for pending, key, target in optional:
        value = pending.links[key]
        if value not in in_directory[target]:
            collector.warnings.append(
                RowError(
                    pending.index,
                    f"{pending.path}.{key}",
                    f"{_TABLE_NAMES[target]} {value} is in neither this import nor the directory; "
                    "link not stored",
                )
            )
            pending.links[key] = None


def _check_service_locations(collector: _Collector) -> None:
    """One service_at_location per (service, location) in the import.

    The directory needs no check: a service's links that the file doesn't list are removed
    before anything is written (see `_prune`), so an old id for the same pair can't clash.
    """
    seen: dict[tuple[str | None, str | None], str] = {}
    for link in collector.pending.values():
        if link.model is not ServiceAtLocation:
            continue
        pair = (link.links.get("service_id"), link.links.get("location_id"))
        other = seen.setdefault(pair, link.id)
        if other != link.id:
            collector.errors.append(
                RowError(
                    link.index, link.path, f"the service is already at this location as {other}"
                )
            )


def validate_records(records: Any, *, default_category: Category | None = None) -> _Collector:
    """Check every record (schema, then our rules) and gather the rows they would write."""
    collector = _Collector(default_category)
    if not isinstance(records, list):
        collector.errors.append(
            RowError(None, "$", "expected a JSON array of HSDS service records")
        )
        return collector
    for index, record in enumerate(records):
        collector.index = index
        problems = validate("service.json", record)
        if problems:
            collector.errors += [RowError(index, p.path, p.message) for p in problems]
            continue
        collector.service(record)
    # Links are checked even after other errors, so one run reports everything to fix.
    with db.session.no_autoflush:
        _check_references(collector)
        _check_service_locations(collector)
    return collector


def _write(collector: _Collector, result: ImportResult) -> None:
    by_model: dict[type[Base], list[_Pending]] = {}
    for pending in collector.pending.values():
        by_model.setdefault(pending.model, []).append(pending)
    deferred: list[tuple[Base, str, str]] = []
    for model in _WRITE_ORDER:
        rows = by_model.get(model, [])
        table = _TABLE_NAMES[model]
        existing: dict[str, Base] = {}
        ids = [row.id for row in rows]
        for chunk in chunked(ids):
            # populate_existing: `_prune` may just have changed these rows behind the session.
            for obj in db.session.scalars(
                sa.select(model)
                .where(model.id.in_(chunk))  # type: ignore[attr-defined]
                .execution_options(populate_existing=True)
            ):
                existing[obj.id] = obj  # type: ignore[attr-defined]
        created = updated = 0
        for row in rows:
            obj = existing.get(row.id)
            if obj is None:
                obj = model(id=row.id)
                db.session.add(obj)
                created += 1
            for key, value in row.values.items():
                current = getattr(obj, key, None)
                if (
                    isinstance(value, datetime)
                    and isinstance(current, datetime)
                    and format_datetime(value) == format_datetime(current)
                ):
                    continue  # exported to the millisecond: the same instant as far as HSDS goes
                setattr(obj, key, value)
            for key, value in row.links.items():
                if value is None:
                    continue
                if (model, key) in _SELF_LINKS:
                    deferred.append((obj, key, value))
                else:
                    setattr(obj, key, value)
            if row.id in existing and db.session.is_modified(obj):
                updated += 1
        db.session.flush()
        result.created[table] = created
        result.updated[table] = updated
        result.unchanged[table] = len(rows) - created - updated
    for obj, key, value in deferred:
        if getattr(obj, key) != value:
            setattr(obj, key, value)
    db.session.flush()


# What a service record owns outright: rows its file entry no longer lists are removed.
_LINK_COLUMNS: dict[type[Base], tuple[str, ...]] = {
    Phone: ("service_id", "service_at_location_id", "location_id", "organization_id"),
    Schedule: ("service_id", "service_at_location_id", "location_id"),
    Language: ("service_id", "location_id", "phone_id"),
    CostOption: ("service_id",),
    ServiceArea: ("service_id",),
}


def _prune(collector: _Collector, result: ImportResult) -> None:
    """Remove what the imported services (and their service_at_locations) no longer list.

    A row linked to an imported service or service_at_location but not listed under it in the
    file loses that link; if nothing else links it (and the file doesn't list it elsewhere), it
    is deleted. Locations and organizations are shared, so they are never pruned.
    """
    pending = collector.pending
    service_ids = sorted(p.id for p in pending.values() if p.model is Service)
    link_ids = {p.id for p in pending.values() if p.model is ServiceAtLocation}
    stale_links = {
        row_id
        for chunk in chunked(service_ids)
        for row_id in db.session.scalars(
            sa.select(ServiceAtLocation.id).where(ServiceAtLocation.service_id.in_(chunk))
        )
        if row_id not in link_ids
    }
    deleted: dict[str, int] = {}
    owners = (
        ("service_at_location_id", sorted(link_ids | stale_links)),
        ("service_id", service_ids),
    )
    for column, owner_ids in owners:
        for model, links in _LINK_COLUMNS.items():
            if column not in links:
                continue
            gone: list[str] = []
            unlinked: list[str] = []
            for chunk in chunked(owner_ids):
                rows = db.session.execute(
                    sa.select(*[getattr(model, name) for name in ("id", *links)]).where(
                        getattr(model, column).in_(chunk)
                    )
                ).all()
                for row in rows:
                    listed = pending.get((model, row.id))
                    owner = getattr(row, column)
                    if listed is not None and listed.links.get(column) == owner:
                        continue
                    others = any(getattr(row, name) for name in links if name != column)
                    (unlinked if listed is not None or others else gone).append(row.id)
            for chunk in chunked(unlinked):
                db.session.execute(
                    sa.update(model).where(model.id.in_(chunk)).values({column: None})  # type: ignore[attr-defined]
                )
            for chunk in chunked(gone):
                db.session.execute(sa.delete(model).where(model.id.in_(chunk)))  # type: ignore[attr-defined]
            if gone:
                deleted[_TABLE_NAMES[model]] = deleted.get(_TABLE_NAMES[model], 0) + len(gone)
    for chunk in chunked(sorted(stale_links)):
        db.session.execute(sa.delete(ServiceAtLocation).where(ServiceAtLocation.id.in_(chunk)))
    if stale_links:
        deleted["service_at_location"] = len(stale_links)
    stale_attributes = [
        row_id
        for chunk in chunked(sorted(set(service_ids) | link_ids | stale_links))
        for row_id in db.session.scalars(
            sa.select(Attribute.id).where(
                Attribute.link_id.in_(chunk),
                Attribute.link_entity.in_(("service", "service_at_location")),
            )
        )
        if (Attribute, row_id) not in pending
    ]
    for chunk in chunked(stale_attributes):
        db.session.execute(sa.delete(Attribute).where(Attribute.id.in_(chunk)))
    if stale_attributes:
        deleted["attribute"] = len(stale_attributes)
    result.deleted = deleted


def import_services(records: Any, *, default_category: Category | None = None) -> ImportResult:
    """Import HSDS 3.0 service records (a list, as `export_services` writes): all or nothing.

    Every record is validated first, against the official schemas and our rules (links resolve,
    exactly one `support_hub` category term per service unless `default_category` is given).
    Any error: nothing is written and `errors` say which record, where and why. Otherwise all
    rows are upserted by HSDS id in one transaction, so importing the same file twice changes
    nothing the second time. A service in the file is the whole truth about what it owns: its
    phones, schedules, languages, cost options, service areas, service_at_locations and
    attributes that the file no longer lists are removed. Services, organizations and
    locations absent from the file are left as they are.
    """
    collector = validate_records(records, default_category=default_category)
    result = ImportResult(errors=collector.errors, warnings=collector.warnings)
    if collector.errors:
        return result
    try:
        with db.session.no_autoflush:
            # Removals first, so a row the file replaces (same service and location under a
            # new id) is gone before its successor is inserted.
            _prune(collector, result)
            _write(collector, result)
        db.session.commit()
        changed = (result.created, result.updated, result.deleted)
        if sum(sum(counts.values()) for counts in changed) >= BULK_LOAD_ROWS:
            refresh_statistics(db.session, DIRECTORY_TABLES)
    except sa.exc.SQLAlchemyError as exc:
        db.session.rollback()
        result.errors.append(
            RowError(None, "$", f"the database refused the import ({type(exc).__name__})")
        )
        result.created, result.updated, result.unchanged, result.deleted = {}, {}, {}, {}
        return result
    result.services = sum(1 for pending in collector.pending.values() if pending.model is Service)
    return result


def parse_records(text: str | bytes) -> Any:
    """The records in HSDS JSON text: an array of services, or a `Page` with `contents`.

    Raises ValueError (with the parser's message) when the text isn't JSON or nests deeper
    than the parser can follow (HSDS records nest a few levels; thousands mean a broken file).
    """
    try:
        data = json.loads(text)
    except RecursionError:
        raise ValueError("arrays or objects nested too deeply") from None
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        return data["contents"]
    return data


def read_records(path: Path) -> Any:
    """`parse_records` of a file."""
    return parse_records(path.read_bytes())
