from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from support_hub.directory import hsds, hsds_import
from support_hub.directory.models import (
    Audience,
    Category,
    Delivery,
    Location,
    Service,
    ServiceArea,
    ServiceAreaScope,
    ServiceAtLocation,
)
from support_hub.directory.seed import load_seed, read_seed
from support_hub.extensions import db

from .hsds_support import (
    assert_valid,
    empty_directory,
    load_small_seed,
    official_schemas,
)


def confidential_service_ids() -> set[str]:
    return set(
        db.session.scalars(
            sa.select(ServiceAtLocation.service_id)
            .join(Location, Location.id == ServiceAtLocation.location_id)
            .where(Location.confidential.is_(True))
        )
    )


def test_every_exported_demo_record_validates_against_the_official_schemas(
    shared_dir: Path,
) -> None:
    load_seed(read_seed())
    records = hsds.export_services(include_confidential=True)
    assert len(records) == db.session.scalar(sa.select(sa.func.count()).select_from(Service))
    schemas = official_schemas(shared_dir)
    for record in records:
        assert_valid("service.json", record, schemas)
        for attribute in record["attributes"]:
            assert_valid("taxonomy_term.json", attribute["taxonomy_term"], schemas)


def test_export_renders_our_vocabulary_as_support_hub_taxonomy_terms() -> None:
    load_small_seed()
    service = db.session.scalars(
        sa.select(Service).where(Service.category == Category.SUPPORT_GROUP).limit(1)
    ).one()
    record = next(r for r in hsds.export_services() if r["id"] == service.id)
    codes = {a["taxonomy_term"]["code"] for a in record["attributes"]}
    assert "category:support_group" in codes
    for member in Audience:
        assert (f"audience:{member.name.lower()}" in codes) == (member in service.audience)
    for member in Delivery:
        assert (f"delivery:{member.name.lower()}" in codes) == (member in service.delivery)
    for attribute in record["attributes"]:
        term = attribute["taxonomy_term"]
        assert term["taxonomy_id"] == hsds.SUPPORT_HUB_TAXONOMY_ID
        assert attribute["taxonomy_term_id"] == term["id"]
        assert attribute["link_id"] == service.id


def test_vocabulary_term_ids_are_stable_uuid5_values() -> None:
    term = hsds.vocabulary_term_for(Category.COUNSELING)
    assert term.code == "category:counseling"
    assert term.id == str(uuid.uuid5(hsds.VOCABULARY_NAMESPACE, "term:category:counseling"))
    assert len({t.id for t in hsds.VOCABULARY}) == len(hsds.VOCABULARY)


def _location(record: dict[str, Any]) -> dict[str, Any]:
    location: dict[str, Any] = record["service_at_locations"][0]["location"]
    return location


def test_public_export_hides_confidential_addresses_and_coordinates() -> None:
    load_small_seed()
    hidden = confidential_service_ids()
    assert hidden, "the demo data has confidential locations"
    public = {r["id"]: r for r in hsds.export_services()}
    private = {r["id"]: r for r in hsds.export_services(include_confidential=True)}
    for service_id in hidden:
        location = _location(public[service_id])
        assert location["addresses"] == []
        for key in ("latitude", "longitude", "transportation", "external_identifier"):
            assert key not in location
        codes = [a["taxonomy_term"]["code"] for a in location["attributes"]]
        assert codes == ["location:confidential"]
        assert _location(private[service_id])["addresses"]
        assert "latitude" in _location(private[service_id])
    shown = next(r for r in public.values() if r["id"] not in hidden and r["service_at_locations"])
    assert _location(shown)["addresses"]


def test_round_trip_into_an_empty_directory_gives_the_same_export() -> None:
    load_seed(read_seed())
    before = hsds.export_services(include_confidential=True)
    empty_directory()
    assert hsds.export_services() == []

    result = hsds_import.import_services(before)

    assert result.ok, result.errors[:5]
    assert result.warnings == []
    assert result.services == len(before)
    assert hsds.export_services(include_confidential=True) == before


def test_export_command_writes_a_json_array_of_services(cli: Any, tmp_path: Path) -> None:
    load_small_seed()
    path = tmp_path / "directory.json"

    result = cli.invoke(args=["hsds", "export", str(path)])

    assert result.exit_code == 0, result.output
    records = hsds_import.read_records(path)
    assert [r["id"] for r in records] == [r["id"] for r in hsds.export_services()]
    assert f"Exported {len(records)} services" in result.output


def test_a_service_area_given_only_as_a_scope_exports_as_an_hsds_extent() -> None:
    load_small_seed()
    service = db.session.scalars(sa.select(Service).order_by(Service.id).limit(1)).one()
    db.session.add(
        ServiceArea(service_id=service.id, scope=ServiceAreaScope.STATE, state_code="MA")
    )
    db.session.commit()

    record = next(r for r in hsds.export_services() if r["id"] == service.id)
    empty_directory()
    result = hsds_import.import_services([record])

    assert [(a["extent"], a["extent_type"]) for a in record["service_areas"]] == [
        ("US-MA", "state")
    ]
    assert result.ok and result.warnings == []
    area = db.session.scalars(sa.select(ServiceArea)).one()
    assert (area.scope, area.state_code) == (ServiceAreaScope.STATE, "MA")
