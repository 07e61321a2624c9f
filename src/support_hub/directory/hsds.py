"""Open Referral HSDS 3.0: our directory as HSDS records, and HSDS records into our directory.

Three parts, all without Flask request state:

- **Schemas.** The official HSDS 3.0.1 JSON schemas ship with the app (`hsds_schema/`) and are
  registered under their canonical upstream URLs, so every `$ref` (including the OpenAPI file's
  absolute ones) resolves locally and nothing is fetched. Validation is draft 2020-12 and strict:
  like the specification's own check, no object may carry properties its schema doesn't name.
- **Export.** `service_record`, `organization_record`, ... turn loaded models into HSDS records.
  Our own vocabulary (category, specialty, audience, delivery, cost, care setting, and the
  confidential-location marker) is rendered as the `support_hub` taxonomy: terms with stable
  uuid5 ids, linked to services and locations by `attributes`. Public records (`public=True`)
  never show a confidential location's addresses, coordinates, transportation notes or
  external identifiers.
- **Import.** `import_services(records)` validates every record first (schema, then our checks)
  and writes all of them in one transaction, or nothing. Records upsert by HSDS id.
"""

from __future__ import annotations

import copy
import enum
import functools
import json
import math
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import sqlalchemy as sa
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from support_hub.db import Base
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
    Specialty,
    Taxonomy,
    TaxonomyTerm,
    flag_members,
)
from support_hub.extensions import db

HSDS_VERSION = "3.0.1"
SCHEMA_DIR = Path(__file__).with_name("hsds_schema")
# The schemas are registered under the URLs the HSDS OpenAPI document uses for them.
SCHEMA_BASE_URI = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
OPENAPI_URL = SCHEMA_BASE_URI + "openapi.json"
# Responses the OpenAPI document describes but whose compiled schemas upstream left out: the
# modular schema plus the one nested collection the response adds (see `_derived_schemas`).
ORGANIZATION_FULL_SCHEMA = "support_hub.organization_full.json"
SERVICE_AT_LOCATION_FULL_SCHEMA = "support_hub.service_at_location_full.json"

_Row = TypeVar("_Row", bound=Base)


# --- schemas and validation -------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a record: where (a JSON path like `$.phones[0].number`) and what."""

    path: str
    message: str


def json_path(parts: Iterable[str | int]) -> str:
    """`["phones", 0, "number"]` -> `$.phones[0].number`."""
    text = "$"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _strict(node: Any) -> Any:
    """A copy of a schema in which every object schema forbids properties it doesn't name."""
    if isinstance(node, dict):
        result = {key: _strict(value) for key, value in node.items()}
        if "properties" in result and "additionalProperties" not in result:
            result["additionalProperties"] = False
        return result
    if isinstance(node, list):
        return [_strict(item) for item in node]
    return node


def _read_schema(schema_dir: Path, name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((schema_dir / name).read_text(encoding="utf-8"))
    return schema


def _derived_schemas(schema_dir: Path) -> dict[str, dict[str, Any]]:
    # GET /organizations/{id} nests the organization's services and GET /service_at_locations/{id}
    # nests the service (as the specification's own examples do); the modular schemas lack
    # exactly that one property.
    organization = copy.deepcopy(_read_schema(schema_dir, "organization.json"))
    organization["properties"]["services"] = {
        "type": "array",
        "items": {"$ref": SCHEMA_BASE_URI + "service.json"},
    }
    service_at_location = copy.deepcopy(_read_schema(schema_dir, "service_at_location.json"))
    service_at_location["properties"]["service"] = {"$ref": SCHEMA_BASE_URI + "service.json"}
    return {
        ORGANIZATION_FULL_SCHEMA: organization,
        SERVICE_AT_LOCATION_FULL_SCHEMA: service_at_location,
    }


@functools.cache
def build_registry(schema_dir: Path) -> Registry[Any]:
    """The HSDS schemas in `schema_dir` (made strict) under their upstream URLs, plus the
    OpenAPI document as published (its `Page` wrapper combines schemas with `allOf`)."""
    documents: dict[str, dict[str, Any]] = {}
    for path in sorted(schema_dir.rglob("*.json")):
        name = path.relative_to(schema_dir).as_posix()
        contents = _read_schema(schema_dir, name)
        documents[name] = contents if name == "openapi.json" else _strict(contents)
    documents.update(
        {name: _strict(contents) for name, contents in _derived_schemas(schema_dir).items()}
    )
    return Registry().with_resources(
        (
            SCHEMA_BASE_URI + name,
            Resource.from_contents(contents, default_specification=DRAFT202012),
        )
        for name, contents in documents.items()
    )


_URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*$")
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")


def _is_uri(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    if not instance or any(ch.isspace() for ch in instance):
        return False
    parts = urlsplit(instance)
    return bool(parts.scheme) and bool(_URI_SCHEME.match(parts.scheme))


def parse_datetime(text: str) -> datetime | None:
    """An RFC 3339 date-time as aware UTC, or None when `text` isn't one."""
    if not _RFC3339.match(text):
        return None
    try:
        return datetime.fromisoformat(text.upper().replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def _is_datetime(instance: object) -> bool:
    return not isinstance(instance, str) or parse_datetime(instance) is not None


@functools.cache
def format_checker() -> FormatChecker:
    """jsonschema's format checks, plus `uri` and `date-time` without optional packages."""
    checker = FormatChecker()
    checker.checks("uri")(_is_uri)
    checker.checks("date-time")(_is_datetime)
    return checker


@functools.cache
def validator(schema: str, schema_dir: Path = SCHEMA_DIR) -> Draft202012Validator:
    """A strict validator for one HSDS schema by file name (`service.json`), or for any
    `#`-pointer into the OpenAPI document (`openapi.json#/paths/...`)."""
    return Draft202012Validator(
        {"$ref": SCHEMA_BASE_URI + schema},
        registry=build_registry(schema_dir),
        format_checker=format_checker(),
    )


def _shorten(message: str, limit: int = 300) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


def validate(schema: str, instance: Any, schema_dir: Path = SCHEMA_DIR) -> list[Problem]:
    """Every way `instance` breaks `schema` (see `validator`), in path order; `schema_dir`
    picks another copy of the schemas (tests use the official one in ../shared)."""
    problems = [
        # jsonschema quotes the offending value, which can be a whole nested object.
        Problem(json_path(error.absolute_path), _shorten(error.message))
        for error in validator(schema, schema_dir).iter_errors(instance)
    ]
    return sorted(problems, key=lambda problem: problem.path)


# --- our vocabulary as an HSDS taxonomy --------------------------------------------------------

VOCABULARY_NAMESPACE = uuid.UUID("2d3b0f0e-6a43-4c1e-9f55-8b2a7e1c4d60")
SUPPORT_HUB_TAXONOMY_ID = str(uuid.uuid5(VOCABULARY_NAMESPACE, "taxonomy:support_hub"))
SUPPORT_HUB_TAXONOMY_NAME = "support_hub"


@dataclass(frozen=True)
class VocabularyTerm:
    """A term of the `support_hub` taxonomy; `member` is the enum value it stands for."""

    id: str
    code: str
    name: str
    description: str
    facet: str
    member: enum.Enum | None
    parent_id: str | None


@dataclass(frozen=True)
class _Facet:
    key: str
    name: str
    description: str
    values: type[enum.Enum]


_FACETS = (
    _Facet("category", "Category", "The kind of support a service gives.", Category),
    _Facet(
        "specialty",
        "Specialty",
        "Who gives counseling or spiritual care.",
        Specialty,
    ),
    _Facet("audience", "Audience", "Who a service is for.", Audience),
    _Facet("delivery", "Delivery", "How a service is given.", Delivery),
    _Facet("cost", "Cost", "How a service is paid for.", CostKind),
    _Facet(
        "care_setting",
        "Care setting",
        "Where palliative or hospice care is given.",
        CareSetting,
    ),
)

_TERM_NAMES = {
    "audience:metastatic": "Metastatic-specific",
    "audience:lgbtq": "LGBTQ+",
    "specialty:spiritual_adviser": "Spiritual adviser",
}


def _term_id(code: str) -> str:
    return str(uuid.uuid5(VOCABULARY_NAMESPACE, f"term:{code}"))


def _build_vocabulary() -> tuple[VocabularyTerm, ...]:
    terms: list[VocabularyTerm] = []
    for facet in _FACETS:
        root_id = _term_id(facet.key)
        terms.append(
            VocabularyTerm(root_id, facet.key, facet.name, facet.description, facet.key, None, None)
        )
        for member in facet.values:
            slug = str(member.name).lower()
            code = f"{facet.key}:{slug}"
            name = _TERM_NAMES.get(code) or (
                member.label
                if isinstance(member, Category)
                else slug.replace("_", " ").capitalize()
            )
            terms.append(
                VocabularyTerm(
                    _term_id(code), code, name, f"{facet.name}: {name}.", facet.key, member, root_id
                )
            )
    terms.append(
        VocabularyTerm(
            _term_id("location:confidential"),
            "location:confidential",
            "Confidential location",
            "The address is not published; contact the service to attend.",
            "location",
            None,
            None,
        )
    )
    return tuple(terms)


VOCABULARY: tuple[VocabularyTerm, ...] = _build_vocabulary()
VOCABULARY_BY_ID: dict[str, VocabularyTerm] = {term.id: term for term in VOCABULARY}
CONFIDENTIAL_TERM = VOCABULARY_BY_ID[_term_id("location:confidential")]
_TERM_BY_MEMBER: dict[enum.Enum, VocabularyTerm] = {
    term.member: term for term in VOCABULARY if term.member is not None
}


def vocabulary_term_for(member: enum.Enum) -> VocabularyTerm:
    """The `support_hub` taxonomy term that stands for one of our enum values."""
    return _TERM_BY_MEMBER[member]


def service_terms(service: Service) -> list[VocabularyTerm]:
    """Our vocabulary terms that describe `service`, in facet order."""
    members: list[enum.Enum] = [service.category]
    if service.specialty is not None:
        members.append(service.specialty)
    for flags in (service.audience, service.delivery, service.cost, service.care_settings):
        members.extend(flag_members(flags))
    return [_TERM_BY_MEMBER[member] for member in members]


# --- export: models -> HSDS records ------------------------------------------------------------


def compact(record: dict[str, Any]) -> dict[str, Any]:
    """Drop absent values: HSDS fields are typed (a string is never null), so omit instead."""
    return {key: value for key, value in record.items() if value is not None}


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def format_datetime(value: datetime) -> str:
    """RFC 3339 in UTC with milliseconds, as HSDS examples write it (`...T10:30:45.123Z`)."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _time(value: str | None) -> str | None:
    # Stored as people typed it ("18:00"); HSDS times are HH:MM:SS.
    if not value:
        return None
    try:
        return time.fromisoformat(value).isoformat(timespec="seconds")
    except ValueError:
        return None


def _extension(value: str | None) -> int | None:
    # HSDS has phone extensions as numbers; one that isn't digits can't be carried.
    return int(value) if value and value.isdigit() else None


@dataclass
class RecordContext:
    """What record builders need beyond the row: who sees it, and stored attributes by link id."""

    public: bool = True
    attributes: dict[str, list[Attribute]] = field(default_factory=dict)


def load_attributes(link_ids: Iterable[str]) -> dict[str, list[Attribute]]:
    """Stored attribute rows (foreign taxonomy terms) for the given records, in a few queries."""
    ids = sorted(set(link_ids))
    found: dict[str, list[Attribute]] = {}
    for chunk in chunked(ids):
        rows = db.session.scalars(
            sa.select(Attribute)
            .where(Attribute.link_id.in_(chunk))
            .options(
                selectinload(Attribute.taxonomy_term).selectinload(TaxonomyTerm.taxonomy_detail)
            )
            .order_by(Attribute.id)
        ).all()
        for row in rows:
            found.setdefault(row.link_id, []).append(row)
    return found


def taxonomy_record(taxonomy: Taxonomy) -> dict[str, Any]:
    """An HSDS taxonomy."""
    return compact(
        {
            "id": taxonomy.id,
            "name": taxonomy.name,
            "description": taxonomy.description or "",
            "uri": taxonomy.uri,
            "version": taxonomy.version,
        }
    )


def support_hub_taxonomy_record() -> dict[str, Any]:
    """Our own vocabulary as an HSDS taxonomy."""
    return {
        "id": SUPPORT_HUB_TAXONOMY_ID,
        "name": SUPPORT_HUB_TAXONOMY_NAME,
        "description": (
            "Support Hub's directory vocabulary: category, specialty, audience, delivery, cost "
            "and care setting of a service, and whether a location is confidential."
        ),
        "version": "1",
    }


def term_record(
    term: TaxonomyTerm | VocabularyTerm, *, with_taxonomy: bool = True
) -> dict[str, Any]:
    """An HSDS taxonomy term (with its taxonomy nested as `taxonomy_detail`)."""
    if isinstance(term, VocabularyTerm):
        return compact(
            {
                "id": term.id,
                "code": term.code,
                "name": term.name,
                "description": term.description,
                "parent_id": term.parent_id,
                "taxonomy": SUPPORT_HUB_TAXONOMY_NAME,
                "taxonomy_id": SUPPORT_HUB_TAXONOMY_ID,
                "taxonomy_detail": support_hub_taxonomy_record() if with_taxonomy else None,
                "language": "en",
            }
        )
    return compact(
        {
            "id": term.id,
            "code": term.code,
            "name": term.name,
            "description": term.description or "",
            "parent_id": term.parent_id,
            "taxonomy": term.taxonomy,
            "taxonomy_id": term.taxonomy_id,
            "taxonomy_detail": (
                taxonomy_record(term.taxonomy_detail)
                if with_taxonomy and term.taxonomy_detail is not None
                else None
            ),
            "language": term.language,
            "term_uri": term.term_uri,
        }
    )


def _vocabulary_attribute(term: VocabularyTerm, link_id: str, entity: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid5(VOCABULARY_NAMESPACE, f"attribute:{link_id}:{term.code}")),
        "link_id": link_id,
        "taxonomy_term_id": term.id,
        "link_entity": entity,
        # The term names itself; its taxonomy is at /hsds/taxonomies (repeating it on every
        # attribute would double the size of an export).
        "taxonomy_term": term_record(term, with_taxonomy=False),
    }


def _stored_attributes(link_id: str, context: RecordContext) -> list[dict[str, Any]]:
    return [
        compact(
            {
                "id": row.id,
                "link_id": row.link_id,
                "taxonomy_term_id": row.taxonomy_term_id,
                "link_type": row.link_type,
                "link_entity": row.link_entity,
                "value": row.value,
                "taxonomy_term": term_record(row.taxonomy_term),
            }
        )
        for row in context.attributes.get(link_id, [])
    ]


def _language_record(language: Language) -> dict[str, Any]:
    return compact(
        {"id": language.id, "name": language.name, "code": language.code, "note": language.note}
    )


def _phone_record(phone: Phone) -> dict[str, Any]:
    return compact(
        {
            "id": phone.id,
            "number": phone.number,
            "extension": _extension(phone.extension),
            "type": phone.type,
            "description": phone.description,
            "languages": [_language_record(item) for item in _by_id(phone.languages)],
        }
    )


def _schedule_record(schedule: Schedule) -> dict[str, Any]:
    return compact(
        {
            "id": schedule.id,
            "valid_from": _date(schedule.valid_from),
            "valid_to": _date(schedule.valid_to),
            "dtstart": _date(schedule.dtstart),
            "timezone": schedule.timezone,
            "until": _date(schedule.until),
            "count": schedule.count,
            "wkst": schedule.wkst,
            "freq": schedule.freq,
            "interval": schedule.interval,
            "byday": schedule.byday,
            "byweekno": schedule.byweekno,
            "bymonthday": schedule.bymonthday,
            "byyearday": schedule.byyearday,
            "description": schedule.description,
            "opens_at": _time(schedule.opens_at),
            "closes_at": _time(schedule.closes_at),
            "schedule_link": schedule.schedule_link,
            "attending_type": schedule.attending_type,
            "notes": schedule.notes,
        }
    )


def _address_record(address: Address) -> dict[str, Any]:
    return compact(
        {
            "id": address.id,
            "attention": address.attention,
            "address_1": address.address_1,
            "address_2": address.address_2,
            "city": address.city,
            "region": address.region,
            "state_province": address.state_province,
            "postal_code": address.postal_code,
            "country": address.country,
            "address_type": address.address_type.value,
        }
    )


def _by_id(rows: Iterable[_Row]) -> list[_Row]:
    # Collections load in no guaranteed order; sorting keeps exports byte-for-byte repeatable.
    return sorted(rows, key=lambda row: row.id)  # type: ignore[attr-defined]


def location_summary(location: Location, *, public: bool) -> dict[str, Any]:
    """An HSDS location without nested collections (the list shape), confidentiality applied."""
    hidden = public and location.confidential
    return compact(
        {
            "id": location.id,
            "location_type": location.location_type.value,
            "url": location.url,
            "organization_id": location.organization_id,
            "name": location.name,
            "alternate_name": location.alternate_name,
            "description": location.description,
            "transportation": None if hidden else location.transportation,
            "latitude": None if hidden else location.latitude,
            "longitude": None if hidden else location.longitude,
            "external_identifier": None if hidden else location.external_identifier,
            "external_identifier_type": None if hidden else location.external_identifier_type,
        }
    )


def location_record(location: Location, context: RecordContext) -> dict[str, Any]:
    """An HSDS location; when public and confidential, nothing that tells where it is."""
    hidden = context.public and location.confidential
    attributes = _stored_attributes(location.id, context)
    if location.confidential:
        attributes.insert(0, _vocabulary_attribute(CONFIDENTIAL_TERM, location.id, "location"))
    return location_summary(location, public=context.public) | compact(
        {
            "languages": [_language_record(item) for item in _by_id(location.languages)],
            "addresses": [] if hidden else [_address_record(a) for a in _by_id(location.addresses)],
            "accessibility": [
                compact(
                    {
                        "id": item.id,
                        "description": item.description,
                        "details": item.details,
                        "url": item.url,
                    }
                )
                for item in _by_id(location.accessibility)
            ],
            "phones": [_phone_record(item) for item in _by_id(location.phones)],
            "schedules": [_schedule_record(item) for item in _by_id(location.schedules)],
            "attributes": attributes,
        }
    )


def service_at_location_record(
    link: ServiceAtLocation, context: RecordContext, *, with_service: bool = False
) -> dict[str, Any]:
    """An HSDS service_at_location with its location nested (and its service, if asked)."""
    record = compact(
        {
            "id": link.id,
            "service_id": link.service_id,
            "location_id": link.location_id,
            "description": link.description,
            "phones": [_phone_record(item) for item in _by_id(link.phones)],
            "schedules": [_schedule_record(item) for item in _by_id(link.schedules)],
            "location": location_record(link.location, context),
            "attributes": _stored_attributes(link.id, context),
        }
    )
    if with_service:
        record["service"] = service_record(link.service, context)
    return record


def organization_summary(organization: Organization) -> dict[str, Any]:
    """An HSDS organization without nested collections (the list shape)."""
    return compact(
        {
            "id": organization.id,
            "name": organization.name,
            "alternate_name": organization.alternate_name,
            "description": organization.description or "",
            "email": organization.email,
            "website": organization.website,
            "tax_status": organization.tax_status,
            "tax_id": organization.tax_id,
            "year_incorporated": organization.year_incorporated,
            "legal_status": organization.legal_status,
            "logo": organization.logo,
            "uri": organization.uri,
            "parent_organization_id": organization.parent_organization_id,
        }
    )


def organization_record(
    organization: Organization,
    context: RecordContext,
    *,
    services: Sequence[Service] | None = None,
    full_services: bool = False,
) -> dict[str, Any]:
    """An HSDS organization with phones, locations, attributes (and `services` when given)."""
    record = organization_summary(organization)
    record["phones"] = [_phone_record(item) for item in _by_id(organization.phones)]
    record["locations"] = [
        location_record(item, context) for item in _by_id(organization.locations)
    ]
    record["attributes"] = _stored_attributes(organization.id, context)
    if services is not None:
        record["services"] = [
            service_record(item, context) if full_services else service_summary(item)
            for item in services
        ]
    return record


def service_summary(service: Service) -> dict[str, Any]:
    """An HSDS service in the list shape: its own fields and its organization, not nested."""
    return compact(
        {
            "id": service.id,
            "organization_id": service.organization_id,
            "name": service.name,
            "alternate_name": service.alternate_name,
            "description": service.description or "",
            "url": service.url,
            "email": service.email,
            "status": service.status.value,
            "interpretation_services": service.interpretation_services,
            "application_process": service.application_process,
            "fees_description": service.fees_description,
            "eligibility_description": service.eligibility_description,
            "minimum_age": service.minimum_age,
            "maximum_age": service.maximum_age,
            "assured_date": _date(service.assured_date),
            "assurer_email": service.assurer_email,
            "alert": service.alert,
            "last_modified": format_datetime(service.last_modified),
            "organization": organization_summary(service.organization),
        }
    )


def _scope_extent(area: ServiceArea) -> tuple[str | None, str | None]:
    """(extent, extent_type) for our search scope, as `import_services` reads them back."""
    if area.scope is ServiceAreaScope.NATIONAL:
        return "US", "country"
    if area.state_code:
        return f"US-{area.state_code}", "state"
    return None, None


def service_record(service: Service, context: RecordContext) -> dict[str, Any]:
    """A fully nested HSDS service, as `GET /services/{id}` returns it."""
    record = service_summary(service)
    attributes = [
        _vocabulary_attribute(term, service.id, "service") for term in service_terms(service)
    ]
    record.update(
        {
            "phones": [_phone_record(item) for item in _by_id(service.phones)],
            "schedules": [_schedule_record(item) for item in _by_id(service.schedules)],
            "service_areas": [
                compact(
                    {
                        "id": area.id,
                        "name": area.name,
                        "description": area.description,
                        # Areas entered as a scope alone still say which in HSDS terms.
                        "extent": area.extent or _scope_extent(area)[0],
                        "extent_type": area.extent_type or _scope_extent(area)[1],
                        "uri": area.uri,
                    }
                )
                for area in _by_id(service.service_areas)
            ],
            "service_at_locations": [
                service_at_location_record(link, context)
                for link in _by_id(service.service_at_locations)
            ],
            "languages": [_language_record(item) for item in _by_id(service.languages)],
            "cost_options": [
                compact(
                    {
                        "id": option.id,
                        "valid_from": _date(option.valid_from),
                        "valid_to": _date(option.valid_to),
                        "option": option.option,
                        "currency": option.currency,
                        "amount": option.amount,
                        "amount_description": option.amount_description,
                    }
                )
                for option in _by_id(service.cost_options)
            ],
            "attributes": attributes + _stored_attributes(service.id, context),
        }
    )
    return record


def location_options(path: Any) -> list[LoaderOption]:
    """Loader options, under `path`, for everything `location_record` touches."""
    return [
        path.selectinload(Location.addresses),
        path.selectinload(Location.accessibility),
        path.selectinload(Location.languages),
        path.selectinload(Location.schedules),
        path.selectinload(Location.phones).selectinload(Phone.languages),
    ]


def full_service_options() -> list[LoaderOption]:
    """Loader options that fetch all `service_record` touches in a fixed number of queries."""
    links = selectinload(Service.service_at_locations)
    location = links.selectinload(ServiceAtLocation.location)
    return [
        selectinload(Service.organization),
        selectinload(Service.phones).selectinload(Phone.languages),
        selectinload(Service.schedules),
        selectinload(Service.service_areas),
        selectinload(Service.languages),
        selectinload(Service.cost_options),
        links.selectinload(ServiceAtLocation.phones).selectinload(Phone.languages),
        links.selectinload(ServiceAtLocation.schedules),
        *location_options(location),
    ]


def full_organization_options() -> list[LoaderOption]:
    """Loader options for `organization_record`."""
    return [
        selectinload(Organization.phones).selectinload(Phone.languages),
        *location_options(selectinload(Organization.locations)),
    ]


def attribute_link_ids(services: Iterable[Service]) -> list[str]:
    """Ids of every record in these services that can carry stored attributes."""
    ids: list[str] = []
    for service in services:
        ids.append(service.id)
        for link in service.service_at_locations:
            ids += [link.id, link.location_id]
    return ids


def services_with_records(services: Sequence[Service], *, public: bool) -> list[dict[str, Any]]:
    """Fully nested records for already-loaded services (loaded with `full_service_options`)."""
    context = RecordContext(public=public, attributes=load_attributes(attribute_link_ids(services)))
    return [service_record(service, context) for service in services]


def export_services(
    *, include_confidential: bool = False, batch_size: int = 500
) -> list[dict[str, Any]]:
    """Every listing that isn't archived, as fully nested HSDS service records, ordered by id.

    Inactive and closed listings are included (their `status` says so). Confidential locations
    keep their addresses and coordinates only with `include_confidential` (a private backup).
    """
    return list(iter_export(include_confidential=include_confidential, batch_size=batch_size))


def iter_export(
    *, include_confidential: bool = False, batch_size: int = 500
) -> Iterator[dict[str, Any]]:
    """`export_services`, one record at a time, loading `batch_size` services per round."""
    ids = db.session.scalars(
        sa.select(Service.id).where(Service.archived_at.is_(None)).order_by(Service.id)
    ).all()
    for chunk in chunked(ids, batch_size):
        services = db.session.scalars(
            sa.select(Service)
            .where(Service.id.in_(chunk))
            .options(*full_service_options())
            .order_by(Service.id)
        ).all()
        yield from services_with_records(services, public=not include_confidential)


# --- import: HSDS records -> our directory -----------------------------------------------------


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
        links = {key: value for key, value in (links or {}).items()}
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
        service_id = data["id"]
        first = self.pending.get((Service, service_id))
        if first is not None:
            self.error(f"{path}.id", f"service {service_id} is also record {first.index}")
            return
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
        if "delivery" not in by_facet:
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
    """One service_at_location per (service, location), across the import and the directory."""
    links = [p for p in collector.pending.values() if p.model is ServiceAtLocation]
    seen: dict[tuple[str | None, str | None], str] = {}
    for link in links:
        pair = (link.links.get("service_id"), link.links.get("location_id"))
        other = seen.setdefault(pair, link.id)
        if other != link.id:
            collector.errors.append(
                RowError(
                    link.index, link.path, f"the service is already at this location as {other}"
                )
            )
    service_ids = sorted({str(pair[0]) for pair in seen})
    for chunk in chunked(service_ids):
        rows = db.session.execute(
            sa.select(
                ServiceAtLocation.id, ServiceAtLocation.service_id, ServiceAtLocation.location_id
            ).where(ServiceAtLocation.service_id.in_(chunk))
        ).all()
        for row in rows:
            mine = seen.get((row.service_id, row.location_id))
            if mine is not None and mine != row.id:
                link = collector.pending[(ServiceAtLocation, mine)]
                collector.errors.append(
                    RowError(
                        link.index,
                        link.path,
                        f"the service is already at this location as {row.id}",
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
            for obj in db.session.scalars(
                sa.select(model).where(model.id.in_(chunk))  # type: ignore[attr-defined]
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


def chunked(items: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    """`items` in slices of `size` (SQL IN lists stay a sensible length)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


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
            _write(collector, result)
            _prune(collector, result)
        db.session.commit()
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

    Raises ValueError (with the parser's message) when the text isn't JSON.
    """
    data = json.loads(text)
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        return data["contents"]
    return data


def read_records(path: Path) -> Any:
    """`parse_records` of a file."""
    return parse_records(path.read_bytes())


def export_json(*, include_confidential: bool = False) -> Iterator[str]:
    """`export_services` as JSON text in chunks (one record each), for files and downloads."""
    yield "["
    for position, record in enumerate(iter_export(include_confidential=include_confidential)):
        yield ",\n" if position else "\n"
        yield json.dumps(record, ensure_ascii=False, sort_keys=True)
    yield "\n]\n"
