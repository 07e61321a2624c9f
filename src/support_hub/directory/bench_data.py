"""Synthetic listings for benchmarks, spread like the US population (DESIGN §5 `bench-data`).

Most listings cluster around metro areas in proportion to their population; the rest sit on
ZIP code centroids chosen uniformly, which covers small towns and rural counties. Rows go in with
batched Core inserts, so a million listings take minutes, not hours.
"""

from __future__ import annotations

import csv
import math
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
import zipcodes

from support_hub.db import DIRECTORY_TABLES, refresh_statistics, utcnow
from support_hub.directory.models import (
    Audience,
    Category,
    CostKind,
    Delivery,
    Location,
    LocationType,
    Organization,
    Service,
    ServiceArea,
    ServiceAreaScope,
    ServiceAtLocation,
    ServiceStatus,
)
from support_hub.directory.seed import DEFAULT_SEED_DIR
from support_hub.extensions import db

METRO_SHARE = 0.7  # the top ~80 metros hold roughly 70% of the US population
ONLINE_SHARE = 0.08
SERVICES_PER_ORGANIZATION = 50
KM_PER_DEGREE_LAT = 111.32


@dataclass(frozen=True)
class Metro:
    name: str
    state: str
    latitude: float
    longitude: float
    population: int


def read_metros(seed_dir: Path = DEFAULT_SEED_DIR) -> list[Metro]:
    """The metro areas table in `seed/us_metros.csv`."""
    with (seed_dir / "us_metros.csv").open(newline="", encoding="utf-8") as handle:
        return [
            Metro(
                row["metro"],
                row["state"],
                float(row["latitude"]),
                float(row["longitude"]),
                int(row["population"]),
            )
            for row in csv.DictReader(handle)
        ]


class PopulationSampler:
    """Draws points (lat, lng, state) weighted like where people live."""

    def __init__(self, rng: random.Random, metros: list[Metro]) -> None:
        self.rng = rng
        self.metros = metros
        self.weights = [m.population for m in metros]
        self.zips = [
            (float(z["lat"]), float(z["long"]), z["state"])
            for z in zipcodes.list_all()
            if z["active"] and z["zip_code_type"] == "STANDARD" and z["lat"] and z["long"]
        ]

    def point(self) -> tuple[float, float, str]:
        rng = self.rng
        if rng.random() < METRO_SHARE:
            (metro,) = rng.choices(self.metros, weights=self.weights)
            # Bigger metros sprawl further: spread grows with the square root of population.
            sigma_km = 6.0 + 7.0 * math.sqrt(metro.population / 1_000_000)
            dlat = rng.gauss(0, sigma_km) / KM_PER_DEGREE_LAT
            dlng = rng.gauss(0, sigma_km) / (
                KM_PER_DEGREE_LAT * math.cos(math.radians(metro.latitude))
            )
            return metro.latitude + dlat, metro.longitude + dlng, metro.state
        lat, lng, state = rng.choice(self.zips)
        return lat + rng.uniform(-0.02, 0.02), lng + rng.uniform(-0.02, 0.02), state


def _batches(
    n: int, batch_size: int, rng: random.Random, sampler: PopulationSampler
) -> Iterator[dict[str, list[dict[str, object]]]]:
    categories = list(Category)
    audiences = list(Audience)
    now = utcnow()
    made = 0
    while made < n:
        size = min(batch_size, n - made)
        batch: dict[str, list[dict[str, object]]] = {
            "organization": [],
            "service": [],
            "location": [],
            "service_at_location": [],
            "service_area": [],
        }
        for i in range(made, made + size):
            if i % SERVICES_PER_ORGANIZATION == 0:
                org_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                batch["organization"].append(
                    {
                        "id": org_id,
                        "name": f"Synthetic Organization {i // SERVICES_PER_ORGANIZATION}",
                        "description": "Synthetic benchmark data.",
                        "is_demo": True,
                        "created_at": now,
                        "last_modified": now,
                    }
                )
            service_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            lat, lng, state = sampler.point()
            online = rng.random() < ONLINE_SHARE
            audience = rng.choice(audiences) | rng.choice(audiences)
            batch["service"].append(
                {
                    "id": service_id,
                    "organization_id": org_id,
                    "name": f"Synthetic listing {i}",
                    "description": "Synthetic benchmark data.",
                    "status": ServiceStatus.ACTIVE,
                    "category": rng.choice(categories),
                    "audience": audience,
                    "delivery": Delivery.ONLINE if online else Delivery.IN_PERSON,
                    "cost": CostKind.FREE if rng.random() < 0.6 else CostKind.INSURANCE,
                    "care_settings": 0,
                    "created_at": now,
                    "last_modified": now,
                }
            )
            if online:
                batch["service_area"].append(
                    {
                        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                        "service_id": service_id,
                        "scope": ServiceAreaScope.STATE,
                        "state_code": state,
                        "name": state,
                    }
                )
                continue
            location_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            batch["location"].append(
                {
                    "id": location_id,
                    "location_type": LocationType.PHYSICAL,
                    "organization_id": org_id,
                    "latitude": round(lat, 6),
                    "longitude": round(lng, 6),
                    "confidential": False,
                    "created_at": now,
                    "last_modified": now,
                }
            )
            batch["service_at_location"].append(
                {
                    "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "service_id": service_id,
                    "location_id": location_id,
                }
            )
        made += size
        yield batch


def insert_bench_listings(n: int, *, batch_size: int = 10_000, seed: int = 1) -> int:
    """Insert `n` synthetic listings in batches, one commit per batch; returns how many."""
    rng = random.Random(seed)
    sampler = PopulationSampler(rng, read_metros())
    tables = [
        ("organization", Organization.__table__),
        ("service", Service.__table__),
        ("location", Location.__table__),
        ("service_at_location", ServiceAtLocation.__table__),
        ("service_area", ServiceArea.__table__),
    ]
    for batch in _batches(n, batch_size, rng, sampler):
        for key, table in tables:
            if batch[key]:
                db.session.execute(sa.insert(table), batch[key])
        db.session.commit()
    refresh_statistics(db.session, DIRECTORY_TABLES)
    return n
