from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

import support_hub
from support_hub import create_app
from support_hub.directory.models import Category, Delivery, ServiceStatus
from support_hub.extensions import db
from tests.directory.conftest import add_listing
from tests.directory.test_search import offset

PACKAGE = Path(support_hub.__file__).parent


def page(client: FlaskClient, url: str, status: int = 200, **kwargs: object) -> str:
    response = client.get(url, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def test_search_page_is_an_accessible_form_that_needs_no_javascript(client: FlaskClient) -> None:
    html = page(client, "/")
    assert '<html lang="en">' in html
    for landmark in ("<header", "<main", "<footer", 'role="search"'):
        assert landmark in html
    # Every form control has a visible label pointing at it.
    controls = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html)
    assert {
        "near",
        "radius_mi",
        "category",
        "delivery",
        "audience",
        "language",
        "cost",
        "q",
    } <= set(controls)
    for control in controls:
        assert f'<label for="{control}">' in html
    # A plain GET form: searching works with scripts off.
    assert 'method="get"' in html
    # Nothing a Content-Security-Policy without 'unsafe-inline' would block.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html
    assert not re.search(r"<[^>]*\son[a-z]+=", html)  # no inline event handlers


def test_search_by_zip_lists_the_nearest_first_with_distances(client: FlaskClient) -> None:
    add_listing("Far group", *offset(9))
    add_listing("Near group", *offset(1), address=("12 Main St", "Cambridge", "MA", "02139"))
    html = page(client, "/search?near=02139")
    assert html.index("Near group") < html.index("Far group")
    assert "12 Main St, Cambridge, MA 02139" in html
    assert re.search(r"\d+\.\d mi away", html)
    assert "2 places within 25 miles of Cambridge, MA 02139" in html
    assert 'href="tel:+16175550123"' in html
    assert "(617) 555-0123" in html


def test_a_search_from_a_point_works_for_use_my_location(client: FlaskClient) -> None:
    add_listing("Near group", *offset(1))
    html = page(client, "/search?lat=42.3625&lng=-71.0862")
    assert "Near group" in html
    assert "use-location" in html  # the button, shown by search.js when geolocation exists


def test_a_place_that_cannot_be_found_shows_suggestions_as_links(client: FlaskClient) -> None:
    html = page(client, "/search?near=Cambrige%2C+MA", status=422)
    assert 'role="alert"' in html
    assert "Cambrige, MA" in html
    assert 'href="/search?near=Cambridge,+MA"' in html
    assert 'aria-invalid="true"' in html


@pytest.mark.parametrize(
    "query",
    ["radius_mi=0", "radius_mi=900", "radius_mi=wide", "category=astrology", "lat=95&lng=1"],
)
def test_bad_parameters_are_a_400_with_the_form_and_a_message(
    client: FlaskClient, query: str
) -> None:
    html = page(client, f"/search?near=02139&{query}", status=400)
    assert 'role="alert"' in html
    assert 'id="near"' in html


def test_an_empty_search_offers_a_wider_radius_and_national_helplines(
    client: FlaskClient,
) -> None:
    add_listing("Far group", *offset(40))
    add_listing(
        "988 Lifeline", category=Category.HELPLINE, areas=(("national", None),), phone="988"
    )
    html = page(client, "/search?near=02139&radius_mi=25&category=support_group")
    assert "Nothing within 25 miles of Cambridge, MA 02139" in html
    assert "Search within 50 miles" in html
    assert 'href="/search?near=02139&amp;category=support_group&amp;radius_mi=50"' in html
    assert "Search again without the filters" in html
    assert "National helplines" in html
    assert 'href="tel:988"' in html
    wider = page(client, "/search?near=02139&radius_mi=50&category=support_group")
    assert "Far group" in wider


def test_online_and_phone_options_have_their_own_section(client: FlaskClient) -> None:
    add_listing("Local group", *offset(1))
    add_listing("Statewide video group", areas=(("state", "MA"),))
    add_listing("Texas video group", areas=(("state", "TX"),))
    html = page(client, "/search?near=02139")
    section = html[html.index("Online and phone options") :]
    assert "Statewide video group" in section
    assert "in your state" in section
    assert "Texas video group" not in html
    assert "Local group" not in section


def test_confidential_locations_never_show_their_address_or_point(client: FlaskClient) -> None:
    service = add_listing(
        "Safe circle",
        *offset(1.3),
        confidential=True,
        address=("77 Secret Lane", "Cambridge", "MA", "02139"),
    )
    html = page(client, "/search?near=02139")
    assert "Safe circle" in html
    assert "77 Secret Lane" not in html
    assert "data-lat" not in html
    assert "Address shared when you call." in html
    detail = page(client, f"/services/{service.id}")
    assert "77 Secret Lane" not in detail
    assert "maps/dir" not in detail
    location = service.service_at_locations[0].location
    assert f"{location.latitude:.4f}" not in detail
    assert "confidential location" in detail


def test_listing_page_says_what_who_when_how_to_join_and_when_verified(
    client: FlaskClient,
) -> None:
    service = add_listing("Evening circle", *offset(1), description="Peers living with MBC.")
    html = page(client, f"/services/{service.id}")
    for text in (
        "Evening circle",
        "Peers living with MBC.",
        "People with cancer",
        "2nd Tuesday, 6–7:30 pm",
        "Call to register.",
        'href="tel:+16175550123"',
        "https://www.google.com/maps/dir/?api=1&amp;destination=",
        "1 Test Street, Cambridge, MA 02139",
        "Last verified",
    ):
        assert text in html, text


@pytest.mark.parametrize(
    "change", [{"status": ServiceStatus.DEFUNCT}, {"archived": True}], ids=["defunct", "archived"]
)
def test_closed_or_archived_listings_have_no_public_page(
    client: FlaskClient, change: dict[str, object]
) -> None:
    service = add_listing("Gone", *offset(1), **change)  # type: ignore[arg-type]
    page(client, f"/services/{service.id}", status=404)
    page(client, "/services/no-such-id", status=404)


def test_spanish_by_query_parameter_or_browser_language(client: FlaskClient) -> None:
    add_listing("Grupo", *offset(1), delivery=Delivery.IN_PERSON)
    by_param = page(client, "/search?near=02139&lang=es")
    assert '<html lang="es">' in by_param
    assert "Encuentre apoyo cerca de usted" in by_param
    assert "Grupo de apoyo" in by_param
    assert "a menos de 25 millas" in by_param
    # The choice travels with the form and the links.
    assert '<input type="hidden" name="lang" value="es">' in by_param
    assert "?lang=es" in by_param
    by_header = page(client, "/", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert '<html lang="es">' in by_header
    english = page(client, "/", headers={"Accept-Language": "fr, en;q=0.5"})
    assert '<html lang="en">' in english


def _key(value: object) -> object:
    return tuple(value) if isinstance(value, list | tuple) else value


def test_committed_spanish_catalog_is_compiled_from_the_current_po() -> None:
    directory = PACKAGE / "translations" / "es" / "LC_MESSAGES"
    with (directory / "messages.po").open("rb") as handle:
        po = {_key(m.id): _key(m.string) for m in read_po(handle) if m.id}
    with (directory / "messages.mo").open("rb") as handle:
        mo = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
    assert po == mo
    assert all(po.values()), [k for k, v in po.items() if not v]


@pytest.fixture
def app_with_tiles(settings_overrides: dict[str, str], tmp_path: Path) -> Iterator[Flask]:
    other = create_app(
        {
            **settings_overrides,
            "INSTANCE_PATH": str(tmp_path),
            "MAP_TILE_URL": "https://tiles.example.org/{z}/{x}/{y}.png",
        }
    )
    yield other
    with other.app_context():
        db.engine.dispose()


@pytest.mark.real_commits
def test_the_map_appears_only_when_a_tile_server_is_configured(
    app: Flask, app_with_tiles: Flask
) -> None:
    with app.app_context():
        add_listing("Near group", *offset(1))
        db.session.commit()
    with_tiles = page(app_with_tiles.test_client(), "/search?near=02139")
    assert 'id="results-map"' in with_tiles
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in with_tiles
    assert "vendor/leaflet/leaflet.js" in with_tiles
    assert "© OpenStreetMap contributors" in with_tiles
    without = page(app.test_client(), "/search?near=02139")
    assert "results-map" not in without
    assert "leaflet" not in without


def test_leaflet_ships_with_the_app_and_its_license(client: FlaskClient) -> None:
    for name in ("leaflet.js", "leaflet.css", "images/marker-icon.png"):
        response = client.get(f"/static/vendor/leaflet/{name}")
        assert response.status_code == 200, name
        response.close()
    license_text = (PACKAGE / "static" / "vendor" / "leaflet" / "LICENSE").read_text()
    assert "Copyright" in license_text
    script = client.get("/static/directory/search.js")
    assert b"geolocation" in script.data
    script.close()


def test_results_page_links_to_the_next_page(client: FlaskClient) -> None:
    for i in range(25):
        add_listing(f"group {i:02d}", *offset(0.2 * i + 0.1))
    first = page(client, "/search?near=02139")
    assert 'rel="next"' in first
    second = page(client, "/search?near=02139&page=2")
    assert "group 24" in second
    assert "group 00" not in second
    assert 'rel="prev"' in second


def test_a_place_not_found_is_explained_in_spanish_too(client: FlaskClient) -> None:
    html = page(client, "/search?near=Cambrige%2C+MA&lang=es", status=422)
    assert "No encontramos «Cambrige, MA»" in html
    # The suggestion keeps the language.
    links = re.findall(r'href="(/search\?[^"]*near=Cambridge,\+MA[^"]*)"', html)
    assert links and all("lang=es" in link for link in links)
