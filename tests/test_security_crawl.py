"""A crawl of the whole URL map for DESIGN §10 (issue 8).

- every route's responses carry the security headers (CSP with frame-ancestors 'none', nosniff),
  staff pages and a logged-in person's pages are `no-store`, and an app configured for
  production adds HSTS to every one;
- every state-changing route (POST/PUT/PATCH/DELETE) refuses a request without a CSRF token,
  from a visitor and from a logged-in admin, and changes nothing; only Twilio's webhooks are
  exempt (they are authenticated by signature, tests/sms/test_webhook.py).

Who may use each route is `tests/test_authorization.py` (the role matrix); it is not repeated
here, but this crawl walks the same URL map with the same placeholders.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from support_hub import create_app
from support_hub.accounts.models import AuditEvent, Role, StaffSession
from support_hub.extensions import db
from support_hub.security import PRIVATE_PREFIXES
from tests.directory.conftest import add_listing
from tests.staff import csrf_on, make_user, open_session
from tests.test_authorization import NO_SUCH_ID, PLACEHOLDERS

__all__ = ["csrf_on"]

CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# Authenticated by X-Twilio-Signature instead (DESIGN §10).
SIGNED_WEBHOOKS = {"sms_webhook.inbound", "sms_webhook.status"}


def routes(app: Flask) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda rule: (rule.rule, rule.endpoint))


def real_url(rule: Rule, ids: dict[str, str]) -> str:
    """The rule's URL with real ids where there are some (pages render), placeholders elsewhere."""
    url = rule.rule
    for argument in rule.arguments:
        value = ids.get(argument) or PLACEHOLDERS.get(argument, NO_SUCH_ID)
        url = re.sub(rf"<(?:\w+:)?{argument}>", value, url)
    assert "<" not in url, url
    return url


def header_problems(response: TestResponse, *, private: bool, production: bool) -> list[str]:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    problems = []
    if "default-src 'self'" not in csp or "frame-ancestors 'none'" not in csp:
        problems.append(f"CSP {csp!r}")
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append("CSP allows inline or eval")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    if headers.get("X-Frame-Options") != "DENY":
        problems.append("framing allowed")
    if private and "no-store" not in headers.get("Cache-Control", ""):
        problems.append("staff page without no-store")
    if production != ("Strict-Transport-Security" in headers):
        problems.append(f"HSTS {'missing' if production else 'outside production'}")
    return problems


def crawl_headers(
    app: Flask, client: FlaskClient, *, staff: bool, production: bool, min_pages: int
) -> list[str]:
    """Every GET route, every response: the headers; returns what is wrong, route by route."""
    ids = {}
    with app.app_context():
        service = add_listing("Crawl listing", 42.3736, -71.1097)
        db.session.commit()
        ids = {"service_id": service.id, "org_id": service.organization_id}
    wrong: list[str] = []
    html_pages = 0
    for rule in routes(app):
        if "GET" not in (rule.methods or set()):
            continue
        url = real_url(rule, ids)
        response = client.get(url)
        response.close()
        html_pages += response.mimetype == "text/html" and response.status_code == 200
        private = staff or url.startswith(PRIVATE_PREFIXES)
        for problem in header_problems(response, private=private, production=production):
            wrong.append(f"GET {url} ({response.status_code}): {problem}")
    # The crawl must reach real pages (200 HTML), not only error pages, to mean anything.
    assert html_pages >= min_pages, html_pages
    return wrong


def test_every_route_carries_the_security_headers_for_a_visitor(
    app: Flask, client: FlaskClient
) -> None:
    assert crawl_headers(app, client, staff=False, production=False, min_pages=4) == []


def test_every_route_carries_the_security_headers_and_no_store_for_staff(
    app: Flask, client: FlaskClient
) -> None:
    open_session(client, make_user(Role.ADMIN, "crawl-admin@example.org"))
    # Logged in, the staff pages render (not a redirect to the login page).
    assert client.get("/portal/").status_code == 200
    assert crawl_headers(app, client, staff=True, production=False, min_pages=15) == []


@pytest.fixture
def production_app(settings_overrides: dict[str, str]) -> Iterator[Flask]:
    """The same database, configured as production (secure cookies, HSTS, no simulator)."""
    app = create_app({**settings_overrides, "APP_ENV": "production", "SECRET_KEY": "p" * 40})
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.real_commits
def test_every_route_carries_hsts_in_production(production_app: Flask) -> None:
    client = production_app.test_client()
    assert crawl_headers(production_app, client, staff=False, production=True, min_pages=4) == []


def state_counts() -> tuple[int, int]:
    return (
        db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) or 0,
        db.session.scalar(sa.select(sa.func.count()).select_from(StaffSession)) or 0,
    )


def refused_for_csrf(response: TestResponse) -> bool:
    return response.status_code == 400 and "CSRF" in response.get_data(as_text=True)


@pytest.mark.usefixtures("csrf_on")
def test_every_state_changing_route_refuses_a_request_without_a_csrf_token(app: Flask) -> None:
    service = add_listing("CSRF listing", 42.3736, -71.1097)
    ids = {"service_id": service.id, "org_id": service.organization_id}
    admin = make_user(Role.ADMIN, "csrf-admin@example.org")
    staff_client = app.test_client()
    open_session(staff_client, admin)
    before = state_counts()
    checked: list[str] = []
    accepted: list[str] = []
    for rule in routes(app):
        methods = (rule.methods or set()) & CHANGING
        if not methods or rule.endpoint in SIGNED_WEBHOOKS:
            continue
        url = real_url(rule, ids)
        for method in sorted(methods):
            for who, client in (("visitor", app.test_client()), ("admin", staff_client)):
                response = client.open(url, method=method, data={"body": "hello", "phone": ""})
                response.close()
                checked.append(f"{method} {url}")
                if not refused_for_csrf(response):
                    accepted.append(f"{method} {url} as {who}: {response.status_code}")
    assert accepted == []
    assert len(checked) >= 2 * 15, checked
    # Nothing was recorded or started by any of those requests.
    assert state_counts() == before


@pytest.mark.usefixtures("csrf_on")
def test_the_same_request_with_a_token_gets_past_the_csrf_check(client: FlaskClient) -> None:
    # The control for the test above: a refusal there is the token's absence, not the route.
    from tests.staff import csrf_token_from

    token = csrf_token_from(client.get("/account/login").get_data(as_text=True))
    response = client.post("/account/login", data={"email": "x@example.org", "password": "y"})
    assert refused_for_csrf(response)
    response = client.post(
        "/account/login", data={"email": "x@example.org", "password": "y", "csrf_token": token}
    )
    assert response.status_code == 401 and not refused_for_csrf(response)


@pytest.mark.usefixtures("csrf_on")
def test_the_signed_webhooks_are_the_routes_without_a_csrf_check(client: FlaskClient) -> None:
    for url in ("/sms/inbound", "/sms/status"):
        response = client.post(url, data={"MessageSid": "SMcrawl", "From": "+16175550100"})
        assert not refused_for_csrf(response), url
