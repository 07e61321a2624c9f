"""Load the demo directory in `seed/` (idempotent: ids derive from the seed's keys)."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from support_hub.db import Base
from support_hub.directory.models import (
    Accessibility,
    Address,
    Audience,
    CareSetting,
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
    flag_from_slugs,
)
from support_hub.extensions import db

SEED_NAMESPACE = uuid.UUID("6f1c3a52-8d0e-4c2b-9a57-2f4e8b1d7c90")
DEFAULT_SEED_DIR = Path(__file__).resolve().parents[3] / "seed"

LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}


def seed_id(kind: str, key: str) -> str:
    """A stable UUID for a seed record, so loading twice updates rather than duplicates."""
    return str(uuid.uuid5(SEED_NAMESPACE, f"{kind}:{key}"))


@dataclass
class SeedReport:
    organizations: int = 0
    services: int = 0
    by_category: Counter[str] = field(default_factory=Counter)


def _records_for_service(raw: dict[str, Any]) -> list[Base]:
    key = raw["key"]
    service = Service(
        id=seed_id("service", key),
        organization_id=seed_id("organization", raw["organization"]),
        name=raw["name"],
        description=raw["description"],
        url=raw.get("url"),
        email=raw.get("email"),
        status=ServiceStatus(raw.get("status", "active")),
        category=Category(raw["category"]),
        specialty=Specialty(raw["specialty"]) if raw.get("specialty") else None,
        audience=flag_from_slugs(Audience, raw["audience"]),
        delivery=flag_from_slugs(Delivery, raw["delivery"]),
        cost=flag_from_slugs(CostKind, raw["cost"]),
        care_settings=flag_from_slugs(CareSetting, raw["care_settings"]),
        application_process=raw.get("application_process"),
        fees_description=raw.get("fees_description"),
        assured_date=date.fromisoformat(raw["assured_date"]) if raw.get("assured_date") else None,
        assurer_email="demo-data@support-hub.invalid" if raw.get("assured_date") else None,
    )
    records: list[Base] = [service]
    sal_id: str | None = None
    location_raw = raw.get("location")
    if location_raw:
        location_id = seed_id("location", key)
        sal_id = seed_id("service_at_location", key)
        records += [
            Location(
                id=location_id,
                location_type=LocationType.PHYSICAL,
                organization_id=service.organization_id,
                name=location_raw["name"],
                latitude=location_raw["latitude"],
                longitude=location_raw["longitude"],
                confidential=bool(location_raw.get("confidential")),
            ),
            Address(
                id=seed_id("address", key),
                location_id=location_id,
                address_1=location_raw["address_1"],
                city=location_raw["city"],
                state_province=location_raw["state"],
                postal_code=location_raw["postal_code"],
                country="US",
                address_type=LocationType.PHYSICAL,
            ),
            ServiceAtLocation(id=sal_id, service_id=service.id, location_id=location_id),
        ]
        if location_raw.get("accessibility"):
            records.append(
                Accessibility(
                    id=seed_id("accessibility", key),
                    location_id=location_id,
                    description=location_raw["accessibility"],
                )
            )
    if raw.get("phone"):
        records.append(
            Phone(
                id=seed_id("phone", key), service_id=service.id, number=raw["phone"], type="voice"
            )
        )
    schedule = raw.get("schedule")
    if schedule:
        records.append(
            Schedule(
                id=seed_id("schedule", key),
                service_id=service.id,
                service_at_location_id=sal_id,
                description=schedule["description"],
                freq=schedule.get("freq"),
                byday=schedule.get("byday"),
                opens_at=schedule.get("opens_at"),
                closes_at=schedule.get("closes_at"),
            )
        )
    for code in raw.get("languages", []):
        records.append(
            Language(
                id=seed_id("language", f"{key}:{code}"),
                service_id=service.id,
                code=code,
                name=LANGUAGE_NAMES.get(code, code),
            )
        )
    area = raw.get("service_area")
    if area:
        scope = ServiceAreaScope(area["scope"])
        records.append(
            ServiceArea(
                id=seed_id("service_area", key),
                service_id=service.id,
                scope=scope,
                state_code=area.get("state"),
                name="United States" if scope is ServiceAreaScope.NATIONAL else area["state"],
                extent_type="country" if scope is ServiceAreaScope.NATIONAL else "state",
                extent="US" if scope is ServiceAreaScope.NATIONAL else f"US-{area['state']}",
            )
        )
    return records


def read_seed(seed_dir: Path = DEFAULT_SEED_DIR) -> dict[str, Any]:
    """The demo directory as stored in `seed/listings.json`."""
    data: dict[str, Any] = json.loads((seed_dir / "listings.json").read_text(encoding="utf-8"))
    return data


def load_seed(data: dict[str, Any]) -> SeedReport:
    """Insert or update every seed record; unchanged records stay untouched (one transaction)."""
    report = SeedReport()
    records: list[Base] = []
    for raw in data["organizations"]:
        records.append(
            Organization(
                id=seed_id("organization", raw["key"]),
                name=raw["name"],
                description=raw["description"],
                website=raw.get("website"),
                email=raw.get("email"),
                is_demo=bool(raw.get("demo")),
            )
        )
        report.organizations += 1
    for raw in data["services"]:
        records += _records_for_service(raw)
        report.services += 1
        report.by_category[raw["category"]] += 1

    # Load what exists first, so merge() compares in memory instead of one SELECT per record.
    by_type: dict[type[Base], list[str]] = {}
    for record in records:
        by_type.setdefault(type(record), []).append(record.id)  # type: ignore[attr-defined]
    for model, ids in by_type.items():
        for chunk_start in range(0, len(ids), 500):
            chunk = ids[chunk_start : chunk_start + 500]
            db.session.scalars(sa.select(model).where(model.id.in_(chunk))).all()  # type: ignore[attr-defined]
    for record in records:
        db.session.merge(record)
    db.session.commit()
    return report
