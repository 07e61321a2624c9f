from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskCliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from support_hub.directory import hsds, hsds_import
from support_hub.directory.models import (
    Attribute,
    Audience,
    Category,
    CostKind,
    Delivery,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAreaScope,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
)
from support_hub.extensions import db

from .hsds_support import assert_valid, load_small_seed, official_schemas, snapshot

SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"


def example(shared_dir: Path, name: str) -> Any:
    return json.loads((shared_dir / "hsds-3.0" / "examples" / name).read_text(encoding="utf-8"))


SPEC_EXAMPLES = [
    "service_full.json",
    "service_list.json",
    "service_at_location_full.json",
    "organization_full.json",
]


def spec_records(shared_dir: Path, name: str) -> list[dict[str, Any]]:
    """One of the specification's service examples as a list of service records.

    The examples are views of one service; `service_at_location_full.json` and
    `organization_full.json` nest the service inside another record, so they are turned inside out.
    """
    data = example(shared_dir, name)
    if name == "organization_full.json":
        services = data.pop("services")
        return [{**service, "organization": data} for service in services]
    if name == "service_list.json":
        return list(data["contents"])
    if name == "service_at_location_full.json":
        service = data.pop("service")
        service["service_at_locations"] = [data]
        return [service]
    return [data]


def spec_services(shared_dir: Path) -> list[dict[str, Any]]:
    """`service_full.json`, the richest example."""
    return spec_records(shared_dir, "service_full.json")


def small_record(**changes: Any) -> dict[str, Any]:
    """A minimal valid service of ours (organization nested, one category term)."""
    term = hsds.vocabulary_term_for(Category.SUPPORT_GROUP)
    record = {
        "id": "0f6e3b44-6f0c-4a57-9d55-3c0f1a2b3c4d",
        "name": "Thursday circle",
        "status": "active",
        "organization": {
            "id": "5b0c7a1e-2d3f-4e5a-8b9c-0d1e2f3a4b5c",
            "name": "Circle Org",
            "description": "Peer support.",
        },
        "attributes": [{"id": "7a3c6e2b-1d4f-4a5b-9c8d-7e6f5a4b3c2d", "taxonomy_term_id": term.id}],
    }
    record.update(changes)
    return record


@pytest.mark.parametrize("name", SPEC_EXAMPLES)
def test_each_specification_example_imports_and_exports_valid_records(
    shared_dir: Path, name: str
) -> None:
    records = spec_records(shared_dir, name)

    result = hsds_import.import_services(records, default_category=Category.COUNSELING)

    assert result.ok, result.errors
    exported = hsds.export_services(include_confidential=True)
    assert [r["id"] for r in exported] == [r["id"] for r in records]
    for record in exported:
        assert_valid("service.json", record, official_schemas(shared_dir))
        assert record["name"] == records[0]["name"]
        assert record["organization"]["name"] == records[0]["organization"]["name"]


def test_the_full_service_example_keeps_every_field_we_model(shared_dir: Path) -> None:
    records = spec_services(shared_dir)

    assert hsds_import.import_services(records, default_category=Category.COUNSELING).ok

    service = hsds.export_services(include_confidential=True)[0]
    original = records[0]
    for key in ("name", "alternate_name", "description", "url", "email", "status", "alert"):
        assert service[key] == original[key]
    assert service["last_modified"] == original["last_modified"]
    assert service["schedules"] == original["schedules"]
    assert service["cost_options"] == original["cost_options"]
    assert service["languages"] == original["languages"]
    assert service["phones"] == original["phones"]
    location = service["service_at_locations"][0]["location"]
    assert location["addresses"] == original["service_at_locations"][0]["location"]["addresses"]
    foreign = [
        a
        for a in service["attributes"]
        if a["taxonomy_term_id"] == original["attributes"][0]["taxonomy_term"]["id"]
    ]
    assert (
        foreign[0]["taxonomy_term"]["taxonomy_detail"]
        == original["attributes"][0]["taxonomy_term"]["taxonomy_detail"]
    )
    codes = {a["taxonomy_term"].get("code") for a in service["attributes"]}
    assert "category:counseling" in codes
    assert "delivery:in_person" in codes  # inferred from the physical location


@pytest.mark.parametrize("name", SPEC_EXAMPLES)
def test_specification_examples_round_trip_to_a_fixed_point(shared_dir: Path, name: str) -> None:
    records = spec_records(shared_dir, name)
    assert hsds_import.import_services(records, default_category=Category.COUNSELING).ok
    first = hsds.export_services(include_confidential=True)

    again = hsds_import.import_services(first)

    assert again.ok, again.errors
    assert sum(again.created.values()) == 0
    assert sum(again.updated.values()) == 0
    assert hsds.export_services(include_confidential=True) == first


def test_import_warns_about_what_it_does_not_keep(shared_dir: Path) -> None:
    result = hsds_import.import_services(
        spec_services(shared_dir)[:1], default_category=Category.COUNSELING
    )

    assert result.ok
    warned = {w.path for w in result.warnings}
    assert {"$.contacts", "$.funding", "$.program", "$.metadata"} <= warned
    # The example's latitude of 100 is kept out of search, not stored.
    assert "$.service_at_locations[0].location.latitude" in warned
    location = db.session.get(Location, "3a19ff88-4620-4d17-9830-ac1d859eb5d5")
    assert location is not None
    assert location.latitude is None and location.longitude is None


def test_foreign_taxonomy_terms_are_kept_as_terms_and_attributes(shared_dir: Path) -> None:
    assert hsds_import.import_services(
        spec_services(shared_dir)[:1], default_category=Category.COUNSELING
    ).ok
    term = db.session.get(TaxonomyTerm, "3f7b145d-84af-42d7-8fae-eaca714b02b2")
    assert term is not None
    assert term.taxonomy_id == "5c4d79d7-cc55-470e-9f1f-8cad074e4892"
    attribute = db.session.get(Attribute, "ae58cc39-8b70-4ab1-8aea-786882e5ac8e")
    assert attribute is not None
    assert (attribute.link_id, attribute.link_entity) == (SERVICE_ID, "service")


def test_support_hub_terms_map_back_to_typed_columns() -> None:
    terms = [
        hsds.vocabulary_term_for(member)
        for member in (
            Category.HELPLINE,
            Audience.CAREGIVERS,
            Audience.BEREAVED,
            Delivery.PHONE,
            CostKind.FREE,
        )
    ]
    record = small_record(
        attributes=[
            {"id": f"7a3c6e2b-1d4f-4a5b-9c8d-7e6f5a4b3c2{n}", "taxonomy_term_id": term.id}
            for n, term in enumerate(terms)
        ],
        service_areas=[
            {"id": "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b", "extent_type": "country", "extent": "US"}
        ],
    )

    result = hsds_import.import_services([record])

    assert result.ok, result.errors
    service = db.session.get(Service, record["id"])
    assert service is not None
    assert service.category is Category.HELPLINE
    assert service.audience == Audience.CAREGIVERS | Audience.BEREAVED
    assert service.delivery == Delivery.PHONE
    assert service.cost == CostKind.FREE
    area = db.session.scalars(
        sa.select(ServiceArea).where(ServiceArea.service_id == service.id)
    ).one()
    assert area.scope is ServiceAreaScope.NATIONAL
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attribute)) == 0


def test_a_service_without_a_category_is_an_error_unless_a_default_is_given() -> None:
    record = small_record(attributes=[])

    refused = hsds_import.import_services([record])
    accepted = hsds_import.import_services([record], default_category=Category.NUTRITION)

    assert [(e.index, e.path) for e in refused.errors] == [(0, "$.attributes")]
    assert accepted.ok
    service = db.session.get(Service, record["id"])
    assert service is not None and service.category is Category.NUTRITION


def test_invalid_records_return_row_level_errors_and_write_nothing() -> None:
    load_small_seed()
    before = snapshot()
    good = small_record()
    bad_schema = small_record(id="1e0c7a1e-2d3f-4e5a-8b9c-0d1e2f3a4b5c", status="open", email=7)
    dangling = small_record(
        id="2e0c7a1e-2d3f-4e5a-8b9c-0d1e2f3a4b5c",
        service_at_locations=[
            {
                "id": "3e0c7a1e-2d3f-4e5a-8b9c-0d1e2f3a4b5c",
                "location_id": "4e0c7a1e-2d3f-4e5a-8b9c-0d1e2f3a4b5c",
            }
        ],
    )
    too_long = small_record(id="5e0c7a1e-2d3f-4e5a-8b9c-0d1e2f3a4b5c", name="x" * 300)
    bad_date = small_record(id="6e0c7a1e-2d3f-4e5a-8b9c-0d1e2f3a4b5c", assured_date="31/12/2024")

    result = hsds_import.import_services([good, bad_schema, dangling, too_long, bad_date])

    assert not result.ok
    where = {(e.index, e.path) for e in result.errors}
    assert {(1, "$.status"), (1, "$.email")} <= where
    assert (2, "$.service_at_locations[0].location_id") in where
    assert (3, "$.name") in where
    assert (4, "$.assured_date") in where
    assert 0 not in {e.index for e in result.errors}
    assert snapshot() == before
    assert db.session.get(Service, good["id"]) is None


def test_a_link_to_a_record_in_neither_import_nor_directory_is_an_error() -> None:
    dangling = small_record(
        service_at_locations=[
            {
                "id": "3e0c7a1e-2d3f-4e5a-8b9c-0d1e2f3a4b5c",
                "location_id": "4e0c7a1e-2d3f-4e5a-8b9c-0d1e2f3a4b5c",
            }
        ],
    )
    no_org = small_record(id="8e0c7a1e-2d3f-4e5a-8b9c-0d1e2f3a4b5c")
    del no_org["organization"]
    no_org["organization_id"] = "9e0c7a1e-2d3f-4e5a-8b9c-0d1e2f3a4b5c"

    result = hsds_import.import_services([dangling, no_org])

    messages = {(e.index, e.path): e.message for e in result.errors}
    assert (
        "neither this import nor the directory"
        in messages[(0, "$.service_at_locations[0].location_id")]
    )
    assert "neither this import nor the directory" in messages[(1, "$.organization_id")]


def test_a_link_to_a_record_already_in_the_directory_is_accepted() -> None:
    load_small_seed()
    organization_id, location_id = db.session.execute(
        sa.select(Service.organization_id, Location.id)
        .join(Location, Location.organization_id == Service.organization_id)
        .limit(1)
    ).one()
    record = small_record(
        service_at_locations=[
            {"id": "3e0c7a1e-2d3f-4e5a-8b9c-0d1e2f3a4b5c", "location_id": location_id}
        ]
    )
    del record["organization"]
    record["organization_id"] = organization_id

    result = hsds_import.import_services([record])

    assert result.ok, result.errors
    service = db.session.get(Service, record["id"])
    assert service is not None
    assert [link.location_id for link in service.service_at_locations] == [location_id]


def test_importing_the_same_data_twice_changes_nothing_the_second_time(shared_dir: Path) -> None:
    load_small_seed()
    records = hsds.export_services(include_confidential=True) + spec_services(shared_dir)
    first = hsds_import.import_services(records, default_category=Category.COUNSELING)
    assert first.ok
    before = snapshot()

    second = hsds_import.import_services(
        copy.deepcopy(records), default_category=Category.COUNSELING
    )

    assert second.ok
    assert sum(second.created.values()) == 0
    assert sum(second.updated.values()) == 0
    assert snapshot() == before


def test_reimport_updates_changed_fields_by_hsds_id() -> None:
    assert hsds_import.import_services([small_record()]).ok
    changed = small_record(name="Thursday evening circle", status="temporarily closed")

    result = hsds_import.import_services([changed])

    assert result.ok
    assert result.updated["service"] == 1
    assert result.created["service"] == 0
    service = db.session.get(Service, changed["id"])
    assert service is not None
    assert service.name == "Thursday evening circle"
    assert service.status is ServiceStatus.TEMPORARILY_CLOSED


def test_a_shared_phone_keeps_every_link(shared_dir: Path) -> None:
    assert hsds_import.import_services(
        spec_services(shared_dir)[:1], default_category=Category.COUNSELING
    ).ok
    phone = db.session.get(Phone, "1554f2e2-a373-45db-a3fa-9fc48a61c15e")
    assert phone is not None
    assert phone.service_id == SERVICE_ID
    assert phone.location_id == "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
    assert phone.service_at_location_id == "e94c9f38-1e8f-4564-91d4-d53501ab1765"
    assert phone.organization_id == "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
    assert phone.extension == "100"


def test_the_input_must_be_a_list_of_records() -> None:
    result = hsds_import.import_services({"id": "x"})
    assert [(e.index, e.path) for e in result.errors] == [(None, "$")]


@pytest.mark.parametrize("wrapped", [False, True])
def test_import_command_imports_a_file(cli: FlaskCliRunner, tmp_path: Path, wrapped: bool) -> None:
    path = tmp_path / "in.json"
    records = [small_record()]
    path.write_text(json.dumps({"contents": records} if wrapped else records), encoding="utf-8")

    result = cli.invoke(args=["hsds", "import", str(path)])

    assert result.exit_code == 0, result.output
    assert "Imported 1 services" in result.output
    assert db.session.get(Service, records[0]["id"]) is not None


def test_import_command_prints_row_errors_exits_non_zero_and_changes_nothing(
    cli: FlaskCliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "in.json"
    path.write_text(json.dumps([small_record(), small_record(id="nope")]), encoding="utf-8")
    before = snapshot()

    result = cli.invoke(args=["hsds", "import", str(path)])

    assert result.exit_code != 0
    assert "record 1: $.id: 'nope' is not a 'uuid'" in result.output
    assert "nothing was imported" in result.output
    assert snapshot() == before


def test_import_command_uses_the_default_category(cli: FlaskCliRunner, tmp_path: Path) -> None:
    path = tmp_path / "in.json"
    path.write_text(json.dumps([small_record(attributes=[])]), encoding="utf-8")

    result = cli.invoke(args=["hsds", "import", str(path), "--default-category", "hospice"])

    assert result.exit_code == 0, result.output
    service = db.session.get(Service, small_record()["id"])
    assert service is not None and service.category is Category.HOSPICE


def test_import_command_rejects_a_file_that_is_not_json(
    cli: FlaskCliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "in.json"
    path.write_text("not json", encoding="utf-8")

    result = cli.invoke(args=["hsds", "import", str(path)])

    assert result.exit_code != 0
    assert "not a JSON file" in result.output


def test_a_service_twice_in_one_import_is_an_error() -> None:
    result = hsds_import.import_services([small_record(), small_record(name="Again")])

    assert [(e.index, e.path) for e in result.errors] == [(1, "$.id")]
    assert "also record 0" in result.errors[0].message
    assert db.session.get(Service, small_record()["id"]) is None


def test_reimporting_a_public_export_keeps_confidential_coordinates() -> None:
    load_small_seed()
    location = db.session.scalars(
        sa.select(Location).where(Location.confidential.is_(True)).limit(1)
    ).one()
    point = (location.latitude, location.longitude)
    before = snapshot()

    result = hsds_import.import_services(hsds.export_services())

    assert result.ok, result.errors[:3]
    db.session.expire_all()
    kept = db.session.get(Location, location.id)
    assert kept is not None and kept.confidential
    assert (kept.latitude, kept.longitude) == point
    assert snapshot() == before


def test_parse_records_reads_arrays_and_pages_and_rejects_other_text() -> None:
    assert hsds_import.parse_records('[{"id": "a"}]') == [{"id": "a"}]
    assert hsds_import.parse_records(b'{"contents": [{"id": "a"}], "total_items": 1}') == [
        {"id": "a"}
    ]
    with pytest.raises(ValueError, match="Expecting value"):
        hsds_import.parse_records("<html>")


PHONE_A = "a1000000-0000-4000-8000-000000000001"
PHONE_B = "a1000000-0000-4000-8000-000000000002"
LINK = "a1000000-0000-4000-8000-000000000003"
PLACE = "a1000000-0000-4000-8000-000000000004"
SCHEDULE = "a1000000-0000-4000-8000-000000000005"


def record_with_children(*, phones: list[str], at_place: bool) -> dict[str, Any]:
    links = []
    if at_place:
        links = [
            {
                "id": LINK,
                "phones": [{"id": PHONE_A, "number": "555-0101"}],
                "schedules": [{"id": SCHEDULE, "description": "Thursdays"}],
                "location": {"id": PLACE, "location_type": "physical", "name": "Hall"},
            }
        ]
    return small_record(
        phones=[{"id": item, "number": "555-0101"} for item in phones],
        service_at_locations=links,
    )


def test_reimport_removes_what_a_service_no_longer_lists() -> None:
    assert hsds_import.import_services(
        [record_with_children(phones=[PHONE_A, PHONE_B], at_place=True)]
    ).ok

    result = hsds_import.import_services([record_with_children(phones=[], at_place=False)])

    assert result.ok, result.errors
    assert result.deleted == {"phone": 2, "schedule": 1, "service_at_location": 1}
    for model, row_id in (
        (Phone, PHONE_A),
        (Phone, PHONE_B),
        (ServiceAtLocation, LINK),
        (Schedule, SCHEDULE),
    ):
        assert db.session.get(model, row_id) is None
    assert db.session.get(Location, PLACE) is not None  # shared: never pruned


def test_a_row_still_listed_elsewhere_only_loses_the_dropped_link() -> None:
    assert hsds_import.import_services([record_with_children(phones=[PHONE_A], at_place=True)]).ok
    phone = db.session.get(Phone, PHONE_A)
    assert phone is not None and phone.service_at_location_id == LINK

    result = hsds_import.import_services([record_with_children(phones=[PHONE_A], at_place=False)])

    assert result.ok
    db.session.expire_all()
    phone = db.session.get(Phone, PHONE_A)
    assert phone is not None
    assert (phone.service_id, phone.service_at_location_id) == (small_record()["id"], None)
    assert db.session.get(ServiceAtLocation, LINK) is None


def test_reimport_of_an_unchanged_file_removes_nothing() -> None:
    record = record_with_children(phones=[PHONE_A, PHONE_B], at_place=True)
    assert hsds_import.import_services([record]).ok

    again = hsds_import.import_services([record])

    assert again.ok and again.deleted == {}


def test_text_with_a_lone_surrogate_is_a_row_error() -> None:
    records = hsds_import.parse_records('[{"name": "Circle \\udc50"}]')
    result = hsds_import.import_services([small_record(name=records[0]["name"])])

    assert [(e.index, e.path) for e in result.errors] == [(0, "$.name")]
    assert "surrogate" in result.errors[0].message


def test_text_with_a_nul_character_is_a_row_error() -> None:
    result = hsds_import.import_services([small_record(name="Thursday\x00circle")])

    assert [(e.index, e.path, e.message) for e in result.errors] == [
        (0, "$.name", "contains a NUL character")
    ]


def test_our_own_records_keep_an_empty_delivery_as_it_is() -> None:
    place = {"id": PLACE, "location_type": "physical", "name": "Hall"}
    record = small_record(service_at_locations=[{"id": LINK, "location": place}])

    assert hsds_import.import_services([record]).ok

    service = db.session.get(Service, record["id"])
    assert service is not None and service.delivery == Delivery(0)


def test_data_from_elsewhere_gets_delivery_from_its_location_types() -> None:
    place = {"id": PLACE, "location_type": "physical", "name": "Hall"}
    record = small_record(attributes=[], service_at_locations=[{"id": LINK, "location": place}])

    assert hsds_import.import_services([record], default_category=Category.COUNSELING).ok

    service = db.session.get(Service, record["id"])
    assert service is not None and service.delivery == Delivery.IN_PERSON


_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=40,
)


@st.composite
def generated_services(draw: st.DrawFn) -> dict[str, Any]:
    """Valid service records in our own shape, with the vocabulary and nested rows varied."""
    members: list[Any] = [draw(st.sampled_from(list(Category)))]
    for flags in (Audience, Delivery, CostKind):
        members += draw(st.lists(st.sampled_from(list(flags)), unique=True, max_size=3))
    uuids = st.uuids().map(str)
    record: dict[str, Any] = {
        "id": draw(uuids),
        "name": draw(_TEXT),
        "status": draw(st.sampled_from([s.value for s in ServiceStatus])),
        "description": draw(_TEXT),
        "organization": {"id": draw(uuids), "name": draw(_TEXT), "description": draw(_TEXT)},
        "attributes": [
            {"id": draw(uuids), "taxonomy_term_id": hsds.vocabulary_term_for(member).id}
            for member in members
        ],
        "cost_options": [
            {
                "id": draw(uuids),
                "amount": draw(st.decimals(0, 9999, places=2).map(float)),
                "currency": "USD",
            }
        ],
        "schedules": [
            {
                "id": draw(uuids),
                "freq": draw(st.sampled_from(["WEEKLY", "MONTHLY"])),
                "opens_at": draw(st.times()).isoformat(timespec="seconds"),
                "description": draw(_TEXT),
            }
        ],
        "languages": [{"id": draw(uuids), "code": draw(st.sampled_from(["en", "es", "zh"]))}],
    }
    if draw(st.booleans()):
        record["minimum_age"] = draw(st.integers(0, 120))
    if draw(st.booleans()):
        location_id = draw(uuids)
        location: dict[str, Any] = {
            "id": location_id,
            "location_type": "physical",
            "name": draw(_TEXT),
            "latitude": draw(st.floats(-90, 90)),
            "longitude": draw(st.floats(-180, 180)),
            "addresses": [
                {
                    "id": draw(uuids),
                    "address_1": draw(_TEXT),
                    "city": draw(_TEXT),
                    "state_province": "MA",
                    "postal_code": draw(st.from_regex(r"\A[0-9]{5}\Z")),
                    "country": "US",
                    "address_type": "physical",
                }
            ],
            "phones": [
                {
                    "id": draw(uuids),
                    "number": draw(_TEXT),
                    "extension": draw(st.integers(0, 99999)),
                }
            ],
        }
        if draw(st.booleans()):
            location["attributes"] = [
                {"id": draw(uuids), "taxonomy_term_id": hsds.CONFIDENTIAL_TERM.id}
            ]
        record["service_at_locations"] = [{"id": draw(uuids), "location": location}]
    return record


@settings(max_examples=25, deadline=None)
@given(record=generated_services())
def test_any_valid_record_reaches_a_fixed_point_after_one_round_trip(
    record: dict[str, Any],
) -> None:
    assert hsds_import.import_services([record]).ok
    export = [r for r in hsds.export_services(include_confidential=True)]
    first = [r for r in export if r["id"] == record["id"]]

    again = hsds_import.import_services(first)

    assert again.ok, again.errors
    assert (sum(again.created.values()), sum(again.updated.values()), again.deleted) == (0, 0, {})
    export = [r for r in hsds.export_services(include_confidential=True)]
    assert [r for r in export if r["id"] == record["id"]] == first
    assert first[0]["name"] == record["name"]
    assert first[0]["cost_options"][0]["amount"] == record["cost_options"][0]["amount"]


def test_a_link_renumbered_in_the_file_replaces_the_old_one() -> None:
    assert hsds_import.import_services([record_with_children(phones=[], at_place=True)]).ok
    renumbered = record_with_children(phones=[], at_place=True)
    renumbered["service_at_locations"][0]["id"] = "a1000000-0000-4000-8000-000000000009"

    result = hsds_import.import_services([renumbered])

    assert result.ok, result.errors
    links = db.session.scalars(
        sa.select(ServiceAtLocation).where(ServiceAtLocation.service_id == renumbered["id"])
    ).all()
    assert [link.id for link in links] == ["a1000000-0000-4000-8000-000000000009"]


def test_denormal_coordinates_import_as_zero_not_as_a_database_error() -> None:
    # Found by the round-trip property on PostgreSQL: latitude 1e-320 made ll_to_earth (the
    # search index) fail with an underflow, and the whole import was refused.
    location_id = "8e0c7a1e-2d3f-4e5a-8b9c-0d1e2f3a4b5c"
    record = small_record(
        service_at_locations=[
            {
                "id": "9e0c7a1e-2d3f-4e5a-8b9c-0d1e2f3a4b5c",
                "location": {
                    "id": location_id,
                    "location_type": "physical",
                    "latitude": 1e-320,
                    "longitude": -71.123456789,
                },
            }
        ]
    )
    result = hsds_import.import_services([record])
    assert result.ok, result.errors
    location = db.session.get(Location, location_id)
    assert location is not None
    assert (location.latitude, location.longitude) == (0.0, -71.1234568)
