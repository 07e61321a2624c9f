from __future__ import annotations

from typing import Any

import pytest
from flask import url_for
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from support_hub.directory.api import ServiceLinks
from support_hub.directory.models import Category, Delivery
from support_hub.extensions import db
from tests.directory.conftest import add_listing
from tests.directory.test_search import HOME, offset
from tests.sms.test_query_budget import statements

DOC_URI = "urn:support-hub:openapi"


@pytest.fixture
def openapi(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.get_json()
    return document


def check(document: dict[str, Any], schema: str, instance: object) -> None:
    """Validate `instance` against a schema of the served document, $refs resolved in it."""
    registry = Registry().with_resource(
        DOC_URI, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    validator = Draft202012Validator(
        {"$ref": f"{DOC_URI}#/components/schemas/{schema}"}, registry=registry
    )
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def response_schema(document: dict[str, Any], path: str, status: int) -> str:
    responses = document["paths"][path]["get"]["responses"]
    ref: str = responses[str(status)]["content"]["application/json"]["schema"]["$ref"]
    return ref.rsplit("/", 1)[-1]


def test_search_near_a_zip_returns_documented_results_nearest_first(
    client: FlaskClient, openapi: dict[str, Any]
) -> None:
    add_listing("far", *offset(8))
    add_listing("near", *offset(1))
    add_listing("hidden", *offset(3), confidential=True)
    add_listing("national line", areas=(("national", None),), delivery=Delivery.PHONE)
    response = client.get("/api/v1/services?near=02139")
    assert response.status_code == 200
    body = response.get_json()
    check(openapi, response_schema(openapi, "/api/v1/services", 200), body)
    assert [r["name"] for r in body["results"]] == ["near", "hidden", "far"]
    distances = [r["distance_mi"] for r in body["results"]]
    assert distances == sorted(distances)
    assert body["place"]["label"] == "Cambridge, MA 02139"
    assert (body["total"], body["total_is_exact"], body["radius_mi"]) == (3, True, 25.0)
    # Remote options are included, and marked.
    assert [(r["name"], r["remote"], r["serves"]) for r in body["remote"]] == [
        ("national line", True, "national")
    ]
    assert all(r["remote"] is False for r in body["results"])
    hidden = body["results"][1]
    assert hidden["location"] == {
        "confidential": True,
        "name": None,
        "address": None,
        "latitude": None,
        "longitude": None,
    }
    assert hidden["distance_mi"] == float(round(hidden["distance_mi"]))


def test_search_by_lat_lng_with_filters(client: FlaskClient, openapi: dict[str, Any]) -> None:
    add_listing("chaplain", *offset(2), category=Category.SPIRITUAL_CARE, languages=("es",))
    add_listing("group", *offset(1))
    lat, lng = HOME
    response = client.get(
        f"/api/v1/services?lat={lat}&lng={lng}&radius_mi=10&category=spiritual_care&language=es"
        "&delivery=in_person&cost=free&audience=patients,caregivers&q=chap"
    )
    body = response.get_json()
    check(openapi, "SearchResponse", body)
    assert [r["name"] for r in body["results"]] == ["chaplain"]
    assert body["place"]["state_code"] == "MA"
    assert body["results"][0]["languages"] == ["es"]


def test_pages_link_to_each_other(client: FlaskClient, openapi: dict[str, Any]) -> None:
    for i in range(5):
        add_listing(f"g{i}", *offset(0.5 + i))
    first = client.get("/api/v1/services?near=02139&per_page=2").get_json()
    check(openapi, "SearchResponse", first)
    assert first["links"]["prev"] is None
    second = client.get(first["links"]["next"]).get_json()
    assert [r["name"] for r in second["results"]] == ["g2", "g3"]
    assert second["links"]["prev"] is not None
    last = client.get("/api/v1/services?near=02139&per_page=2&page=3").get_json()
    assert ([r["name"] for r in last["results"]], last["links"]["next"]) == (["g4"], None)


@pytest.mark.parametrize(
    ("query", "status", "code", "parameter"),
    [
        ("near=02139&radius_mi=0", 400, "invalid_radius_mi", "radius_mi"),
        ("near=02139&radius_mi=251", 400, "invalid_radius_mi", "radius_mi"),
        ("near=02139&radius_mi=far", 400, "invalid_radius_mi", "radius_mi"),
        ("near=02139&radius_mi=nan", 400, "invalid_radius_mi", "radius_mi"),
        ("near=02139&category=astrology", 400, "unknown_category", "category"),
        ("near=02139&delivery=fax", 400, "unknown_delivery", "delivery"),
        ("near=02139&audience=cats", 400, "unknown_audience", "audience"),
        ("near=02139&language=klingon", 400, "unknown_language", "language"),
        ("near=02139&per_page=0", 400, "invalid_per_page", "per_page"),
        ("near=02139&per_page=101", 400, "invalid_per_page", "per_page"),
        ("near=02139&page=-1", 400, "invalid_page", "page"),
        ("lat=91&lng=0", 400, "invalid_lat", "lat"),
        ("lat=40&lng=-181", 400, "invalid_lng", "lng"),
        ("lat=40", 400, "missing_lng", "lng"),
        ("", 400, "missing_place", "near"),
        ("near=" + "x" * 400, 422, "place_not_found", "near"),
    ],
)
def test_bad_parameters_are_documented_json_errors(
    client: FlaskClient,
    openapi: dict[str, Any],
    query: str,
    status: int,
    code: str,
    parameter: str,
) -> None:
    response = client.get(f"/api/v1/services?{query}")
    assert response.status_code == status
    body = response.get_json()
    check(openapi, response_schema(openapi, "/api/v1/services", status), body)
    assert (body["error"]["code"], body["error"]["parameter"]) == (code, parameter)
    assert body["error"]["message"]


def test_an_unplaceable_near_says_so_with_suggestions(
    client: FlaskClient, openapi: dict[str, Any]
) -> None:
    response = client.get("/api/v1/services?near=Cambrige,+MA")
    assert response.status_code == 422
    body = response.get_json()
    check(openapi, "Error", body)
    assert body["error"]["code"] == "place_not_found"
    assert "Cambridge, MA" in body["error"]["suggestions"]


def test_one_listing_by_id_hides_a_confidential_address(
    client: FlaskClient, openapi: dict[str, Any]
) -> None:
    open_one = add_listing("open", *offset(1), address=("5 Elm St", "Cambridge", "MA", "02139"))
    hidden = add_listing(
        "hidden", *offset(1), confidential=True, address=("9 Quiet Rd", "Cambridge", "MA", "02139")
    )
    online = add_listing("online", areas=(("state", "MA"),))
    for service, check_body in (
        (open_one, lambda b: b["locations"][0]["address"]["address_1"] == "5 Elm St"),
        (hidden, lambda b: b["locations"][0]["address"] is None),
        (online, lambda b: b["service_areas"] == [{"scope": "state", "state_code": "MA"}]),
    ):
        response = client.get(f"/api/v1/services/{service.id}")
        assert response.status_code == 200
        body = response.get_json()
        check(openapi, response_schema(openapi, "/api/v1/services/{service_id}", 200), body)
        assert check_body(body)
    assert b"9 Quiet Rd" not in client.get(f"/api/v1/services/{hidden.id}").data


def test_an_unknown_or_closed_listing_is_a_documented_404(
    client: FlaskClient, openapi: dict[str, Any]
) -> None:
    closed = add_listing("closed", *offset(1), archived=True)
    for service_id in ("no-such-id", closed.id):
        response = client.get(f"/api/v1/services/{service_id}")
        assert response.status_code == 404
        check(openapi, "Error", response.get_json())


def test_every_documented_filter_value_is_accepted(
    client: FlaskClient, openapi: dict[str, Any]
) -> None:
    parameters = {p["name"]: p for p in openapi["paths"]["/api/v1/services"]["get"]["parameters"]}
    for name in ("category", "language"):
        for value in parameters[name]["schema"]["enum"]:
            assert client.get(f"/api/v1/services?near=02139&{name}={value}").status_code == 200
    for name in ("audience", "delivery", "cost"):
        for value in parameters[name]["schema"]["examples"]:
            assert client.get(f"/api/v1/services?near=02139&{name}={value}").status_code == 200


def test_openapi_document_is_3_1_and_every_reference_resolves(openapi: dict[str, Any]) -> None:
    assert openapi["openapi"].startswith("3.1")
    registry = Registry().with_resource(
        DOC_URI, Resource.from_contents(openapi, default_specification=DRAFT202012)
    )
    resolver = registry.resolver(DOC_URI)
    refs: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                refs.append(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(openapi)
    assert refs
    for ref in refs:
        assert resolver.lookup(ref).contents
    for schema in openapi["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_the_schemas_are_strict_enough_to_catch_drift(
    client: FlaskClient, openapi: dict[str, Any]
) -> None:
    add_listing("near", *offset(1))
    body = client.get("/api/v1/services?near=02139").get_json()
    body["results"][0]["undocumented"] = 1
    with pytest.raises(AssertionError):
        check(openapi, "SearchResponse", body)
    del body["results"][0]["undocumented"]
    body["results"][0]["category"] = "astrology"
    with pytest.raises(AssertionError):
        check(openapi, "SearchResponse", body)


def test_a_page_of_results_reads_its_listings_and_their_places_in_two_statements(
    client: FlaskClient,
) -> None:
    # Twenty results once cost twenty more round trips: each listing's languages loaded one
    # at a time as the JSON was written (N+1). Whatever a result shows is read with the page:
    # the listings (languages included) in one statement, their locations in another.
    for i in range(20):
        add_listing(f"Group {i}", *offset(0.2 * (i + 1)), languages=("es", "en"))
    db.session.commit()
    with statements() as seen:
        response = client.get(f"/api/v1/services?lat={HOME[0]}&lng={HOME[1]}&per_page=20")
    assert response.status_code == 200
    assert len(response.get_json()["results"]) == 20
    assert all(hit["languages"] == ["en", "es"] for hit in response.get_json()["results"])
    assert not [s for s in seen if s.startswith("SELECT language")], seen
    assert len([s for s in seen if s.startswith("SELECT service.id, service.name")]) == 1, seen
    assert len([s for s in seen if s.startswith("SELECT location.id, location.name")]) == 1, seen
    assert len(seen) <= 6, seen  # rings (SQLite) or nearest, online options, listings, places


def test_result_links_are_the_urls_of_the_listing_and_its_page(client: FlaskClient) -> None:
    # The links are built from one url_for a request; they must be what url_for builds.
    add_listing("near", *offset(1))
    db.session.commit()
    body = client.get(f"/api/v1/services?lat={HOME[0]}&lng={HOME[1]}").get_json()
    (hit,) = body["results"]
    with client.application.test_request_context():
        assert hit["links"] == {
            "self": url_for("directory_api.get_service", service_id=hit["id"], _external=True),
            "html": url_for("directory.service_detail", service_id=hit["id"], _external=True),
        }
        # Ids from an HSDS import are the publisher's: quoted exactly as url_for quotes them.
        for odd in ("a b", "ü/ß?x#y", "100%", "x;y=z@w"):
            assert ServiceLinks.build().of(odd) == {
                "self": url_for("directory_api.get_service", service_id=odd, _external=True),
                "html": url_for("directory.service_detail", service_id=odd, _external=True),
            }
