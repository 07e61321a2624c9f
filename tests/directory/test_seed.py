from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from flask.testing import FlaskCliRunner

from support_hub.db import Base
from support_hub.directory.models import (
    Audience,
    CareSetting,
    Category,
    CostKind,
    Delivery,
    Language,
    Location,
    Organization,
    Phone,
    Service,
    ServiceArea,
    ServiceAreaScope,
    flag_members,
)
from support_hub.directory.seed import load_seed, read_seed
from support_hub.extensions import db


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, sorted, to compare before and after."""
    result = {}
    for table in Base.metadata.sorted_tables:
        rows = db.session.execute(sa.select(table)).all()
        result[table.name] = sorted(rows, key=repr)
    return result


def test_seed_loads_a_realistic_directory() -> None:
    report = load_seed(read_seed())
    assert report.services >= 300
    services = db.session.scalars(sa.select(Service)).all()
    assert len(services) == report.services
    assert {s.category for s in services} == set(Category)
    assert set().union(*(flag_members(s.audience) for s in services)) == set(Audience)
    assert set().union(*(flag_members(s.delivery) for s in services)) == set(Delivery)
    assert set().union(*(flag_members(s.cost) for s in services)) == set(CostKind)
    hospice_settings = set().union(
        *(flag_members(s.care_settings) for s in services if s.category is Category.HOSPICE)
    )
    assert hospice_settings == set(CareSetting)
    spanish = db.session.scalar(
        sa.select(sa.func.count()).select_from(Language).where(Language.code == "es")
    )
    assert spanish and spanish >= 14
    assert db.session.scalar(sa.select(sa.func.count()).where(Location.confidential)) >= 1
    national = db.session.scalar(
        sa.select(sa.func.count()).where(ServiceArea.scope == ServiceAreaScope.NATIONAL)
    )
    assert national and national >= 5


def test_seed_covers_at_least_twelve_metro_areas() -> None:
    load_seed(read_seed())
    numbers = db.session.scalars(sa.select(Phone.number).where(Phone.number.like("+1%5550%")))
    area_codes = Counter(number[2:5] for number in numbers)
    # One area code per metro in the demo data (plus 202 for state/national groups).
    assert len([code for code, n in area_codes.items() if n >= 20]) >= 12


def test_demo_organisations_are_marked_and_use_fictional_numbers() -> None:
    load_seed(read_seed())
    demo_ids = set(db.session.scalars(sa.select(Organization.id).where(Organization.is_demo)))
    assert demo_ids
    for org in db.session.scalars(sa.select(Organization).where(Organization.is_demo)):
        assert "fictional" in org.description
    demo_phones = db.session.scalars(
        sa.select(Phone.number).join(Service).where(Service.organization_id.in_(demo_ids))
    ).all()
    assert demo_phones
    # The 555-0100..555-0199 block is reserved for fiction.
    assert all(number[5:9] == "5550" and number[9] == "1" for number in demo_phones)


def test_seeding_twice_changes_nothing(cli: FlaskCliRunner) -> None:
    first = cli.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    before = snapshot()
    second = cli.invoke(args=["seed"])
    assert second.exit_code == 0, second.output
    db.session.expire_all()
    assert snapshot() == before
    assert len(before["service"]) >= 300
