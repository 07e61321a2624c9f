"""Listing management: organizations, services, locations, verification, archiving.

Every rule about what a listing may hold lives here, once; the portal's forms and the CSV import
both go through it. Public functions are one transaction each and write their audit event in
it; the `apply_*` functions do the same work without committing, for the all-or-nothing import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

import phonenumbers
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from support_hub.accounts import audit
from support_hub.accounts.audit import Actor
from support_hub.db import utcnow
from support_hub.directory.geocode import STATES, PlaceNotFound
from support_hub.directory.models import (
    Address,
    Audience,
    Category,
    CostKind,
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
    flag_members,
    flag_slug,
)
from support_hub.extensions import db
from support_hub.validation import ValidationFailed

REVERIFY_AFTER = timedelta(days=180)

# USPS codes of the states, DC and territories, as the geocoder knows them.
US_STATES = frozenset(STATES)

LANGUAGE_NAMES = {
    "en": "English",
    "es": "Spanish",
    "zh": "Chinese",
    "vi": "Vietnamese",
    "ko": "Korean",
    "tl": "Tagalog",
    "ru": "Russian",
    "ar": "Arabic",
    "fr": "French",
    "ht": "Haitian Creole",
    "pt": "Portuguese",
    "de": "German",
    "it": "Italian",
    "pl": "Polish",
    "ja": "Japanese",
    "hi": "Hindi",
    "fa": "Persian",
    "so": "Somali",
    "am": "Amharic",
    "ase": "American Sign Language",
}

SCHEDULE_FREQS = ("", "DAILY", "WEEKLY", "MONTHLY")
_BYDAY = re.compile(
    r"^(?:(?:[1-5]|-1)?(?:MO|TU|WE|TH|FR|SA|SU))(?:,(?:[1-5]|-1)?(?:MO|TU|WE|TH|FR|SA|SU))*$"
)
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_ZIP = re.compile(r"^\d{5}(-\d{4})?$")
_SPLIT = re.compile(r"[;,]")


class Place(Protocol):
    """What a geocoder returns (see `support_hub.directory.geocode`)."""

    latitude: float
    longitude: float
    state_code: str | None


Locate = Callable[[str], Place]


def split_list(text: str | Iterable[str] | None) -> list[str]:
    """ "a; b, c" or ["a", "b"] -> ["a", "b", "c"], stripped, empties dropped."""
    if text is None:
        return []
    parts = _SPLIT.split(text) if isinstance(text, str) else list(text)
    return [part.strip() for part in parts if part and part.strip()]


# ---------------------------------------------------------------------------------------------
# Inputs. Plain strings (as forms and CSV cells give them); the functions below validate them.


@dataclass
class OrganizationInput:
    name: str = ""
    description: str = ""
    website: str = ""
    email: str = ""


@dataclass
class ServiceInput:
    organization_id: str = ""
    name: str = ""
    description: str = ""
    category: str = ""
    specialty: str = ""
    status: str = ServiceStatus.ACTIVE.value
    audience: list[str] = field(default_factory=list)
    delivery: list[str] = field(default_factory=list)
    cost: list[str] = field(default_factory=list)
    fees_description: str = ""
    application_process: str = ""
    eligibility_description: str = ""
    url: str = ""
    email: str = ""
    phone: str = ""
    languages: str = ""
    schedule_description: str = ""
    schedule_freq: str = ""
    schedule_byday: str = ""
    schedule_opens_at: str = ""
    schedule_closes_at: str = ""
    service_area: str = ""
    service_area_states: str = ""


@dataclass
class LocationInput:
    name: str = ""
    address_1: str = ""
    address_2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    confidential: bool = False
    latitude: str = ""
    longitude: str = ""


class _Errors:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


def _text(
    value: str | None, name: str, errors: _Errors, *, limit: int, required: bool = False
) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.add(name, "This is required.")
    if len(value) > limit:
        errors.add(name, f"Use at most {limit} characters.")
    return value


def _url(value: str, name: str, errors: _Errors) -> str | None:
    value = value.strip()
    if not value:
        return None
    if not re.match(r"^https?://[^\s/]+\.[^\s]+$", value) or len(value) > 500:
        errors.add(name, "Enter a full web address starting with https://.")
    return value


def _email(value: str, name: str, errors: _Errors) -> str | None:
    value = value.strip().lower()
    if not value:
        return None
    if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value) or len(value) > 255:
        errors.add(name, "Enter an email address such as groups@example.org.")
    return value


def _phone(value: str, name: str, errors: _Errors) -> str | None:
    value = value.strip()
    if not value:
        return None
    try:
        parsed = phonenumbers.parse(value, "US")
    except phonenumbers.NumberParseException:
        errors.add(name, "Enter a phone number such as (617) 555-0100.")
        return None
    if not phonenumbers.is_valid_number(parsed) and not _is_fictional(parsed):
        errors.add(name, "That is not a valid phone number.")
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _is_fictional(parsed: phonenumbers.PhoneNumber) -> bool:
    # 555-0100..0199 is reserved for fiction (the demo data uses it); accept it as well-formed.
    national = str(parsed.national_number)
    return parsed.country_code == 1 and len(national) == 10 and national[3:7] == "5550"


def _enum(enum_type: Any, value: str, name: str, errors: _Errors, *, required: bool = True) -> Any:
    value = value.strip().lower().replace(" ", "_")
    if not value:
        if required:
            errors.add(name, "This is required.")
        return None
    for member in enum_type:
        if value in (member.value.replace(" ", "_"), member.name.lower()):
            return member
    choices = ", ".join(member.value for member in enum_type)
    errors.add(name, f"Choose one of: {choices}.")
    return None


def _flags(flag_type: Any, values: list[str], name: str, errors: _Errors) -> Any:
    result = flag_type(0)
    for value in values:
        slug = value.strip().lower().replace(" ", "_").replace("-", "_")
        member = flag_type.__members__.get(slug.upper())
        if member is None:
            choices = ", ".join(flag_slug(m) for m in flag_type)
            errors.add(name, f"Unknown value {value!r}; choose from: {choices}.")
        else:
            result |= member
    return result


# ---------------------------------------------------------------------------------------------
# Snapshots for the audit trail.


def _service_snapshot(service: Service) -> dict[str, Any]:
    schedule = service.schedules[0] if service.schedules else None
    phone = _main_phone(service)
    return {
        "organization_id": service.organization_id,
        "name": service.name,
        "description": service.description,
        "category": service.category.value if service.category else None,
        "specialty": service.specialty.value if service.specialty else None,
        "status": service.status.value if service.status else None,
        "audience": [flag_slug(m) for m in flag_members(service.audience or Audience(0))],
        "delivery": [flag_slug(m) for m in flag_members(service.delivery or Delivery(0))],
        "cost": [flag_slug(m) for m in flag_members(service.cost or CostKind(0))],
        "fees_description": service.fees_description,
        "application_process": service.application_process,
        "eligibility_description": service.eligibility_description,
        "url": service.url,
        "email": service.email,
        "phone": phone.number if phone else None,
        "languages": sorted(lang.code or "" for lang in service.languages),
        "schedule": (
            {
                "description": schedule.description,
                "freq": schedule.freq,
                "byday": schedule.byday,
                "opens_at": schedule.opens_at,
                "closes_at": schedule.closes_at,
            }
            if schedule
            else None
        ),
        "service_area": sorted(
            area.scope.value
            if area.scope is ServiceAreaScope.NATIONAL
            else f"state:{area.state_code}"
            for area in service.service_areas
        ),
        "assured_date": service.assured_date.isoformat() if service.assured_date else None,
        "assurer_email": service.assurer_email,
        "archived_at": service.archived_at.isoformat() if service.archived_at else None,
    }


def location_snapshot(location: Location) -> dict[str, Any]:
    address = location.addresses[0] if location.addresses else None
    return {
        "location_id": location.id,
        "name": location.name,
        "address_1": address.address_1 if address else None,
        "address_2": address.address_2 if address else None,
        "city": address.city if address else None,
        "state": address.state_province if address else None,
        "postal_code": address.postal_code if address else None,
        "confidential": location.confidential,
        "latitude": location.latitude,
        "longitude": location.longitude,
    }


def _organization_snapshot(org: Organization) -> dict[str, Any]:
    return {
        "name": org.name,
        "description": org.description,
        "website": org.website,
        "email": org.email,
    }


def _record_change(
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    now: datetime,
) -> None:
    if before is None:
        audit.record(
            actor, action, object_type=object_type, object_id=object_id, after=after, at=now
        )
        return
    changed_before, changed_after = audit.changes(before, after)
    if changed_after or changed_before:
        audit.record(
            actor,
            action,
            object_type=object_type,
            object_id=object_id,
            before=changed_before,
            after=changed_after,
            at=now,
        )


# ---------------------------------------------------------------------------------------------
# Organizations.


def organization_by_name(name: str) -> Organization | None:
    """An organization whose name matches, ignoring case."""
    return db.session.scalar(
        sa.select(Organization)
        .where(sa.func.lower(Organization.name) == name.strip().lower())
        .order_by(Organization.created_at)
        .limit(1)
    )


def apply_organization(
    org: Organization | None, data: OrganizationInput, *, actor: Actor, now: datetime
) -> Organization:
    """Validate and write an organization (no commit)."""
    errors = _Errors()
    name = _text(data.name, "name", errors, limit=255, required=True)
    description = _text(data.description, "description", errors, limit=5000)
    website = _url(data.website, "website", errors)
    email = _email(data.email, "email", errors)
    errors.raise_if_any()
    before = _organization_snapshot(org) if org else None
    if org is None:
        org = Organization(name=name)
        db.session.add(org)
    org.name, org.description, org.website, org.email = name, description, website, email
    db.session.flush()
    action = "organization.created" if before is None else "organization.updated"
    _record_change(actor, action, "organization", org.id, before, _organization_snapshot(org), now)
    return org


def save_organization(
    org: Organization | None, data: OrganizationInput, *, actor: Actor, now: datetime | None = None
) -> Organization:
    """Create or edit an organization."""
    org = apply_organization(org, data, actor=actor, now=now or utcnow())
    db.session.commit()
    return org


def list_organizations() -> list[Organization]:
    """Every organization, by name (for the service form's picker)."""
    return list(db.session.scalars(sa.select(Organization).order_by(Organization.name)))


def organizations_with_counts() -> list[tuple[Organization, int]]:
    """Every organization by name, with how many of its listings are not archived."""
    counts = (
        sa.select(Service.organization_id, sa.func.count().label("listings"))
        .where(Service.archived_at.is_(None))
        .group_by(Service.organization_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Organization, sa.func.coalesce(counts.c.listings, 0))
        .outerjoin(counts, counts.c.organization_id == Organization.id)
        .order_by(Organization.name)
    ).all()
    return [(org, int(count)) for org, count in rows]


def get_organization(org_id: str) -> Organization | None:
    """One organization by id."""
    return db.session.get(Organization, org_id)


# ---------------------------------------------------------------------------------------------
# Services.


def _main_phone(service: Service) -> Phone | None:
    phones = [p for p in service.phones if p.location_id is None]
    return phones[0] if phones else None


def apply_service(
    service: Service | None, data: ServiceInput, *, actor: Actor, now: datetime
) -> Service:
    """Validate and write a service with its phone, schedule, languages and area (no commit)."""
    errors = _Errors()
    name = _text(data.name, "name", errors, limit=255, required=True)
    description = _text(data.description, "description", errors, limit=10000)
    organization = (
        db.session.get(Organization, data.organization_id) if data.organization_id else None
    )
    if organization is None:
        errors.add("organization_id", "Choose the organization that runs this service.")
    category = _enum(Category, data.category, "category", errors)
    specialty = _enum(Specialty, data.specialty, "specialty", errors, required=False)
    status = _enum(ServiceStatus, data.status or "active", "status", errors)
    audience = _flags(Audience, data.audience, "audience", errors)
    delivery = _flags(Delivery, data.delivery, "delivery", errors)
    cost = _flags(CostKind, data.cost, "cost", errors)
    if not delivery and "delivery" not in errors.errors:
        errors.add("delivery", "Choose at least one: in person, online or phone.")
    fees = _text(data.fees_description, "fees_description", errors, limit=2000)
    how_to_join = _text(data.application_process, "application_process", errors, limit=2000)
    eligibility = _text(data.eligibility_description, "eligibility_description", errors, limit=2000)
    url = _url(data.url, "url", errors)
    email = _email(data.email, "email", errors)
    phone = _phone(data.phone, "phone", errors)

    languages = [code.lower() for code in split_list(data.languages)]
    for code in languages:
        if not re.fullmatch(r"[a-z]{2,3}", code):
            errors.add("languages", f"{code!r} is not a language code; use codes like en, es.")

    schedule_text = _text(data.schedule_description, "schedule_description", errors, limit=500)
    freq = data.schedule_freq.strip().upper()
    byday = data.schedule_byday.strip().upper().replace(" ", "")
    opens_at, closes_at = data.schedule_opens_at.strip(), data.schedule_closes_at.strip()
    if freq not in SCHEDULE_FREQS:
        errors.add("schedule_freq", "Choose daily, weekly or monthly, or leave it empty.")
    if byday and not _BYDAY.match(byday):
        errors.add("schedule_byday", "Use day codes like TU, or 2TU for the second Tuesday.")
    for name_, value in (("schedule_opens_at", opens_at), ("schedule_closes_at", closes_at)):
        if value and not _CLOCK.match(value):
            errors.add(name_, "Use 24-hour time such as 18:30.")
    if (
        opens_at
        and closes_at
        and _CLOCK.match(opens_at)
        and _CLOCK.match(closes_at)
        and closes_at <= opens_at
    ):
        errors.add("schedule_closes_at", "The end time must be after the start time.")
    if (freq or byday or opens_at or closes_at) and not schedule_text:
        errors.add(
            "schedule_description", "Describe the schedule in words too, as people will read it."
        )

    scope_text = data.service_area.strip().lower()
    states = [code.upper() for code in split_list(data.service_area_states)]
    if scope_text not in ("", "national", "state"):
        errors.add("service_area", "Choose national, state, or leave it empty.")
    if scope_text == "state":
        if not states:
            errors.add("service_area_states", "List the states served, e.g. MA, NH.")
        for code in states:
            if code not in US_STATES:
                errors.add("service_area_states", f"{code!r} is not a US state code.")
    if delivery and Delivery.IN_PERSON not in delivery and not scope_text:
        errors.add(
            "service_area",
            "Online and phone services need a service area (national or states), or they "
            "can't be found.",
        )
    errors.raise_if_any()

    before = _service_snapshot(service) if service is not None else None
    if service is None:
        service = Service(name=name, category=category)
        db.session.add(service)
    assert organization is not None
    service.organization = organization
    service.name, service.description = name, description
    service.category, service.specialty, service.status = category, specialty, status
    service.audience, service.delivery, service.cost = audience, delivery, cost
    service.fees_description = fees or None
    service.application_process = how_to_join or None
    service.eligibility_description = eligibility or None
    service.url, service.email = url, email
    db.session.flush()

    main_phone = _main_phone(service)
    if phone and main_phone is None:
        service.phones.append(Phone(number=phone, type="voice", organization_id=None))
    elif phone and main_phone is not None:
        main_phone.number = phone
    elif main_phone is not None:
        service.phones.remove(main_phone)
        db.session.delete(main_phone)

    schedule = service.schedules[0] if service.schedules else None
    if schedule_text:
        if schedule is None:
            schedule = Schedule()
            service.schedules.append(schedule)
        schedule.description = schedule_text
        schedule.freq = freq or None
        schedule.byday = byday or None
        schedule.opens_at = opens_at or None
        schedule.closes_at = closes_at or None
    elif schedule is not None:
        service.schedules.remove(schedule)
        db.session.delete(schedule)

    existing_langs = {lang.code: lang for lang in service.languages}
    for code, lang in existing_langs.items():
        if code not in languages:
            service.languages.remove(lang)
    for code in dict.fromkeys(languages):
        if code not in existing_langs:
            service.languages.append(Language(code=code, name=LANGUAGE_NAMES.get(code, code)))

    wanted_areas = (
        [(ServiceAreaScope.NATIONAL, None)]
        if scope_text == "national"
        else [(ServiceAreaScope.STATE, code) for code in dict.fromkeys(states)]
        if scope_text == "state"
        else []
    )
    current_areas = {(area.scope, area.state_code): area for area in service.service_areas}
    for key, area in current_areas.items():
        if key not in wanted_areas:
            service.service_areas.remove(area)
    for scope, code in wanted_areas:
        if (scope, code) not in current_areas:
            service.service_areas.append(
                ServiceArea(
                    scope=scope,
                    state_code=code,
                    name="United States" if code is None else code,
                    extent_type="country" if code is None else "state",
                    extent="US" if code is None else f"US-{code}",
                )
            )
    db.session.flush()
    action = "service.created" if before is None else "service.updated"
    _record_change(actor, action, "service", service.id, before, _service_snapshot(service), now)
    return service


def save_service(
    service: Service | None, data: ServiceInput, *, actor: Actor, now: datetime | None = None
) -> Service:
    """Create or edit a service (a listing)."""
    service = apply_service(service, data, actor=actor, now=now or utcnow())
    db.session.commit()
    return service


def get_service(service_id: str) -> Service | None:
    """One service with everything the portal shows about it."""
    return db.session.scalar(
        sa.select(Service)
        .where(Service.id == service_id)
        .options(
            selectinload(Service.organization),
            selectinload(Service.service_at_locations)
            .selectinload(ServiceAtLocation.location)
            .selectinload(Location.addresses),
            selectinload(Service.phones),
            selectinload(Service.schedules),
            selectinload(Service.languages),
            selectinload(Service.service_areas),
        )
    )


def service_input_from(service: Service) -> ServiceInput:
    """The form values that reproduce `service` (to prefill the edit form and the CSV export)."""
    snap = _service_snapshot(service)
    schedule = snap["schedule"] or {}
    areas = snap["service_area"]
    return ServiceInput(
        organization_id=service.organization_id,
        name=service.name,
        description=service.description or "",
        category=snap["category"] or "",
        specialty=snap["specialty"] or "",
        status=snap["status"] or "active",
        audience=snap["audience"],
        delivery=snap["delivery"],
        cost=snap["cost"],
        fees_description=service.fees_description or "",
        application_process=service.application_process or "",
        eligibility_description=service.eligibility_description or "",
        url=service.url or "",
        email=service.email or "",
        phone=snap["phone"] or "",
        languages=", ".join(snap["languages"]),
        schedule_description=schedule.get("description") or "",
        schedule_freq=schedule.get("freq") or "",
        schedule_byday=schedule.get("byday") or "",
        schedule_opens_at=schedule.get("opens_at") or "",
        schedule_closes_at=schedule.get("closes_at") or "",
        service_area="national" if "national" in areas else "state" if areas else "",
        service_area_states=", ".join(a.split(":", 1)[1] for a in areas if a.startswith("state:")),
    )


def mark_verified(service: Service, *, actor: Actor, now: datetime | None = None) -> Service:
    """Record that a person checked this listing today (HSDS assured_date and who)."""
    now = now or utcnow()
    before = {
        "assured_date": service.assured_date.isoformat() if service.assured_date else None,
        "assurer_email": service.assurer_email,
    }
    service.assured_date = now.date()
    service.assurer_email = actor.email
    audit.record(
        actor,
        "service.verified",
        object_type="service",
        object_id=service.id,
        before=before,
        after={"assured_date": service.assured_date.isoformat(), "assurer_email": actor.email},
        at=now,
    )
    db.session.commit()
    return service


def set_archived(
    service: Service, archived: bool, *, actor: Actor, now: datetime | None = None
) -> Service:
    """Archive a listing (hidden from the public, kept for the record) or bring it back."""
    now = now or utcnow()
    if archived == (service.archived_at is not None):
        return service
    before = {"archived_at": service.archived_at.isoformat() if service.archived_at else None}
    service.archived_at = now if archived else None
    audit.record(
        actor,
        "service.archived" if archived else "service.unarchived",
        object_type="service",
        object_id=service.id,
        before=before,
        after={"archived_at": service.archived_at.isoformat() if service.archived_at else None},
        at=now,
    )
    db.session.commit()
    return service


# ---------------------------------------------------------------------------------------------
# Locations.


def _coordinate(value: str, name: str, low: float, high: float, errors: _Errors) -> float | None:
    value = value.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        errors.add(name, "Enter a number such as 42.3601.")
        return None
    if not low <= number <= high:
        errors.add(name, f"Must be between {low:g} and {high:g}.")
        return None
    return number


@dataclass(frozen=True)
class _CheckedLocation:
    name: str
    address_1: str
    address_2: str
    city: str
    state: str
    postal_code: str
    latitude: float | None
    longitude: float | None


def check_location(data: LocationInput) -> _CheckedLocation:
    """Validate a location's fields (without placing it); raises ValidationFailed."""
    errors = _Errors()
    name = _text(data.name, "name", errors, limit=255)
    address_1 = _text(data.address_1, "address_1", errors, limit=255, required=True)
    address_2 = _text(data.address_2, "address_2", errors, limit=255)
    city = _text(data.city, "city", errors, limit=100, required=True)
    state = data.state.strip().upper()
    if state not in US_STATES:
        errors.add("state", "Enter a two-letter US state code, e.g. MA.")
    postal_code = data.postal_code.strip()
    if not _ZIP.match(postal_code):
        errors.add("postal_code", "Enter a 5-digit ZIP code.")
    latitude = _coordinate(data.latitude, "latitude", -90, 90, errors)
    longitude = _coordinate(data.longitude, "longitude", -180, 180, errors)
    if (latitude is None) != (longitude is None) and not (
        errors.errors.get("latitude") or errors.errors.get("longitude")
    ):
        errors.add(
            "latitude" if latitude is None else "longitude",
            "Give both latitude and longitude, or neither.",
        )
    errors.raise_if_any()
    return _CheckedLocation(
        name, address_1, address_2, city, state, postal_code, latitude, longitude
    )


def apply_location(
    service: Service,
    location: Location | None,
    data: LocationInput,
    *,
    locate: Locate | None,
    actor: Actor,
    now: datetime,
) -> Location:
    """Validate, place (geocode, or use the coordinates given) and write a location (no commit)."""
    checked = check_location(data)
    name, address_1, address_2 = checked.name, checked.address_1, checked.address_2
    city, state, postal_code = checked.city, checked.state, checked.postal_code
    latitude, longitude = checked.latitude, checked.longitude
    if latitude is None or longitude is None:
        latitude, longitude = _place(address_1, city, state, postal_code, locate)

    before = location_snapshot(location) if location else None
    if location is None:
        location = Location(location_type=LocationType.PHYSICAL)
        location.organization_id = service.organization_id
        db.session.add(location)
        service.service_at_locations.append(ServiceAtLocation(location=location))
    location.name = name or None
    location.latitude, location.longitude = latitude, longitude
    location.confidential = bool(data.confidential)
    address = location.addresses[0] if location.addresses else None
    if address is None:
        address = Address(
            address_1=address_1, city=city, state_province=state, postal_code=postal_code
        )
        location.addresses.append(address)
    address.address_1, address.address_2 = address_1, address_2 or None
    address.city, address.state_province, address.postal_code = city, state, postal_code
    address.country = "US"
    db.session.flush()
    action = "service.location_added" if before is None else "service.location_updated"
    _record_change(actor, action, "service", service.id, before, location_snapshot(location), now)
    return location


def _place(
    address_1: str, city: str, state: str, postal_code: str, locate: Locate | None
) -> tuple[float, float]:
    if locate is None:
        raise ValidationFailed.one(
            "latitude",
            "Addresses can't be placed automatically here; enter latitude and longitude.",
        )
    try:
        place = locate(f"{address_1}, {city}, {state} {postal_code}")
    except PlaceNotFound as exc:
        suggestions = exc.suggestions[:3]
        hint = f" Did you mean: {'; '.join(suggestions)}?" if suggestions else ""
        raise ValidationFailed.one(
            "address_1",
            "We couldn't place this address on the map. Check the street, city and ZIP, or "
            f"enter latitude and longitude below.{hint}",
        ) from None
    if place.state_code and place.state_code.upper() != state:
        raise ValidationFailed.one(
            "postal_code", f"ZIP {postal_code} is in {place.state_code}, not {state}."
        )
    return place.latitude, place.longitude


def save_location(
    service: Service,
    location: Location | None,
    data: LocationInput,
    *,
    locate: Locate | None,
    actor: Actor,
    now: datetime | None = None,
) -> Location:
    """Add or edit one of a service's locations."""
    location = apply_location(
        service, location, data, locate=locate, actor=actor, now=now or utcnow()
    )
    db.session.commit()
    return location


def service_location(service: Service, location_id: str) -> Location | None:
    """One of this service's locations (None if the location isn't this service's)."""
    for link in service.service_at_locations:
        if link.location_id == location_id:
            return link.location
    return None


def remove_location(
    service: Service, location: Location, *, actor: Actor, now: datetime | None = None
) -> None:
    """Take a location off a listing (the location row goes if no other service uses it)."""
    now = now or utcnow()
    before = location_snapshot(location)
    for link in list(service.service_at_locations):
        if link.location_id == location.id:
            service.service_at_locations.remove(link)
    db.session.flush()
    still_used = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ServiceAtLocation)
        .where(ServiceAtLocation.location_id == location.id)
    )
    if not still_used:
        db.session.delete(location)
    audit.record(
        actor,
        "service.location_removed",
        object_type="service",
        object_id=service.id,
        before=before,
        at=now,
    )
    db.session.commit()


# ---------------------------------------------------------------------------------------------
# Lists.


@dataclass(frozen=True)
class ListingFilter:
    """The portal list's filters; every field optional."""

    q: str = ""
    status: str = ""
    category: str = ""
    archived: str = "no"  # "no", "only" or "all"


def list_services(
    criteria: ListingFilter, *, page: int = 1, per_page: int = 50
) -> tuple[list[Service], int]:
    """Listings matching `criteria`, by name, one page, with the total count."""
    query = sa.select(Service).join(Service.organization)
    if criteria.q.strip():
        needle = criteria.q.strip()
        query = query.where(
            sa.or_(
                Service.name.icontains(needle, autoescape=True),
                Organization.name.icontains(needle, autoescape=True),
            )
        )
    status = next((s for s in ServiceStatus if s.value == criteria.status), None)
    if status is not None:
        query = query.where(Service.status == status)
    category = next((c for c in Category if c.value == criteria.category), None)
    if category is not None:
        query = query.where(Service.category == category)
    if criteria.archived == "only":
        query = query.where(Service.archived_at.is_not(None))
    elif criteria.archived != "all":
        query = query.where(Service.archived_at.is_(None))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.options(selectinload(Service.organization))
        .order_by(Service.name, Service.id)
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    ).all()
    return list(rows), total


def reverify_queue(*, today: date, limit: int = 200) -> list[Service]:
    """Listings not verified in 180 days (or never), oldest first; archived and defunct skipped."""
    cutoff = today - REVERIFY_AFTER
    live = (Service.archived_at.is_(None), Service.status != ServiceStatus.DEFUNCT)
    # Two queries rather than one ORDER BY over an expression, so the second can walk the
    # assured_date index at directory scale.
    never = list(
        db.session.scalars(
            sa.select(Service)
            .where(*live, Service.assured_date.is_(None))
            .options(selectinload(Service.organization))
            .order_by(Service.name, Service.id)
            .limit(limit)
        )
    )
    stale = (
        list(
            db.session.scalars(
                sa.select(Service)
                .where(*live, Service.assured_date <= cutoff)
                .options(selectinload(Service.organization))
                .order_by(Service.assured_date, Service.id)
                .limit(limit - len(never))
            )
        )
        if len(never) < limit
        else []
    )
    return never + stale
