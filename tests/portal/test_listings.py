"""Coordinators create, edit, place, verify and archive listings; every change is audited."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask.testing import FlaskClient

from support_hub.accounts.audit import Actor
from support_hub.accounts.models import AuditEvent, User
from support_hub.directory.models import (
    Audience,
    Delivery,
    Location,
    Organization,
    Service,
    ServiceAreaScope,
    ServiceStatus,
)
from support_hub.directory.search import SearchQuery, get_public_service, search_services
from support_hub.extensions import db
from support_hub.portal import services
from support_hub.portal.services import LocationInput, OrganizationInput, ServiceInput
from tests.staff import Clock, open_session

ACTOR = Actor(user_id=None, email="tester@example.org", ip="192.0.2.1")


def service_form(org_id: str, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "organization_id": org_id,
        "name": "Thriving With Stage 4: Evening Circle",
        "description": "A peer group for people living with metastatic breast cancer.",
        "category": "support_group",
        "specialty": "",
        "status": "active",
        "audience": ["patients", "metastatic"],
        "delivery": ["in_person"],
        "cost": ["free"],
        "application_process": "Call to register.",
        "phone": "(617) 555-0123",
        "languages": "en, es",
        "schedule_description": "2nd Tuesday, 6–7:30 pm",
        "schedule_freq": "MONTHLY",
        "schedule_byday": "2TU",
        "schedule_opens_at": "18:00",
        "schedule_closes_at": "19:30",
        "service_area": "",
        "service_area_states": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def organization() -> Organization:
    return services.save_organization(
        None, OrganizationInput(name="Harbor Light Cancer Support"), actor=ACTOR
    )


@pytest.fixture
def listing(organization: Organization) -> Service:
    return services.save_service(
        None,
        ServiceInput(
            organization_id=organization.id,
            name="Caregivers' Coffee Hour",
            category="support_group",
            audience=["caregivers"],
            delivery=["in_person"],
        ),
        actor=ACTOR,
    )


def test_a_coordinator_creates_a_listing_and_the_public_can_find_it_at_once(
    client: FlaskClient, coordinator: User
) -> None:
    open_session(client, coordinator)
    created_org = client.post(
        "/portal/organizations/new", data={"name": "Harbor Light Cancer Support"}
    )
    assert created_org.status_code == 302
    org = db.session.query(Organization).filter_by(name="Harbor Light Cancer Support").one()

    created = client.post("/portal/services/new", data=service_form(org.id))
    assert created.status_code == 302
    service = (
        db.session.query(Service).filter_by(name="Thriving With Stage 4: Evening Circle").one()
    )
    assert service.audience == Audience.PATIENTS | Audience.METASTATIC
    assert [p.number for p in service.phones] == ["+16175550123"]
    assert sorted(lang.code for lang in service.languages) == ["en", "es"]
    assert service.schedules[0].byday == "2TU"

    placed = client.post(
        f"/portal/services/{service.id}/locations/new",
        data={
            "name": "Library Community Room",
            "address_1": "450 Massachusetts Ave",
            "city": "Cambridge",
            "state": "MA",
            "postal_code": "02139",
        },
    )
    assert placed.status_code == 302
    location = service.service_at_locations[0].location
    assert location.latitude == pytest.approx(42.36, abs=0.05)
    assert location.longitude == pytest.approx(-71.10, abs=0.05)

    # The public search and detail see it straight away.
    results = search_services(SearchQuery(latitude=42.3736, longitude=-71.1097, radius_mi=5))
    assert service.id in [hit.service.id for hit in results.local]
    assert get_public_service(service.id) is not None
    visitor = client.application.test_client()
    search_page = visitor.get("/search?near=02139&radius_mi=5").get_data(as_text=True)
    assert "Thriving With Stage 4: Evening Circle" in search_page
    assert visitor.get(f"/services/{service.id}").status_code == 200
    api = visitor.get("/api/v1/services?near=02139&radius_mi=5").get_json()
    assert service.id in str(api)

    actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
    assert actions[-3:] == ["organization.created", "service.created", "service.location_added"]


def test_bad_values_are_refused_with_messages_next_to_each_field(
    client: FlaskClient, coordinator: User, organization: Organization
) -> None:
    open_session(client, coordinator)
    response = client.post(
        "/portal/services/new",
        data=service_form(
            organization.id,
            name="",
            category="bowling",
            phone="12",
            schedule_byday="Tuesdays",
            schedule_opens_at="6pm",
            delivery=[],
        ),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for field in ("name", "category", "phone", "schedule_byday", "schedule_opens_at", "delivery"):
        assert f'id="{field}-error"' in html, field
    assert 'aria-describedby="name-error"' in html
    assert 'aria-invalid="true"' in html
    assert "Choose one of: support_group" in html
    assert db.session.query(Service).count() == 0


def test_online_services_need_a_service_area(organization: Organization) -> None:
    with pytest.raises(services.ValidationFailed) as refused:
        services.save_service(
            None,
            ServiceInput(
                organization_id=organization.id,
                name="Online circle",
                category="support_group",
                delivery=["online"],
            ),
            actor=ACTOR,
        )
    assert "service_area" in refused.value.errors
    saved = services.save_service(
        None,
        ServiceInput(
            organization_id=organization.id,
            name="Online circle",
            category="support_group",
            delivery=["online"],
            service_area="state",
            service_area_states="MA; nh",
        ),
        actor=ACTOR,
    )
    assert sorted((a.scope, a.state_code) for a in saved.service_areas) == [
        (ServiceAreaScope.STATE, "MA"),
        (ServiceAreaScope.STATE, "NH"),
    ]


def test_an_address_that_cannot_be_placed_asks_for_coordinates_and_they_work(
    client: FlaskClient, coordinator: User, listing: Service
) -> None:
    open_session(client, coordinator)
    address = {
        "address_1": "12 Nowhere Lane",
        "city": "Qwxyz",
        "state": "MA",
        "postal_code": "00000",
    }
    refused = client.post(f"/portal/services/{listing.id}/locations/new", data=address)
    assert refused.status_code == 400
    assert "couldn&#39;t place this address" in refused.get_data(as_text=True)
    assert 'id="address_1-error"' in refused.get_data(as_text=True)
    assert db.session.query(Location).count() == 0

    placed = client.post(
        f"/portal/services/{listing.id}/locations/new",
        data={**address, "latitude": "42.35", "longitude": "-71.06", "confidential": "y"},
    )
    assert placed.status_code == 302
    location = db.session.query(Location).one()
    assert (location.latitude, location.longitude, location.confidential) == (42.35, -71.06, True)


def test_a_zip_in_another_state_is_refused(listing: Service) -> None:
    with pytest.raises(services.ValidationFailed) as refused:
        services.save_location(
            listing,
            None,
            LocationInput(address_1="1 Main St", city="Austin", state="TX", postal_code="02139"),
            locate=services_locate(),
            actor=ACTOR,
        )
    assert refused.value.errors == {"postal_code": ["ZIP 02139 is in MA, not TX."]}


def services_locate():  # the real geocoder, as the portal uses it
    from support_hub.portal.places import locator

    return locator()


def test_editing_records_only_what_changed_before_and_after(
    client: FlaskClient, coordinator: User, listing: Service
) -> None:
    open_session(client, coordinator)
    form = service_form(
        listing.organization_id,
        name="Caregivers' Coffee Hour",
        audience=["caregivers"],
        status="temporarily closed",
    )
    assert client.post(f"/portal/services/{listing.id}/edit", data=form).status_code == 302
    event = db.session.query(AuditEvent).filter_by(action="service.updated").one()
    assert event.actor_email == coordinator.email
    assert event.before["status"] == "active"
    assert event.after["status"] == "temporarily closed"
    assert event.before["phone"] is None and event.after["phone"] == "+16175550123"
    assert "name" not in event.after
    # Temporarily closed listings leave public search.
    assert get_public_service(listing.id) is None


def test_the_edit_form_shows_the_listing_as_saved(
    client: FlaskClient, coordinator: User, listing: Service
) -> None:
    open_session(client, coordinator)
    html = client.get(f"/portal/services/{listing.id}/edit").get_data(as_text=True)
    assert 'value="Caregivers&#39; Coffee Hour"' in html
    checked = re.findall(
        r'<input checked id="[a-z_]+-\d+" name="([a-z_]+)" type="checkbox" value="([a-z_]+)"', html
    )
    assert sorted(checked) == [("audience", "caregivers"), ("delivery", "in_person")]


def test_mark_verified_sets_the_date_and_who(
    client: FlaskClient, coordinator: User, listing: Service, clock: Clock
) -> None:
    open_session(client, coordinator)
    assert client.post(f"/portal/services/{listing.id}/verify").status_code == 302
    db.session.refresh(listing)
    assert listing.assured_date == clock.now.date()
    assert listing.assurer_email == coordinator.email
    assert db.session.query(AuditEvent).filter_by(action="service.verified").one().after == {
        "assured_date": clock.now.date().isoformat(),
        "assurer_email": coordinator.email,
    }


def test_reverification_queue_lists_stale_listings_oldest_first(organization: Organization) -> None:
    def make(name: str, assured: date | None, **extra: object) -> Service:
        service = services.save_service(
            None,
            ServiceInput(
                organization_id=organization.id,
                name=name,
                category="counseling",
                delivery=["in_person"],
            ),
            actor=ACTOR,
        )
        service.assured_date = assured
        for key, value in extra.items():
            setattr(service, key, value)
        db.session.commit()
        return service

    today = date(2026, 3, 2)
    make("Fresh", date(2026, 1, 10))
    make("Exactly 180 days", date(2025, 9, 3))
    make("Old", date(2024, 5, 1))
    make("Never verified", None)
    make("Old but archived", date(2024, 1, 1), archived_at=services.utcnow())
    make("Old but defunct", date(2024, 1, 1), status=ServiceStatus.DEFUNCT)

    queue = [s.name for s in services.reverify_queue(today=today)]
    assert queue == ["Never verified", "Old", "Exactly 180 days"]


def test_archiving_hides_a_listing_from_the_public_and_keeps_it(
    client: FlaskClient, coordinator: User, listing: Service
) -> None:
    open_session(client, coordinator)
    assert get_public_service(listing.id) is not None
    assert client.post(f"/portal/services/{listing.id}/archive").status_code == 302
    assert get_public_service(listing.id) is None
    assert db.session.get(Service, listing.id) is not None
    assert client.application.test_client().get(f"/services/{listing.id}").status_code == 404
    assert "Coffee Hour" not in client.get("/portal/").get_data(as_text=True)
    assert "Coffee Hour" in client.get("/portal/?archived=only").get_data(as_text=True)

    assert client.post(f"/portal/services/{listing.id}/unarchive").status_code == 302
    assert get_public_service(listing.id) is not None
    assert [
        e.action
        for e in db.session.query(AuditEvent).filter(AuditEvent.action.like("service.%archived"))
    ] == ["service.archived", "service.unarchived"]


def test_removing_a_location_is_audited_with_what_it_was(
    client: FlaskClient, coordinator: User, listing: Service
) -> None:
    location = services.save_location(
        listing,
        None,
        LocationInput(address_1="1 Main St", city="Cambridge", state="MA", postal_code="02139"),
        locate=services_locate(),
        actor=ACTOR,
    )
    open_session(client, coordinator)
    assert (
        client.post(f"/portal/services/{listing.id}/locations/{location.id}/remove").status_code
        == 302
    )
    assert db.session.query(Location).count() == 0
    event = db.session.query(AuditEvent).filter_by(action="service.location_removed").one()
    assert event.before["address_1"] == "1 Main St"


def test_the_list_filters_by_name_status_and_category(
    client: FlaskClient, coordinator: User, listing: Service, organization: Organization
) -> None:
    services.save_service(
        None,
        ServiceInput(
            organization_id=organization.id,
            name="Chaplain visits",
            category="spiritual_care",
            delivery=["in_person"],
            status="inactive",
        ),
        actor=ACTOR,
    )
    open_session(client, coordinator)
    page = client.get("/portal/?category=spiritual_care").get_data(as_text=True)
    assert "Chaplain visits" in page and "Coffee Hour" not in page
    page = client.get("/portal/?q=coffee").get_data(as_text=True)
    assert "Coffee Hour" in page and "Chaplain visits" not in page
    page = client.get("/portal/?status=inactive").get_data(as_text=True)
    assert "Chaplain visits" in page and "Coffee Hour" not in page


def test_delivery_flags_round_trip_through_the_edit_form(listing: Service) -> None:
    data = services.service_input_from(listing)
    assert data.delivery == ["in_person"]
    assert listing.delivery == Delivery.IN_PERSON


def test_odd_page_numbers_are_read_as_the_nearest_page(
    client: FlaskClient, coordinator: User
) -> None:
    open_session(client, coordinator)
    for page in ("0", "-3", "abc", "99999999999999999999999"):
        assert client.get(f"/portal/?page={page}").status_code == 200, page


def test_a_new_address_is_placed_again_unless_coordinates_were_typed(
    client: FlaskClient, coordinator: User, listing: Service
) -> None:
    location = services.save_location(
        listing,
        None,
        LocationInput(address_1="1 Main St", city="Cambridge", state="MA", postal_code="02139"),
        locate=services_locate(),
        actor=ACTOR,
    )
    open_session(client, coordinator)
    url = f"/portal/services/{listing.id}/locations/{location.id}/edit"
    form = client.get(url).get_data(as_text=True)
    latitude = re.search(r'id="latitude" name="latitude" type="text" value="([^"]+)"', form)
    assert latitude and float(latitude.group(1)) == pytest.approx(location.latitude)

    moved = {
        "address_1": "100 Congress Ave",
        "city": "Austin",
        "state": "TX",
        "postal_code": "78701",
        "latitude": str(location.latitude),
        "longitude": str(location.longitude),
    }
    assert client.post(url, data=moved).status_code == 302
    assert location.latitude == pytest.approx(30.27, abs=0.05)

    typed = {
        **moved,
        "latitude": "30.2672",
        "longitude": "-97.7431",
        "address_1": "101 Congress Ave",
    }
    assert client.post(url, data=typed).status_code == 302
    assert (location.latitude, location.longitude) == (30.2672, -97.7431)
