"""Open Referral HSDS 3.0: the schemas, our vocabulary as a taxonomy, and our directory as HSDS.

Three parts, all without Flask request state (the way back in is `hsds_import`):

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
- **Export.** `export_services` / `iter_export` / `export_json` write every listing that isn't
  archived; `hsds_import.import_services` reads the same format back.
"""

from __future__ import annotations

import copy
import enum
import functools
import json
import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
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
    Address,
    Attribute,
    Audience,
    CareSetting,
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


def chunked(items: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    """`items` in slices of `size` (SQL IN lists stay a sensible length)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def export_json(*, include_confidential: bool = False) -> Iterator[str]:
    """`export_services` as JSON text in chunks (one record each), for files and downloads."""
    yield "["
    for position, record in enumerate(iter_export(include_confidential=include_confidential)):
        yield ",\n" if position else "\n"
        yield json.dumps(record, ensure_ascii=False, sort_keys=True)
    yield "\n]\n"
