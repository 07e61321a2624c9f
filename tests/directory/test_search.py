from __future__ import annotations

import math
import random

import pytest
import sqlalchemy as sa
from flask import Flask
from geopy.distance import great_circle
from hypothesis import given, settings
from hypothesis import strategies as st

from support_hub.db import new_id
from support_hub.directory.models import (
    Audience,
    Category,
    CostKind,
    Delivery,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
)
from support_hub.directory.search import (
    FIRST_RING_MI,
    SearchQuery,
    bounding_box,
    first_ring_mi,
    miles_between,
    nearest_in_rings,
    search_services,
)
from support_hub.extensions import db
from tests.directory.conftest import add_listing

# Kendall Square, Cambridge MA.
HOME = (42.3625, -71.0862)


def offset(miles_north: float, miles_east: float = 0.0) -> tuple[float, float]:
    """A point this many miles north/east of HOME (small distances)."""
    lat = HOME[0] + miles_north / 69.09
    lng = HOME[1] + miles_east / (69.09 * math.cos(math.radians(HOME[0])))
    return lat, lng


def names(hits: list) -> list[str]:
    return [hit.service.name for hit in hits]


def test_results_come_nearest_first_with_exact_great_circle_miles(app: Flask) -> None:
    for miles in (7.0, 0.5, 3.0, 12.0):
        add_listing(f"{miles} mi", *offset(miles))
    results = search_services(SearchQuery(*HOME))
    assert names(results.local) == ["0.5 mi", "3.0 mi", "7.0 mi", "12.0 mi"]
    for hit in results.local:
        expected = great_circle(HOME, (hit.location.latitude, hit.location.longitude)).miles
        assert hit.distance_mi == pytest.approx(expected, abs=0.005)
        assert hit.remote is False
    assert results.total_local == 4
    assert results.total_is_exact


def test_radius_is_a_circle_not_a_box(app: Flask) -> None:
    add_listing("inside", *offset(24.8))
    add_listing("outside", *offset(25.3))
    # In the box's corner: within 25 miles both north and east, but 28 miles away.
    add_listing("corner", *offset(20, 20))
    results = search_services(SearchQuery(*HOME, radius_mi=25))
    assert names(results.local) == ["inside"]
    assert names(search_services(SearchQuery(*HOME, radius_mi=30)).local) == [
        "inside",
        "outside",
        "corner",
    ]


def test_only_active_unarchived_services_are_found(app: Flask) -> None:
    add_listing("open", *offset(1))
    add_listing("closed", *offset(1), status=ServiceStatus.TEMPORARILY_CLOSED)
    add_listing("gone", *offset(1), status=ServiceStatus.DEFUNCT)
    add_listing("archived", *offset(1), archived=True)
    add_listing("archived online", areas=(("national", None),), archived=True)
    results = search_services(SearchQuery(*HOME))
    assert names(results.local) == ["open"]
    assert results.remote == []


def test_filters_narrow_local_and_remote_results(app: Flask) -> None:
    add_listing("chaplain", *offset(1), category=Category.SPIRITUAL_CARE)
    add_listing("caregiver group", *offset(2), audience=Audience.CAREGIVERS | Audience.FAMILY)
    add_listing("spanish", *offset(3), languages=("en", "es"))
    add_listing("paid", *offset(4), cost=CostKind.FEE)
    add_listing("phone chaplain", category=Category.SPIRITUAL_CARE, areas=(("national", None),))

    def found(**filters: object) -> list[str]:
        results = search_services(SearchQuery(*HOME, **filters))  # type: ignore[arg-type]
        return names(results.local) + names(results.remote)

    assert found(category=Category.SPIRITUAL_CARE) == ["chaplain", "phone chaplain"]
    assert found(audience=Audience.FAMILY) == ["caregiver group"]
    assert found(language="es") == ["spanish"]
    assert found(language="ES") == ["spanish"]
    assert found(cost=CostKind.FEE) == ["paid"]
    assert found(cost=CostKind.FEE | CostKind.INSURANCE) == ["paid"]


def test_free_text_matches_name_description_and_organization_words(app: Flask) -> None:
    add_listing("Scan anxiety circle", *offset(1))
    add_listing("Evening group", *offset(2), description="Talk about SCAN results")
    add_listing("Other", *offset(3), organization="Scanlon Foundation")
    add_listing("Unrelated", *offset(4))
    add_listing("100% free_text", *offset(5))
    assert names(search_services(SearchQuery(*HOME, text="scan")).local) == [
        "Scan anxiety circle",
        "Evening group",
        "Other",
    ]
    assert names(search_services(SearchQuery(*HOME, text="scan anxiety")).local) == [
        "Scan anxiety circle"
    ]
    # LIKE wildcards in what people type are taken literally.
    assert names(search_services(SearchQuery(*HOME, text="%")).local) == ["100% free_text"]
    assert names(search_services(SearchQuery(*HOME, text="e_t")).local) == ["100% free_text"]


def test_online_and_phone_services_serving_the_state_are_returned_marked_remote(
    app: Flask,
) -> None:
    add_listing("national line", areas=(("national", None),), delivery=Delivery.PHONE)
    add_listing("massachusetts online", areas=(("state", "MA"),))
    add_listing("texas online", areas=(("state", "TX"),))
    add_listing("local group", *offset(2))
    results = search_services(SearchQuery(*HOME, state_code="MA"))
    assert names(results.local) == ["local group"]
    # The state's own services come before national ones.
    assert names(results.remote) == ["massachusetts online", "national line"]
    assert all(
        hit.remote and hit.location is None and hit.distance_mi is None for hit in results.remote
    )
    assert results.total_remote == 2
    without_state = search_services(SearchQuery(*HOME))
    assert names(without_state.remote) == ["national line"]
    # The statement is built once; the state, the limit and the point are bound per search.
    texas = search_services(SearchQuery(*offset(1000), state_code="tx", remote_limit=1))
    assert (names(texas.local), names(texas.remote)) == ([], ["texas online"])
    assert texas.total_remote == 2  # one past the limit per scope: "more than shown"


def test_delivery_filter_chooses_between_local_and_remote(app: Flask) -> None:
    add_listing("national line", areas=(("national", None),), delivery=Delivery.PHONE)
    add_listing("online group", areas=(("national", None),), delivery=Delivery.ONLINE)
    add_listing("local group", *offset(2))
    online = search_services(SearchQuery(*HOME, delivery=Delivery.ONLINE))
    assert (names(online.local), names(online.remote)) == ([], ["online group"])
    in_person = search_services(SearchQuery(*HOME, delivery=Delivery.IN_PERSON))
    assert (names(in_person.local), names(in_person.remote)) == (["local group"], [])


def test_pages_are_disjoint_and_continue_in_distance_order(app: Flask) -> None:
    for i in range(45):
        add_listing(f"listing {i:02d}", *offset(0.3 + i * 0.4))
    pages = [search_services(SearchQuery(*HOME, page=p, per_page=20)) for p in (1, 2, 3, 4)]
    assert [len(p.local) for p in pages] == [20, 20, 5, 0]
    assert names(pages[0].local + pages[1].local + pages[2].local) == [
        f"listing {i:02d}" for i in range(45)
    ]
    # A total is exact once the rings reached the radius, otherwise a lower bound.
    for number, page in enumerate(pages[:3], start=1):
        assert page.total_local >= min(45, number * 20)
        assert page.total_is_exact or page.total_local < 45
    assert (pages[2].total_local, pages[2].total_is_exact, pages[2].pages) == (45, True, 3)


def test_dense_areas_give_the_same_answer_as_checking_every_listing(app: Flask) -> None:
    rng = random.Random(3)
    points = []
    for i in range(250):
        # Most close in (a dense city), some spread out to 40 miles.
        spread = 2.0 if i % 3 else 40.0
        point = offset(rng.uniform(-spread, spread), rng.uniform(-spread, spread))
        category = Category.COUNSELING if i % 4 == 0 else Category.SUPPORT_GROUP
        add_listing(f"p{i}", *point, category=category)
        points.append((f"p{i}", point, category))
    for origin in (HOME, offset(10, -5), offset(-30, 3)):
        for category in (None, Category.COUNSELING):
            brute = sorted(
                (miles_between(*origin, *point), name)
                for name, point, cat in points
                if category in (None, cat) and miles_between(*origin, *point) <= 25
            )
            results = search_services(SearchQuery(*origin, category=category, per_page=20))
            assert names(results.local) == [name for _, name in brute[:20]]
            if results.total_is_exact:
                assert results.total_local == len(brute)
            else:
                assert 20 <= results.total_local < len(brute)


def test_a_dense_city_reads_a_small_ring_not_the_whole_radius(app: Flask) -> None:
    for i in range(60):
        add_listing(f"near {i}", *offset(0.01 * i, 0.005 * i))
    add_listing("far", *offset(20))
    query = SearchQuery(*HOME, per_page=10)
    found, last_ring, rings = nearest_in_rings(query, 10, first_ring=1.0)
    # The first ring already held the page: nothing farther was read or counted.
    assert rings == [1.0] and last_ring == 1.0
    assert len(found) == 60
    assert [d for d, _, _ in found] == sorted(d for d, _, _ in found)
    # End to end the totals say "at least" unless everything in the radius was read.
    results = search_services(query)
    assert names(results.local) == [f"near {i}" for i in range(10)]
    assert results.total_local == 61 if results.total_is_exact else results.total_local >= 10


def test_rings_grow_until_the_page_is_full_and_agree_with_checking_everything(
    app: Flask,
) -> None:
    rng = random.Random(5)
    points = []
    for i in range(120):
        point = offset(rng.uniform(-30, 30), rng.uniform(-30, 30))
        add_listing(f"r{i}", *point)
        points.append((f"r{i}", point))
    brute = sorted(
        (miles_between(*HOME, *point), name)
        for name, point in points
        if miles_between(*HOME, *point) <= 25
    )
    found, last_ring, rings = nearest_in_rings(SearchQuery(*HOME), 20, first_ring=0.5)
    assert len(rings) > 1
    assert rings == sorted(rings)
    assert last_ring == rings[-1] <= 25
    ids = {s.id: s.name for s in db.session.scalars(sa.select(Service))}
    assert [ids[service_id] for _, service_id, _ in found[:20]] == [n for _, n in brute[:20]]


def test_the_first_ring_widens_as_the_directory_thins() -> None:
    assert first_ring_mi(1_000_000, 25) == FIRST_RING_MI
    assert first_ring_mi(100_000, 25) == pytest.approx(FIRST_RING_MI * 10**0.5)
    assert first_ring_mi(50, 25) == 25  # a small directory: one query for the whole radius
    assert first_ring_mi(10_000_000, 25) == FIRST_RING_MI  # never narrower than this


def test_confidential_locations_are_found_but_their_place_is_not_public(app: Flask) -> None:
    add_listing("safe house group", *offset(2.34), confidential=True)
    add_listing("open group", *offset(3))
    results = search_services(SearchQuery(*HOME))
    hidden, shown = results.local
    assert hidden.service.name == "safe house group"
    assert hidden.public_location is None
    # Whole miles only: exact distances from a few places would pinpoint the address.
    assert hidden.distance_mi == 2.0
    assert shown.public_location is shown.location


def test_zero_radius_finds_nothing_local_but_still_remote_options(app: Flask) -> None:
    add_listing("here", *HOME)
    add_listing("national line", areas=(("national", None),))
    results = search_services(SearchQuery(*HOME, radius_mi=0))
    assert (results.local, names(results.remote)) == ([], ["national line"])


@settings(max_examples=200, deadline=None)
@given(
    lat=st.floats(-89.0, 89.0),
    lng=st.floats(-180.0, 180.0),
    radius=st.floats(0.1, 250.0),
    bearing=st.floats(0, 360),
)
def test_bounding_box_holds_every_point_within_the_radius(
    lat: float, lng: float, radius: float, bearing: float
) -> None:
    edge = great_circle(miles=radius * 0.999).destination((lat, lng), bearing)
    south, north, west, east = bounding_box(lat, lng, radius)
    assert south <= edge.latitude <= north
    assert west <= edge.longitude <= east


def test_a_service_met_nearby_is_not_listed_again_as_remote(app: Flask) -> None:
    add_listing(
        "hybrid group",
        *offset(1),
        delivery=Delivery.IN_PERSON | Delivery.ONLINE,
        areas=(("state", "MA"),),
    )
    add_listing("online only", areas=(("state", "MA"),))
    results = search_services(SearchQuery(*HOME, state_code="MA"))
    assert names(results.local) == ["hybrid group"]
    assert names(results.remote) == ["online only"]


def test_a_result_shows_each_phone_schedule_and_language_once_and_its_own_site(
    app: Flask,
) -> None:
    # Phones and schedules are read joined (one row per pair): each must still show once.
    service = add_listing("two sites", *offset(1), languages=("es", "en", "es"))
    db.session.add_all(
        [
            Phone(id=new_id(), service=service, number="+16175550199", type="fax"),
            Schedule(id=new_id(), service=service, description="Every Friday"),
        ]
    )
    far = Location(id=new_id(), name="far site", latitude=offset(3)[0], longitude=HOME[1])
    db.session.add_all([far, ServiceAtLocation(id=new_id(), service=service, location=far)])
    db.session.flush()
    results = search_services(SearchQuery(*HOME), with_languages=True)
    near_hit, far_hit = results.local
    assert (near_hit.location.name, far_hit.location.name) == ("two sites", "far site")
    assert near_hit.location.addresses[0].address_1 == "1 Test Street"
    assert far_hit.location.addresses == ()
    listing = near_hit.service
    assert sorted(p.number for p in listing.phones) == ["+16175550123", "+16175550199"]
    assert sorted(s.description for s in listing.schedules) == [
        "2nd Tuesday, 6–7:30 pm",
        "Every Friday",
    ]
    assert listing.languages == ("en", "es")
    assert listing.organization.name == "Test Organization"
    # The pages do not show languages, so they are not read for them.
    assert search_services(SearchQuery(*HOME)).local[0].service.languages is None


def test_a_listing_deleted_between_ranking_and_loading_is_left_out_not_a_500(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from support_hub.directory import search as search_module

    add_listing("stays", *offset(1))
    add_listing("deleted nearby", *offset(2))
    add_listing("deleted online", areas=(("state", "MA"),))
    add_listing("online stays", areas=(("state", "MA"),))
    rank = search_module.rank_services

    def rank_then_another_request_deletes(query: SearchQuery) -> object:
        ranking = rank(query)
        # What a coordinator's commit between the two statements looks like to this request.
        for name in ("deleted nearby", "deleted online"):
            service = db.session.scalar(sa.select(Service).where(Service.name == name))
            db.session.delete(service)
        db.session.flush()
        return ranking

    monkeypatch.setattr(search_module, "rank_services", rank_then_another_request_deletes)
    results = search_services(SearchQuery(*HOME, state_code="MA"))
    assert names(results.local) == ["stays"]
    assert names(results.remote) == ["online stays"]
