"""Every staff page renders for real records, with labelled fields and nothing the CSP blocks."""

from __future__ import annotations

import io
import re

from flask.testing import FlaskClient

from support_hub.accounts.audit import Actor
from support_hub.accounts.models import User
from support_hub.extensions import db
from support_hub.portal import places, services
from support_hub.portal.models import ListingImport
from support_hub.portal.services import LocationInput, OrganizationInput, ServiceInput
from tests.staff import open_session

ACTOR = Actor(user_id=None, email="tester@example.org", ip="192.0.2.1")


def test_every_staff_page_renders_accessibly(
    client: FlaskClient, admin: User, responder: User
) -> None:
    org = services.save_organization(
        None, OrganizationInput(name="Elm Street Wellness"), actor=ACTOR
    )
    service = services.save_service(
        None,
        ServiceInput(
            organization_id=org.id,
            name="Art for Healing",
            category="support_group",
            delivery=["in_person"],
            schedule_description="Mondays 1–2 pm",
        ),
        actor=ACTOR,
    )
    location = services.save_location(
        service,
        None,
        LocationInput(address_1="1 Elm St", city="Denver", state="CO", postal_code="80202"),
        locate=places.locator(),
        actor=ACTOR,
    )
    open_session(client, admin)
    client.post(
        "/portal/import",
        data={
            "file": (
                io.BytesIO(b"organization_name,name,category,delivery\nA,B,counseling,phone\n"),
                "a.csv",
            )
        },
        content_type="multipart/form-data",
    )
    assert db.session.query(ListingImport).count() == 1

    pages = [
        "/account/",
        "/account/password",
        "/portal/",
        "/portal/reverify",
        "/portal/import",
        "/portal/organizations/new",
        f"/portal/organizations/{org.id}/edit",
        "/portal/services/new",
        f"/portal/services/{service.id}",
        f"/portal/services/{service.id}/edit",
        f"/portal/services/{service.id}/locations/new",
        f"/portal/services/{service.id}/locations/{location.id}/edit",
        "/portal/users/",
        "/portal/users/new",
        f"/portal/users/{responder.id}",
        "/portal/audit",
    ]
    for page in pages:
        response = client.get(page)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, page
        assert "<script" not in html and 'style="' not in html, page
        # Every visible input, select and textarea has a <label for=...>.
        ids = re.findall(
            r'<(?:input|select|textarea)(?![^>]*type="(?:hidden|submit)")[^>]*\bid="([^"]+)"', html
        )
        labelled = set(re.findall(r'<label for="([^"]+)"', html))
        unlabelled = [i for i in ids if i not in labelled and not re.match(r".+-\d+$", i)]
        assert unlabelled == [], (page, unlabelled)
    organizations = client.get("/portal/organizations/").get_data(as_text=True)
    assert re.search(r"Elm Street Wellness</a></td>\s*<td><a [^>]+>1</a>", organizations)
