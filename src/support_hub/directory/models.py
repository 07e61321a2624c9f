"""The directory: who offers what support, where and when (DESIGN §9, Open Referral HSDS 3.0).

Table and column names follow HSDS 3.0 so export and import are a direct mapping. Our own
vocabulary (category, audience, delivery, cost kind, care setting) sits on `service` as typed
columns because search filters on it at a million rows; HSDS export renders it as taxonomy terms.
"""

from __future__ import annotations

import enum
import functools
from datetime import date, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from support_hub.db import (
    Base,
    FlagSet,
    UTCDateTime,
    created_at,
    id_pk,
    str_enum,
    updated_at,
    utcnow,
)


class ServiceStatus(enum.Enum):
    """ACTIVE <-> TEMPORARILY_CLOSED; ACTIVE <-> INACTIVE; any -> DEFUNCT (closed for good).

    Values are HSDS 3.0's. Only ACTIVE listings are shown in public search.
    """

    ACTIVE = "active"
    TEMPORARILY_CLOSED = "temporarily closed"
    INACTIVE = "inactive"
    DEFUNCT = "defunct"


class Category(enum.Enum):
    """The kind of support a service gives (one per service)."""

    SUPPORT_GROUP = "support_group"
    COUNSELING = "counseling"
    SOCIAL_WORK = "social_work"
    SPIRITUAL_CARE = "spiritual_care"
    PALLIATIVE_CARE = "palliative_care"
    HOSPICE = "hospice"
    NUTRITION = "nutrition"
    HELPLINE = "helpline"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


CATEGORY_LABELS: dict[Category, str] = {
    Category.SUPPORT_GROUP: "Support group",
    Category.COUNSELING: "Counseling",
    Category.SOCIAL_WORK: "Social work",
    Category.SPIRITUAL_CARE: "Spiritual care",
    Category.PALLIATIVE_CARE: "Palliative care",
    Category.HOSPICE: "Hospice",
    Category.NUTRITION: "Nutrition",
    Category.HELPLINE: "Helpline",
}


class Specialty(enum.Enum):
    """Who gives counseling or spiritual care, where that matters to the person choosing."""

    THERAPIST = "therapist"
    COUNSELOR = "counselor"
    PSYCHOLOGIST = "psychologist"
    CHAPLAIN = "chaplain"
    SPIRITUAL_ADVISER = "spiritual_adviser"


class Audience(enum.Flag):
    """Who a service is for; a service may serve several."""

    PATIENTS = enum.auto()
    METASTATIC = enum.auto()
    CAREGIVERS = enum.auto()
    FAMILY = enum.auto()
    BEREAVED = enum.auto()
    YOUNG_ADULTS = enum.auto()
    LGBTQ = enum.auto()


class Delivery(enum.Flag):
    """How a service is given; a service may be offered several ways."""

    IN_PERSON = enum.auto()
    ONLINE = enum.auto()
    PHONE = enum.auto()


class CostKind(enum.Flag):
    """How a service is paid for; several may apply (e.g. insurance with a sliding scale)."""

    FREE = enum.auto()
    SLIDING_SCALE = enum.auto()
    INSURANCE = enum.auto()
    FEE = enum.auto()


class CareSetting(enum.Flag):
    """Where palliative or hospice care is given."""

    HOME = enum.auto()
    NURSING_HOME = enum.auto()
    HOSPITAL = enum.auto()
    HOSPICE_CENTER = enum.auto()


F = TypeVar("F", bound=enum.Flag)


def flag_slug(member: enum.Flag) -> str:
    """The API/URL name of one flag member: `Delivery.IN_PERSON` -> "in_person"."""
    assert member.name is not None, "only single members have a slug"
    return member.name.lower()


def flag_from_slugs(flag_type: type[F], slugs: list[str]) -> F:
    """Parse slugs back into a flag; raises KeyError naming an unknown slug."""
    value = flag_type(0)
    for slug in slugs:
        value |= flag_type[slug.strip().upper()]
    return value


def flag_members(value: F) -> list[F]:
    """The single members set in `value`, in declaration order."""
    return [member for member in type(value) if member in value]


@functools.cache
def flag_slugs(value: enum.Flag) -> tuple[str, ...]:
    """The slugs of the members set in `value`, in declaration order (the API's lists).

    Cached: a flag type has few values, and the API writes three per listing.
    """
    return tuple(flag_slug(member) for member in flag_members(value))


class LocationType(enum.Enum):
    """HSDS location kinds: a place people go, a mailing address, or online/phone only."""

    PHYSICAL = "physical"
    POSTAL = "postal"
    VIRTUAL = "virtual"


class ServiceAreaScope(enum.Enum):
    """How far an online or phone service reaches: the whole country or one state."""

    NATIONAL = "national"
    STATE = "state"


class Organization(Base):
    __tablename__ = "organization"

    id: Mapped[id_pk]
    name: Mapped[str] = mapped_column(sa.String(255))
    alternate_name: Mapped[str | None] = mapped_column(sa.String(255))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    email: Mapped[str | None] = mapped_column(sa.String(255))
    website: Mapped[str | None] = mapped_column(sa.String(500))
    tax_status: Mapped[str | None] = mapped_column(sa.String(100))
    tax_id: Mapped[str | None] = mapped_column(sa.String(100))
    year_incorporated: Mapped[int | None]
    legal_status: Mapped[str | None] = mapped_column(sa.String(100))
    logo: Mapped[str | None] = mapped_column(sa.String(500))
    uri: Mapped[str | None] = mapped_column(sa.String(500))
    parent_organization_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="SET NULL")
    )
    # Demo organisations from seed/ are fictional; this lets a deployment find and purge them.
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[created_at]
    last_modified: Mapped[updated_at]

    services: Mapped[list[Service]] = relationship(back_populates="organization")
    locations: Mapped[list[Location]] = relationship(back_populates="organization")
    phones: Mapped[list[Phone]] = relationship(back_populates="organization")


class Service(Base):
    __tablename__ = "service"
    __table_args__ = (
        sa.Index("ix_service_status_category", "status", "category"),
        sa.Index("ix_service_assured_date", "assured_date"),
        # HSDS API pages: public listings in id order, and "does this organization have any".
        sa.Index("ix_service_status_archived_at_id", "status", "archived_at", "id"),
        sa.Index(
            "ix_service_organization_id_status_archived_at",
            "organization_id",
            "status",
            "archived_at",
        ),
    )

    id: Mapped[id_pk]
    organization_id: Mapped[str] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(255))
    alternate_name: Mapped[str | None] = mapped_column(sa.String(255))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    url: Mapped[str | None] = mapped_column(sa.String(500))
    email: Mapped[str | None] = mapped_column(sa.String(255))
    status: Mapped[ServiceStatus] = mapped_column(
        str_enum(ServiceStatus), default=ServiceStatus.ACTIVE
    )
    category: Mapped[Category] = mapped_column(str_enum(Category))
    specialty: Mapped[Specialty | None] = mapped_column(str_enum(Specialty))
    audience: Mapped[Audience] = mapped_column(FlagSet(Audience), default=Audience(0))
    delivery: Mapped[Delivery] = mapped_column(FlagSet(Delivery), default=Delivery(0))
    cost: Mapped[CostKind] = mapped_column(FlagSet(CostKind), default=CostKind(0))
    care_settings: Mapped[CareSetting] = mapped_column(FlagSet(CareSetting), default=CareSetting(0))
    interpretation_services: Mapped[str | None] = mapped_column(sa.Text)
    # How to join or get started, in the words a person needs ("Call to register", "Just come").
    application_process: Mapped[str | None] = mapped_column(sa.Text)
    fees_description: Mapped[str | None] = mapped_column(sa.Text)
    eligibility_description: Mapped[str | None] = mapped_column(sa.Text)
    minimum_age: Mapped[int | None]
    maximum_age: Mapped[int | None]
    alert: Mapped[str | None] = mapped_column(sa.Text)
    # Last verified by a person (HSDS assured_date), kept apart from last_modified on purpose.
    assured_date: Mapped[date | None] = mapped_column(sa.Date)
    assurer_email: Mapped[str | None] = mapped_column(sa.String(255))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[created_at]
    last_modified: Mapped[updated_at]

    organization: Mapped[Organization] = relationship(back_populates="services")
    service_at_locations: Mapped[list[ServiceAtLocation]] = relationship(
        back_populates="service", cascade="all, delete-orphan"
    )
    phones: Mapped[list[Phone]] = relationship(back_populates="service")
    schedules: Mapped[list[Schedule]] = relationship(back_populates="service")
    languages: Mapped[list[Language]] = relationship(
        back_populates="service", cascade="all, delete-orphan"
    )
    cost_options: Mapped[list[CostOption]] = relationship(
        back_populates="service", cascade="all, delete-orphan"
    )
    service_areas: Mapped[list[ServiceArea]] = relationship(
        back_populates="service", cascade="all, delete-orphan"
    )


class Location(Base):
    __tablename__ = "location"
    __table_args__ = (
        # The nearby search's prefilter: a bounding box on indexed coordinates.
        sa.Index("ix_location_latitude_longitude", "latitude", "longitude"),
    )

    id: Mapped[id_pk]
    location_type: Mapped[LocationType] = mapped_column(
        str_enum(LocationType), default=LocationType.PHYSICAL
    )
    url: Mapped[str | None] = mapped_column(sa.String(500))
    organization_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(sa.String(255))
    alternate_name: Mapped[str | None] = mapped_column(sa.String(255))
    description: Mapped[str | None] = mapped_column(sa.Text)
    transportation: Mapped[str | None] = mapped_column(sa.Text)
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    external_identifier: Mapped[str | None] = mapped_column(sa.String(255))
    external_identifier_type: Mapped[str | None] = mapped_column(sa.String(255))
    # A confidential location (a shelter, a home-based group) never shows its address publicly.
    confidential: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[created_at]
    last_modified: Mapped[updated_at]

    organization: Mapped[Organization | None] = relationship(back_populates="locations")

    @validates("latitude", "longitude")
    def _round_coordinate(self, _key: str, value: float | None) -> float | None:
        # Seven decimals is about a centimetre, whoever writes the point (portal, CSV, HSDS,
        # seed). Rounding also turns denormals (1e-320) into 0.0, which PostgreSQL's float maths
        # in the ll_to_earth search index would otherwise refuse as an underflow.
        return None if value is None else round(float(value), 7)

    addresses: Mapped[list[Address]] = relationship(
        back_populates="location", cascade="all, delete-orphan"
    )
    service_at_locations: Mapped[list[ServiceAtLocation]] = relationship(
        back_populates="location", cascade="all, delete-orphan"
    )
    accessibility: Mapped[list[Accessibility]] = relationship(
        back_populates="location", cascade="all, delete-orphan"
    )
    phones: Mapped[list[Phone]] = relationship(back_populates="location")
    schedules: Mapped[list[Schedule]] = relationship(back_populates="location")
    languages: Mapped[list[Language]] = relationship(back_populates="location")


class ServiceAtLocation(Base):
    __tablename__ = "service_at_location"
    __table_args__ = (sa.UniqueConstraint("service_id", "location_id"),)

    id: Mapped[id_pk]
    service_id: Mapped[str] = mapped_column(sa.ForeignKey("service.id", ondelete="CASCADE"))
    location_id: Mapped[str] = mapped_column(
        sa.ForeignKey("location.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str | None] = mapped_column(sa.Text)

    service: Mapped[Service] = relationship(back_populates="service_at_locations")
    location: Mapped[Location] = relationship(back_populates="service_at_locations")
    phones: Mapped[list[Phone]] = relationship(back_populates="service_at_location")
    schedules: Mapped[list[Schedule]] = relationship(back_populates="service_at_location")


class Address(Base):
    __tablename__ = "address"

    id: Mapped[id_pk]
    location_id: Mapped[str] = mapped_column(
        sa.ForeignKey("location.id", ondelete="CASCADE"), index=True
    )
    attention: Mapped[str | None] = mapped_column(sa.String(255))
    address_1: Mapped[str] = mapped_column(sa.String(255))
    address_2: Mapped[str | None] = mapped_column(sa.String(255))
    city: Mapped[str] = mapped_column(sa.String(100))
    region: Mapped[str | None] = mapped_column(sa.String(100))
    state_province: Mapped[str] = mapped_column(sa.String(100))
    postal_code: Mapped[str] = mapped_column(sa.String(20))
    country: Mapped[str] = mapped_column(sa.String(2), default="US")
    address_type: Mapped[LocationType] = mapped_column(
        str_enum(LocationType), default=LocationType.PHYSICAL
    )

    location: Mapped[Location] = relationship(back_populates="addresses")


class Phone(Base):
    __tablename__ = "phone"

    id: Mapped[id_pk]
    location_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("location.id", ondelete="CASCADE"), index=True
    )
    service_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    service_at_location_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("service_at_location.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(sa.String(50))
    extension: Mapped[str | None] = mapped_column(sa.String(20))
    type: Mapped[str | None] = mapped_column(sa.String(20))
    description: Mapped[str | None] = mapped_column(sa.Text)

    location: Mapped[Location | None] = relationship(back_populates="phones")
    service: Mapped[Service | None] = relationship(back_populates="phones")
    organization: Mapped[Organization | None] = relationship(back_populates="phones")
    service_at_location: Mapped[ServiceAtLocation | None] = relationship(back_populates="phones")
    # Languages spoken on this line (HSDS phone.languages).
    languages: Mapped[list[Language]] = relationship(viewonly=True)


class Schedule(Base):
    """When a service meets or is open: an iCalendar-style rule plus the words people wrote."""

    __tablename__ = "schedule"

    id: Mapped[id_pk]
    service_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    location_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("location.id", ondelete="CASCADE"), index=True
    )
    service_at_location_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("service_at_location.id", ondelete="CASCADE"), index=True
    )
    valid_from: Mapped[date | None] = mapped_column(sa.Date)
    valid_to: Mapped[date | None] = mapped_column(sa.Date)
    dtstart: Mapped[date | None] = mapped_column(sa.Date)
    timezone: Mapped[float | None] = mapped_column(sa.Float)
    until: Mapped[date | None] = mapped_column(sa.Date)
    count: Mapped[int | None]
    wkst: Mapped[str | None] = mapped_column(sa.String(2))
    freq: Mapped[str | None] = mapped_column(sa.String(10))
    interval: Mapped[int | None]
    byday: Mapped[str | None] = mapped_column(sa.String(50))
    byweekno: Mapped[str | None] = mapped_column(sa.String(50))
    bymonthday: Mapped[str | None] = mapped_column(sa.String(50))
    byyearday: Mapped[str | None] = mapped_column(sa.String(50))
    # As people say it ("2nd Tuesday, 6-7:30 pm"); always shown. The rule fields are for machines.
    description: Mapped[str | None] = mapped_column(sa.Text)
    opens_at: Mapped[str | None] = mapped_column(sa.String(8))
    closes_at: Mapped[str | None] = mapped_column(sa.String(8))
    schedule_link: Mapped[str | None] = mapped_column(sa.String(500))
    attending_type: Mapped[str | None] = mapped_column(sa.String(100))
    notes: Mapped[str | None] = mapped_column(sa.Text)

    service: Mapped[Service | None] = relationship(back_populates="schedules")
    location: Mapped[Location | None] = relationship(back_populates="schedules")
    service_at_location: Mapped[ServiceAtLocation | None] = relationship(back_populates="schedules")


class Language(Base):
    __tablename__ = "language"
    __table_args__ = (sa.Index("ix_language_code_service_id", "code", "service_id"),)

    id: Mapped[id_pk]
    service_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    location_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("location.id", ondelete="CASCADE"), index=True
    )
    phone_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("phone.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(sa.String(100))
    # ISO 639-1 where one exists ("en", "es").
    code: Mapped[str | None] = mapped_column(sa.String(10))
    note: Mapped[str | None] = mapped_column(sa.Text)

    service: Mapped[Service | None] = relationship(back_populates="languages")
    location: Mapped[Location | None] = relationship(back_populates="languages")


class CostOption(Base):
    __tablename__ = "cost_option"

    id: Mapped[id_pk]
    service_id: Mapped[str] = mapped_column(
        sa.ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    valid_from: Mapped[date | None] = mapped_column(sa.Date)
    valid_to: Mapped[date | None] = mapped_column(sa.Date)
    option: Mapped[str | None] = mapped_column(sa.Text)
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    amount: Mapped[float | None] = mapped_column(sa.Numeric(10, 2, asdecimal=False))
    amount_description: Mapped[str | None] = mapped_column(sa.Text)

    service: Mapped[Service] = relationship(back_populates="cost_options")


class Accessibility(Base):
    __tablename__ = "accessibility"

    id: Mapped[id_pk]
    location_id: Mapped[str] = mapped_column(
        sa.ForeignKey("location.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str | None] = mapped_column(sa.Text)
    details: Mapped[str | None] = mapped_column(sa.Text)
    url: Mapped[str | None] = mapped_column(sa.String(500))

    location: Mapped[Location] = relationship(back_populates="accessibility")


class ServiceArea(Base):
    """Where an online or phone service is available: the whole country or one state."""

    __tablename__ = "service_area"
    __table_args__ = (sa.Index("ix_service_area_scope_state_code", "scope", "state_code"),)

    id: Mapped[id_pk]
    service_id: Mapped[str] = mapped_column(
        sa.ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(sa.String(255))
    description: Mapped[str | None] = mapped_column(sa.Text)
    extent: Mapped[str | None] = mapped_column(sa.Text)
    extent_type: Mapped[str | None] = mapped_column(sa.String(50))
    uri: Mapped[str | None] = mapped_column(sa.String(500))
    scope: Mapped[ServiceAreaScope] = mapped_column(str_enum(ServiceAreaScope))
    # Two-letter USPS code when scope is STATE.
    state_code: Mapped[str | None] = mapped_column(sa.String(2))

    service: Mapped[Service] = relationship(back_populates="service_areas")


class Taxonomy(Base):
    __tablename__ = "taxonomy"

    id: Mapped[id_pk]
    name: Mapped[str] = mapped_column(sa.String(255))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    uri: Mapped[str | None] = mapped_column(sa.String(500))
    version: Mapped[str | None] = mapped_column(sa.String(50))

    terms: Mapped[list[TaxonomyTerm]] = relationship(back_populates="taxonomy_detail")


class TaxonomyTerm(Base):
    __tablename__ = "taxonomy_term"
    __table_args__ = (sa.Index("ix_taxonomy_term_taxonomy_id_code", "taxonomy_id", "code"),)

    id: Mapped[id_pk]
    code: Mapped[str | None] = mapped_column(sa.String(100))
    name: Mapped[str] = mapped_column(sa.String(255))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    parent_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("taxonomy_term.id", ondelete="SET NULL")
    )
    taxonomy: Mapped[str | None] = mapped_column(sa.String(255))
    language: Mapped[str | None] = mapped_column(sa.String(10))
    taxonomy_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("taxonomy.id", ondelete="CASCADE")
    )
    term_uri: Mapped[str | None] = mapped_column(sa.String(500))

    taxonomy_detail: Mapped[Taxonomy | None] = relationship(back_populates="terms")


class Attribute(Base):
    """HSDS link from any record to a taxonomy term (used for terms outside our own vocabulary)."""

    __tablename__ = "attribute"
    __table_args__ = (sa.Index("ix_attribute_link_id_link_type", "link_id", "link_type"),)

    id: Mapped[id_pk]
    link_id: Mapped[str] = mapped_column(sa.String(36))
    taxonomy_term_id: Mapped[str] = mapped_column(
        sa.ForeignKey("taxonomy_term.id", ondelete="CASCADE"), index=True
    )
    link_type: Mapped[str | None] = mapped_column(sa.String(50))
    link_entity: Mapped[str] = mapped_column(sa.String(50))
    value: Mapped[str | None] = mapped_column(sa.Text)

    taxonomy_term: Mapped[TaxonomyTerm] = relationship()


class GeocodeCacheEntry(Base):
    """A geopy geocoder's answer (or its 'not found'), keyed by a hash of the normalised query.

    The query text itself is not kept: a searched street address may be someone's home.
    """

    __tablename__ = "geocode_cache"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    service: Mapped[str] = mapped_column(sa.String(50))
    found: Mapped[bool]
    label: Mapped[str | None] = mapped_column(sa.String(500))
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    state_code: Mapped[str | None] = mapped_column(sa.String(2))
    timezone: Mapped[str | None] = mapped_column(sa.String(64))
    postal_code: Mapped[str | None] = mapped_column(sa.String(10))
    created_at: Mapped[created_at]

    @staticmethod
    def values_for(key: str, service: str, place: Any) -> dict[str, Any]:
        """Column values for caching `place` (a geocode.Place, or None for 'not found')."""
        values: dict[str, Any] = {"key": key, "service": service, "found": place is not None}
        values["created_at"] = utcnow()
        if place is not None:
            for name in ("label", "latitude", "longitude", "state_code", "timezone", "postal_code"):
                values[name] = getattr(place, name)
            values["label"] = values["label"][:500]
        return values

    def place(self) -> Any:
        """The cached geocode.Place, or None when the geocoder found nothing."""
        from support_hub.directory.geocode import Place

        if not self.found or self.latitude is None or self.longitude is None:
            return None
        return Place(
            label=self.label or "",
            latitude=self.latitude,
            longitude=self.longitude,
            state_code=self.state_code,
            timezone=self.timezone,
            postal_code=self.postal_code,
        )


# Online/phone options for a place are read in this order and stop after a page, so a state
# with thousands of online services costs the same as one with ten (directory/search.py).
sa.Index(
    "ix_service_area_scope_state_code_service_id",
    ServiceArea.scope,
    ServiceArea.state_code,
    ServiceArea.service_id,
)


# PostgreSQL only: nearest-first search walks this GiST index (cube/earthdistance, created by
# migration 0003) in distance order; SQLite searches the (latitude, longitude) B-tree in rings.
sa.Index(
    "ix_location_earth",
    sa.func.ll_to_earth(Location.latitude, Location.longitude),
    postgresql_using="gist",
).ddl_if(dialect="postgresql")


def search_text(column: sa.ColumnExpressionArgument[str | None]) -> sa.ColumnElement[str]:
    """What the HSDS API's `search` matches a column by: its text in lower case."""
    return sa.func.lower(column)


# PostgreSQL only: trigram GIN indexes (pg_trgm, created by migration 0010) on exactly the
# expressions the HSDS API's `search` filters with LIKE '%word%' (directory/hsds_queries.py), so a
# search reads the rows that hold its trigrams instead of every row. SQLite scans.
TRIGRAM_SEARCHED_COLUMNS = (
    Service.__table__.c.name,
    Service.__table__.c.alternate_name,
    Service.__table__.c.description,
    Location.__table__.c.name,
    Organization.__table__.c.name,
    Organization.__table__.c.alternate_name,
    Organization.__table__.c.description,
)
for _column in TRIGRAM_SEARCHED_COLUMNS:
    sa.Index(
        f"ix_{_column.table.name}_{_column.key}_trgm",
        search_text(_column).label(_column.key),
        postgresql_using="gin",
        postgresql_ops={_column.key: "gin_trgm_ops"},
    ).ddl_if(dialect="postgresql")
