from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from geopy.distance import great_circle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support_hub.db import utcnow
from support_hub.directory import hsds, hsds_import, hsds_queries
from support_hub.directory.models import (
    Address,
    Category,
    Location,
    Service,
    ServiceArea,
    ServiceAreaScope,
    ServiceAtLocation,
    ServiceStatus,
)
from support_hub.extensions import db

from .hsds_support import (
    assert_valid,
    counted_queries,
    load_small_seed,
    official_schemas,
    response_schema,
)

PAGE_KEYS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}
LIST_PATHS = [
    "/services",
    "/organizations",
    "/service_at_locations",
    "/taxonomies",
    "/taxonomy_terms",
]


@dataclass
class Directory:
    public_ids: set[str]
    inactive_id: str
    archived_id: str
    confidential_id: str


@pytest.fixture
def directory() -> Directory:
    load_small_seed()
    ids = list(db.session.scalars(sa.select(Service.id).order_by(Service.id)))
    confidential_id = db.session.scalars(
        sa.select(ServiceAtLocation.service_id)
        .join(Location, Location.id == ServiceAtLocation.location_id)
        .where(Location.confidential.is_(True))
        .order_by(ServiceAtLocation.service_id)
    ).first()
    assert confidential_id is not None
    candidates = [item for item in ids if item != confidential_id]
    inactive = db.session.get(Service, candidates[0])
    archived = db.session.get(Service, candidates[1])
    assert inactive is not None and archived is not None
    inactive.status = ServiceStatus.INACTIVE
    archived.archived_at = utcnow()
    db.session.commit()
    return Directory(
        set(candidates[2:]) | {confidential_id}, inactive.id, archived.id, confidential_id
    )


def get_json(client: FlaskClient, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def all_ids(client: FlaskClient, url: str) -> list[str]:
    separator = "&" if "?" in url else "?"
    page = get_json(client, f"{url}{separator}per_page=200")
    assert page["total_items"] == page["size"]
    return [item["id"] for item in page["contents"]]


def test_api_info_names_the_hsds_version(client: FlaskClient, shared_dir: Path) -> None:
    info = get_json(client, "/hsds/")
    assert info["version"].startswith("3.0")
    assert_valid(response_schema("/"), info, official_schemas(shared_dir))


@pytest.mark.parametrize("path", LIST_PATHS)
def test_every_list_page_validates_against_the_openapi(
    client: FlaskClient, directory: Directory, shared_dir: Path, path: str
) -> None:
    page = get_json(client, f"/hsds{path}?per_page=7")
    assert set(page) == PAGE_KEYS
    assert page["contents"]
    assert page["size"] == len(page["contents"]) == min(7, page["total_items"])
    assert page["page_number"] == 1 and page["first_page"] is True
    assert page["total_pages"] == -(-page["total_items"] // 7)
    assert_valid(response_schema(path), page, official_schemas(shared_dir))


@pytest.mark.parametrize(
    ("url", "schema"),
    [
        ("/hsds/services?full=true", "service.json"),
        ("/hsds/service_at_locations?full=true", hsds.SERVICE_AT_LOCATION_FULL_SCHEMA),
        ("/hsds/organizations?full=true", hsds.ORGANIZATION_FULL_SCHEMA),
        ("/hsds/organizations?full_service=true", hsds.ORGANIZATION_FULL_SCHEMA),
    ],
)
def test_fully_nested_lists_validate(
    client: FlaskClient, directory: Directory, shared_dir: Path, url: str, schema: str
) -> None:
    page = get_json(client, url + "&per_page=200")
    assert page["contents"]
    for record in page["contents"]:
        assert_valid(schema, record, official_schemas(shared_dir))


def test_single_records_validate(
    client: FlaskClient, directory: Directory, shared_dir: Path
) -> None:
    schemas = official_schemas(shared_dir)
    service = get_json(client, f"/hsds/services/{directory.confidential_id}")
    assert_valid("service.json", service, schemas)
    link_id = service["service_at_locations"][0]["id"]
    link = get_json(client, f"/hsds/service_at_locations/{link_id}")
    assert_valid(hsds.SERVICE_AT_LOCATION_FULL_SCHEMA, link, schemas)
    assert link["service"]["id"] == service["id"]
    organization = get_json(client, f"/hsds/organizations/{service['organization_id']}")
    assert_valid(hsds.ORGANIZATION_FULL_SCHEMA, organization, schemas)
    assert service["id"] in {item["id"] for item in organization["services"]}
    full = get_json(client, f"/hsds/organizations/{service['organization_id']}?full_service=true")
    assert_valid(hsds.ORGANIZATION_FULL_SCHEMA, full, schemas)
    assert all("attributes" in item for item in full["services"])
    term_id = service["attributes"][0]["taxonomy_term_id"]
    assert_valid("taxonomy_term.json", get_json(client, f"/hsds/taxonomy_terms/{term_id}"), schemas)
    taxonomy = get_json(client, f"/hsds/taxonomies/{hsds.SUPPORT_HUB_TAXONOMY_ID}")
    assert_valid("taxonomy.json", taxonomy, schemas)


def test_only_active_unarchived_services_are_public(
    client: FlaskClient, directory: Directory
) -> None:
    assert set(all_ids(client, "/hsds/services")) == directory.public_ids
    for hidden in (directory.inactive_id, directory.archived_id):
        error = get_json(client, f"/hsds/services/{hidden}", status=404)
        assert error["error"]["code"] == "not_found"
    link_services = {
        item["service_id"]
        for item in get_json(client, "/hsds/service_at_locations?per_page=200")["contents"]
    }
    assert link_services <= directory.public_ids


def test_confidential_location_is_hidden_everywhere_public(
    client: FlaskClient, directory: Directory
) -> None:
    link = db.session.scalars(
        sa.select(ServiceAtLocation).where(
            ServiceAtLocation.service_id == directory.confidential_id
        )
    ).one()
    address = db.session.scalars(
        sa.select(Address).where(Address.location_id == link.location_id)
    ).one()
    location = db.session.get(Location, link.location_id)
    assert location is not None and location.latitude is not None
    secrets = [address.address_1, str(location.latitude), str(location.longitude)]
    urls = [
        f"/hsds/services/{directory.confidential_id}",
        f"/hsds/service_at_locations/{link.id}",
        "/hsds/services?full=true&per_page=200",
        "/hsds/service_at_locations?per_page=200",
        "/hsds/service_at_locations?full=true&per_page=200",
        "/hsds/organizations?full=true&per_page=200",
        "/hsds/services?format=ndjson&full=true",
    ]
    for url in urls:
        body = client.get(url).get_data(as_text=True)
        assert link.location_id in body, url
        for secret in secrets:
            assert secret not in body, (url, secret)
    record = get_json(client, f"/hsds/services/{directory.confidential_id}")
    shown = record["service_at_locations"][0]["location"]
    assert shown["addresses"] == []
    assert [a["taxonomy_term"]["code"] for a in shown["attributes"]] == ["location:confidential"]


def test_pages_are_numbered_from_one_and_past_the_end_is_empty(
    client: FlaskClient, directory: Directory
) -> None:
    total = len(directory.public_ids)
    second = get_json(client, "/hsds/services?per_page=5&page=2")
    assert (second["page_number"], second["size"], second["total_items"]) == (2, 5, total)
    assert second["first_page"] is False and second["last_page"] is (total <= 10)
    first = get_json(client, "/hsds/services?per_page=5")
    assert not {i["id"] for i in first["contents"]} & {i["id"] for i in second["contents"]}
    beyond = get_json(client, "/hsds/services?per_page=5&page=99")
    assert beyond["empty"] is True and beyond["contents"] == [] and beyond["last_page"] is True


@pytest.fixture
def large_totals_from_ten(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Treat ten services as a "large" directory whose totals may be kept a minute."""
    monkeypatch.setattr(hsds_queries, "CACHED_TOTAL_FROM", 10)
    hsds_queries._totals.clear()
    yield
    hsds_queries._totals.clear()


def test_large_totals_are_kept_a_minute_and_small_ones_counted_each_time(
    client: FlaskClient,
    directory: Directory,
    large_totals_from_ten: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    total = len(directory.public_ids)
    assert total >= 10
    assert get_json(client, "/hsds/services?per_page=1")["total_items"] == total
    returning = db.session.get(Service, directory.inactive_id)
    assert returning is not None
    returning.status = ServiceStatus.ACTIVE
    db.session.commit()
    # Large: the same question within the minute gets the same total, without a count.
    assert get_json(client, "/hsds/services?per_page=1")["total_items"] == total
    monkeypatch.setattr(hsds_queries, "CACHED_TOTAL_SECONDS", 0.0)  # the minute has passed
    assert get_json(client, "/hsds/services?per_page=1")["total_items"] == total + 1
    # Small totals (an organization with a few services) are exact at once.
    counts = db.session.execute(
        sa.select(Service.organization_id, sa.func.count())
        .where(Service.status == ServiceStatus.ACTIVE, Service.archived_at.is_(None))
        .group_by(Service.organization_id)
    ).all()
    org = min(counts, key=lambda row: row[1])[0]
    assert dict(counts)[org] < 10, counts
    before = get_json(client, f"/hsds/services?organization_id={org}")["total_items"]
    leaving = db.session.scalars(
        sa.select(Service).where(
            Service.organization_id == org,
            Service.status == ServiceStatus.ACTIVE,
            Service.archived_at.is_(None),
        )
    ).first()
    assert leaving is not None
    leaving.status = ServiceStatus.INACTIVE
    db.session.commit()
    monkeypatch.setattr(hsds_queries, "CACHED_TOTAL_SECONDS", 60.0)
    assert get_json(client, f"/hsds/services?organization_id={org}")["total_items"] == before - 1


def test_filters_by_our_taxonomy_term(client: FlaskClient, directory: Directory) -> None:
    term = hsds.vocabulary_term_for(Category.SUPPORT_GROUP)
    found = set(all_ids(client, f"/hsds/services?taxonomy_term_id={term.id}"))
    expected = {
        item
        for item in directory.public_ids
        if db.session.get(Service, item).category is Category.SUPPORT_GROUP  # type: ignore[union-attr]
    }
    assert found == expected and found
    confidential = hsds.CONFIDENTIAL_TERM.id
    assert directory.confidential_id in all_ids(
        client, f"/hsds/services?taxonomy_term_id={confidential}"
    )
    links = get_json(client, f"/hsds/service_at_locations?taxonomy_term_id={term.id}&per_page=200")
    assert {item["service_id"] for item in links["contents"]} <= expected


def test_filters_by_organization_search_and_modified_after(
    client: FlaskClient, directory: Directory
) -> None:
    service = db.session.get(Service, directory.confidential_id)
    assert service is not None
    by_org = set(all_ids(client, f"/hsds/services?organization_id={service.organization_id}"))
    assert directory.confidential_id in by_org
    assert all(
        db.session.get(Service, item).organization_id == service.organization_id  # type: ignore[union-attr]
        for item in by_org
    )
    word = service.name.split()[-1].upper()
    assert directory.confidential_id in all_ids(client, f"/hsds/services?search={word}")
    assert all_ids(client, "/hsds/services?search=zzzz-no-such-words") == []
    future = (utcnow() + timedelta(days=1)).isoformat().replace("+00:00", "Z")
    past = (utcnow() - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert all_ids(client, f"/hsds/services?modified_after={future}") == []
    assert set(all_ids(client, f"/hsds/services?modified_after={past}")) == directory.public_ids
    assert all_ids(client, f"/hsds/services?modified_after={future[:10]}") == []
    assert (
        set(all_ids(client, f"/hsds/services?modified_after={past[:10]}")) == directory.public_ids
    )


def test_filters_by_an_imported_taxonomy(client: FlaskClient, directory: Directory) -> None:
    term_id, taxonomy_id = (
        "3f7b145d-84af-42d7-8fae-eaca714b02b2",
        "5c4d79d7-cc55-470e-9f1f-8cad074e4892",
    )
    record = next(r for r in hsds.export_services() if r["id"] in directory.public_ids)
    record["attributes"].append(
        {
            "id": "ae58cc39-8b70-4ab1-8aea-786882e5ac8e",
            "taxonomy_term": {
                "id": term_id,
                "name": "Peer led",
                "description": "Led by peers.",
                "taxonomy_detail": {
                    "id": taxonomy_id,
                    "name": "Other",
                    "description": "Another vocabulary.",
                },
            },
        }
    )
    assert hsds_import.import_services([record]).ok
    assert all_ids(client, f"/hsds/services?taxonomy_term_id={term_id}") == [record["id"]]
    assert all_ids(client, f"/hsds/services?taxonomy_id={taxonomy_id}") == [record["id"]]
    assert taxonomy_id in all_ids(client, "/hsds/taxonomies")
    assert all_ids(client, f"/hsds/taxonomy_terms?taxonomy_id={taxonomy_id}") == [term_id]


def test_taxonomy_terms_filter_by_taxonomy_parent_and_top_only(client: FlaskClient) -> None:
    ours = all_ids(client, f"/hsds/taxonomy_terms?taxonomy_id={hsds.SUPPORT_HUB_TAXONOMY_ID}")
    assert ours == [term.id for term in hsds.VOCABULARY]
    tops = all_ids(client, "/hsds/taxonomy_terms?top_only=true")
    assert tops == [term.id for term in hsds.VOCABULARY if term.parent_id is None]
    category_root = next(t for t in hsds.VOCABULARY if t.code == "category")
    children = all_ids(client, f"/hsds/taxonomy_terms?parent_id={category_root.id}")
    assert children == [hsds.vocabulary_term_for(member).id for member in Category]
    found = get_json(client, "/hsds/taxonomy_terms?search=caregiver")["contents"]
    assert [item["code"] for item in found] == ["audience:caregivers"]


def test_minimal_lists_every_service_id_and_modification_time(
    client: FlaskClient, directory: Directory
) -> None:
    page = get_json(client, "/hsds/services?minimal=true")
    assert page["total_items"] == page["size"] == len(directory.public_ids)
    assert all(set(item) == {"id", "last_modified"} for item in page["contents"])
    assert {item["id"] for item in page["contents"]} == directory.public_ids


def test_ndjson_streams_every_record_without_pages(
    client: FlaskClient, directory: Directory
) -> None:
    response = client.get("/hsds/services?format=ndjson")
    assert response.status_code == 200
    assert response.mimetype == "application/x-ndjson"
    lines = response.get_data(as_text=True).splitlines()
    assert {json.loads(line)["id"] for line in lines} == directory.public_ids
    assert len(lines) == len(directory.public_ids)


def test_postcode_and_proximity_narrow_service_at_locations(
    client: FlaskClient, directory: Directory
) -> None:
    page = get_json(client, "/hsds/service_at_locations?postcode=02114&proximity=8000&per_page=200")
    assert page["contents"]
    for item in page["contents"]:
        location = item["location"]
        assert (
            great_circle((42.3611, -71.0682), (location["latitude"], location["longitude"])).meters
            < 9000
        )
    everywhere = get_json(client, "/hsds/service_at_locations?per_page=200")["total_items"]
    assert page["total_items"] < everywhere
    far = get_json(client, "/hsds/service_at_locations?postcode=99501&proximity=1000")
    assert far["empty"] is True


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("/hsds/services?page=0", "bad_page"),
        ("/hsds/services?per_page=1000", "bad_per_page"),
        ("/hsds/services?per_page=ten", "bad_per_page"),
        ("/hsds/services?full=maybe", "bad_full"),
        ("/hsds/services?minimal=2", "bad_minimal"),
        ("/hsds/services?modified_after=yesterday", "bad_modified_after"),
        ("/hsds/services?modified_after=2024-13-45", "bad_modified_after"),
        ("/hsds/services?format=xml", "bad_format"),
        ("/hsds/organizations?full_service=perhaps", "bad_full_service"),
        ("/hsds/taxonomy_terms?top_only=sometimes", "bad_top_only"),
        ("/hsds/service_at_locations?postcode=ABCDE", "bad_postcode"),
        ("/hsds/service_at_locations?proximity=500", "bad_proximity"),
        ("/hsds/service_at_locations?postcode=02114&proximity=-5", "bad_postcode"),
        ("/hsds/services?search=" + "x" * 201, "bad_search"),
    ],
)
def test_bad_query_values_answer_400_with_a_json_error(
    client: FlaskClient, url: str, code: str
) -> None:
    error = get_json(client, url, status=400)
    assert error["error"]["code"] == code
    assert error["error"]["message"]


@pytest.mark.parametrize(
    "kind", ["services", "organizations", "service_at_locations", "taxonomies", "taxonomy_terms"]
)
def test_unknown_ids_answer_404_with_a_json_error(client: FlaskClient, kind: str) -> None:
    error = get_json(client, f"/hsds/{kind}/00000000-0000-4000-8000-000000000000", status=404)
    assert error["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "url",
    [
        "/hsds/services?full=true",
        "/hsds/services",
        "/hsds/service_at_locations?full=true",
        "/hsds/organizations?full_service=true",
    ],
)
def test_a_page_costs_the_same_queries_however_many_records_it_holds(
    client: FlaskClient, directory: Directory, url: str
) -> None:
    counts = []
    for size in (2, 10):
        with counted_queries() as statements:
            page = get_json(client, f"{url}{'&' if '?' in url else '?'}per_page={size}")
        assert page["size"] == size
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_nul_characters_are_refused_before_they_reach_the_database(client: FlaskClient) -> None:
    # The app-wide guard (security.py) refuses a NUL in any query string before the view runs.
    error = get_json(client, "/hsds/services?search=a%00b", status=400)["error"]
    assert error["code"] == "bad_request"
    assert "NUL" in error["message"]
    for kind in (
        "services",
        "organizations",
        "service_at_locations",
        "taxonomies",
        "taxonomy_terms",
    ):
        assert get_json(client, f"/hsds/{kind}/a%00b", status=404)["error"]["code"] == "not_found"


def test_postcode_keeps_services_whose_areas_cover_it(
    client: FlaskClient, directory: Directory
) -> None:
    page = get_json(client, "/hsds/service_at_locations?postcode=02114&per_page=200")
    found = {item["service_id"] for item in page["contents"]}
    assert found
    for service_id in found:
        areas = db.session.scalars(
            sa.select(ServiceArea).where(ServiceArea.service_id == service_id)
        ).all()
        assert not areas or any(
            a.scope is ServiceAreaScope.NATIONAL or a.state_code == "MA" for a in areas
        )
    elsewhere = db.session.scalars(
        sa.select(ServiceAtLocation.id)
        .join(ServiceArea, ServiceArea.service_id == ServiceAtLocation.service_id)
        .where(ServiceArea.scope == ServiceAreaScope.STATE, ServiceArea.state_code != "MA")
    ).all()
    assert elsewhere, "the demo slice has state-bound services outside MA"
    assert not set(elsewhere) & {item["id"] for item in page["contents"]}


def test_proximity_combines_with_search_and_filters(
    client: FlaskClient, directory: Directory
) -> None:
    near = get_json(client, "/hsds/service_at_locations?postcode=02114&proximity=8000&per_page=200")
    first = near["contents"][0]
    word = first["location"]["name"].split()[-1]
    searched = get_json(
        client,
        f"/hsds/service_at_locations?postcode=02114&proximity=8000&search={word}&per_page=200",
    )
    assert first["id"] in {item["id"] for item in searched["contents"]}
    assert searched["total_items"] <= near["total_items"]
    term = hsds.vocabulary_term_for(Category.SUPPORT_GROUP)
    groups = get_json(
        client,
        f"/hsds/service_at_locations?postcode=02114&proximity=8000&taxonomy_term_id={term.id}&per_page=200",
    )
    for item in groups["contents"]:
        assert db.session.get(Service, item["service_id"]).category is Category.SUPPORT_GROUP  # type: ignore[union-attr]
    centre = hsds_queries.lookup_postcode("02114", None)
    distances = [
        great_circle(
            (centre.latitude, centre.longitude),
            (item["location"]["latitude"], item["location"]["longitude"]),
        ).meters
        for item in near["contents"]
    ]
    assert distances == sorted(distances), "nearest first"


_PARAMS = [
    "search",
    "page",
    "per_page",
    "format",
    "taxonomy_term_id",
    "taxonomy_id",
    "organization_id",
    "modified_after",
    "minimal",
    "full",
    "full_service",
    "postcode",
    "proximity",
    "parent_id",
    "top_only",
]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.sampled_from(LIST_PATHS),
    query=st.dictionaries(
        st.sampled_from(_PARAMS),
        st.one_of(
            st.text(max_size=30), st.sampled_from(["1", "true", "02114", "ndjson", "2024-01-01"])
        ),
        max_size=4,
    ),
)
def test_no_query_string_makes_the_api_fail(
    client: FlaskClient, directory: Directory, path: str, query: dict[str, str]
) -> None:
    response = client.get(f"/hsds{path}", query_string=query)

    assert response.status_code in (200, 400), (query, response.get_data(as_text=True)[:200])
    assert response.mimetype in ("application/json", "application/x-ndjson")


def test_service_at_locations_search_finds_service_text_or_place_name_once_each(
    client: FlaskClient, directory: Directory
) -> None:
    links = db.session.scalars(
        sa.select(ServiceAtLocation).order_by(
            ServiceAtLocation.service_id, ServiceAtLocation.location_id
        )
    ).all()
    public = [link for link in links if link.service_id in directory.public_ids]
    hidden = next(link for link in links if link.service_id == directory.inactive_id)
    at_place, by_text, both = public[0], public[-1], public[len(public) // 2]
    at_place.location.name = "Quillfeather Hall"
    hidden.location.name = "The Quillfeather Annex"
    by_text.service.description += " Meets by the QUILLFEATHER fountain."
    both.location.name = "quillfeather house"
    both.service.alternate_name = "Quillfeather circle"
    db.session.commit()

    def matches(link: ServiceAtLocation) -> bool:
        service = link.service
        texts = (service.name, service.alternate_name, service.description, link.location.name)
        return any("quillfeather" in (text or "").lower() for text in texts)

    expected = [link.id for link in public if matches(link)]
    assert {at_place.id, by_text.id, both.id} <= set(expected)
    page = get_json(client, "/hsds/service_at_locations?search=quillFeather&per_page=200")
    assert [item["id"] for item in page["contents"]] == expected
    assert page["total_items"] == len(expected)
    paged: list[str] = []
    for number in range(1, len(expected) + 1):
        url = f"/hsds/service_at_locations?search=quillfeather&per_page=1&page={number}"
        paged += [item["id"] for item in get_json(client, url)["contents"]]
    assert paged == expected
