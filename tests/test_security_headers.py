"""Security headers on every response (DESIGN §10)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from support_hub import create_app
from support_hub.accounts.models import Role
from support_hub.config import load_settings
from support_hub.security import content_security_policy
from tests.staff import make_user, open_session


def test_public_pages_carry_csp_nosniff_and_no_framing(client: FlaskClient) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    # Public, cacheable, and no HSTS outside production.
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert "Strict-Transport-Security" not in response.headers


def test_error_pages_and_json_carry_the_headers_too(client: FlaskClient) -> None:
    for response in (client.get("/no-such-page"), client.get("/healthz")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_staff_pages_are_never_stored(app: Flask, client: FlaskClient) -> None:
    assert client.get("/account/login").headers["Cache-Control"] == "no-store"
    open_session(client, make_user(Role.COORDINATOR))
    assert client.get("/portal/").headers["Cache-Control"] == "no-store"
    # A logged-in person's view of a public page holds their name in the header: not stored either.
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_hsts_is_sent_only_in_production(settings_overrides: dict[str, str]) -> None:
    production = create_app({**settings_overrides, "APP_ENV": "production", "SECRET_KEY": "p" * 40})
    response = production.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_the_map_tile_host_is_the_only_outside_image_source(
    settings_overrides: dict[str, str],
) -> None:
    settings = load_settings(
        {**settings_overrides, "MAP_TILE_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png"}
    )
    csp = content_security_policy(settings)
    assert "img-src 'self' data: https://tile.openstreetmap.org;" in csp
    assert "https://" not in content_security_policy(load_settings(settings_overrides))


def test_nul_bytes_in_a_form_or_query_are_refused_before_the_database(client: FlaskClient) -> None:
    login = client.post("/account/login", data={"email": "a\x00@example.org", "password": "x" * 12})
    assert login.status_code == 400
    assert "NUL" in login.get_data(as_text=True)
    assert client.get("/portal/audit?actor=%00").status_code == 400
