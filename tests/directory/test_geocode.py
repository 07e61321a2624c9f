from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from support_hub import create_app
from support_hub.directory.geocode import (
    GeocoderChain,
    GeopyGeocoder,
    PlaceNotFound,
    gazetteer,
    locate,
)
from support_hub.directory.models import GeocodeCacheEntry
from support_hub.extensions import db
from tests.conftest import settings_for_tests
from tests.directory.conftest import FakeNominatim

KENDALL = {
    "lat": "42.3625",
    "lon": "-71.0862",
    "display_name": (
        "77, Massachusetts Avenue, Cambridge, Middlesex County, Massachusetts, 02139, United States"
    ),
    "address": {
        "house_number": "77",
        "road": "Massachusetts Avenue",
        "city": "Cambridge",
        "state": "Massachusetts",
        "ISO3166-2-lvl4": "US-MA",
        "postcode": "02139",
        "country_code": "us",
    },
}
ADDRESS = "77 Massachusetts Ave, Cambridge, MA"


def test_zip_code_gives_the_place_its_state_and_time_zone(app: Flask) -> None:
    place = locate("02139")
    assert place.label == "Cambridge, MA 02139"
    assert place.latitude == pytest.approx(42.36, abs=0.02)
    assert place.longitude == pytest.approx(-71.10, abs=0.02)
    assert (place.state_code, place.timezone, place.postal_code) == (
        "MA",
        "America/New_York",
        "02139",
    )


@pytest.mark.parametrize("text", ["02139-4307", "021394307", " 02139 ", "02139 USA"])
def test_zip_plus_four_and_stray_spaces_give_the_five_digit_zip(app: Flask, text: str) -> None:
    assert locate(text).postal_code == "02139"


@pytest.mark.parametrize(
    "text",
    [
        "Austin, TX",
        "austin tx",
        "  AUSTIN ,   TEXAS ",
        "Austin, Texas, USA",
        "Austin TX.",
    ],
)
def test_city_and_state_in_any_common_form_give_the_city_centre(app: Flask, text: str) -> None:
    place = locate(text)
    assert place.label == "Austin, TX"
    # The mean of Austin's residential ZIPs lies in the city, not on one post office.
    assert place.latitude == pytest.approx(30.3, abs=0.15)
    assert place.longitude == pytest.approx(-97.75, abs=0.15)
    assert place.state_code == "TX"
    assert place.timezone == "America/Chicago"
    assert place.postal_code is None


def test_multi_word_state_names_and_saint_spellings_are_understood(app: Flask) -> None:
    assert locate("Charleston, West Virginia").state_code == "WV"
    assert locate("St. Louis, MO").label == locate("Saint Louis MO").label
    assert locate("New York, NY").state_code == "NY"


def test_city_state_and_zip_uses_the_zip(app: Flask) -> None:
    assert locate("Cambridge, MA 02139").label == "Cambridge, MA 02139"


def test_time_zone_follows_the_zip_not_the_state(app: Flask) -> None:
    # El Paso is in Texas but on Mountain time.
    assert locate("79901").timezone == "America/Denver"


def test_unknown_zip_says_so_and_suggests_nearby_zips(app: Flask) -> None:
    with pytest.raises(PlaceNotFound) as caught:
        locate("02999")
    assert "02999" in caught.value.message
    assert caught.value.suggestions
    assert all(s.split()[-1].startswith("029") for s in caught.value.suggestions)


def test_misspelled_city_suggests_the_real_one(app: Flask) -> None:
    with pytest.raises(PlaceNotFound) as caught:
        locate("Cambrige, MA")
    assert "Cambridge, MA" in caught.value.suggestions
    assert "Did you mean Cambridge, MA" in caught.value.message


def test_city_without_state_suggests_the_states_it_is_in(app: Flask) -> None:
    with pytest.raises(PlaceNotFound) as caught:
        locate("Cambridge")
    assert "Cambridge, MA" in caught.value.suggestions
    assert all(", " in s for s in caught.value.suggestions)


@pytest.mark.parametrize("text", ["", "   ", "x" * 400, "zzzzqqq"])
def test_nonsense_and_empty_input_raise_place_not_found_with_advice(app: Flask, text: str) -> None:
    with pytest.raises(PlaceNotFound) as caught:
        locate(text)
    assert "ZIP" in caught.value.message


def test_street_address_without_a_geocoder_falls_back_to_its_city(app: Flask) -> None:
    assert locate(ADDRESS).label == "Cambridge, MA"
    assert locate("77 Massachusetts Ave, Cambridge, MA 02139").postal_code == "02139"


@pytest.mark.real_commits
def test_street_address_goes_to_the_geocoder_with_time_zone_and_state(
    app: Flask, nominatim: FakeNominatim
) -> None:
    nominatim.answers[ADDRESS.lower()] = KENDALL
    chain = GeocoderChain([gazetteer(), GeopyGeocoder("nominatim", nominatim.url, "tests")])
    place = chain.locate(ADDRESS)
    assert place.latitude == pytest.approx(42.3625)
    assert place.longitude == pytest.approx(-71.0862)
    assert place.label.startswith("77, Massachusetts Avenue")
    assert (place.state_code, place.postal_code) == ("MA", "02139")
    assert place.timezone == "America/New_York"  # from timezonefinder, offline
    ((_, params),) = nominatim.requests
    assert params["countrycodes"] == ["us"]


@pytest.mark.real_commits
def test_geocoder_answers_are_cached_in_the_database_without_the_query_text(
    app: Flask, nominatim: FakeNominatim
) -> None:
    nominatim.answers[ADDRESS.lower()] = KENDALL
    geocoder = GeopyGeocoder("nominatim", nominatim.url, "tests", min_delay_seconds=0)
    first = geocoder.geocode(ADDRESS)
    second = GeopyGeocoder("nominatim", nominatim.url, "tests").geocode(
        "77  massachusetts ave, cambridge, ma"
    )
    assert first == second
    assert len(nominatim.requests) == 1
    rows = db.session.scalars(sa.select(GeocodeCacheEntry)).all()
    assert len(rows) == 1
    assert "massachusetts" not in rows[0].key.lower()
    assert rows[0].found


@pytest.mark.real_commits
def test_geocoder_not_found_is_cached_and_ends_in_place_not_found(
    app: Flask, nominatim: FakeNominatim
) -> None:
    chain = GeocoderChain(
        [gazetteer(), GeopyGeocoder("nominatim", nominatim.url, "tests", min_delay_seconds=0)]
    )
    for _ in range(2):
        with pytest.raises(PlaceNotFound):
            chain.locate("1 Nowhere Lane, Atlantis")
    assert len(nominatim.requests) == 1


@pytest.mark.real_commits
def test_a_failing_geocoder_falls_back_to_the_gazetteer_and_is_not_cached(
    app: Flask, nominatim: FakeNominatim
) -> None:
    nominatim.status = 503
    chain = GeocoderChain(
        [gazetteer(), GeopyGeocoder("nominatim", nominatim.url, "tests", min_delay_seconds=0)]
    )
    assert chain.locate(ADDRESS + " 02139").postal_code == "02139"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GeocodeCacheEntry)) == 0


@pytest.mark.real_commits
def test_geocoder_calls_are_rate_limited(app: Flask, nominatim: FakeNominatim) -> None:
    geocoder = GeopyGeocoder("nominatim", nominatim.url, "tests", min_delay_seconds=0.6)
    geocoder.geocode("1 First St, Springfield, IL")
    geocoder.geocode("2 Second St, Springfield, IL")
    (first, _), (second, _) = nominatim.requests
    # Measured where the requests arrive; the margin absorbs scheduling jitter on a busy machine.
    assert second - first >= 0.45


@pytest.mark.real_commits
def test_configured_geocoder_is_asked_only_after_the_gazetteer(
    app: Flask, settings_overrides: dict[str, str], nominatim: FakeNominatim, tmp_path: Path
) -> None:
    overrides = {
        **settings_overrides,
        "GEOCODER": "nominatim",
        "GEOCODER_URL": nominatim.url,
        "INSTANCE_PATH": str(tmp_path),
    }
    nominatim.answers[ADDRESS.lower()] = KENDALL
    other = create_app(overrides)
    try:
        with other.app_context():
            assert locate("60614").postal_code == "60614"
            assert nominatim.requests == []
            assert locate(ADDRESS).latitude == pytest.approx(42.3625)
            assert nominatim.queries() == [ADDRESS]
    finally:
        with other.app_context():
            db.engine.dispose()


def test_settings_for_tests_keep_the_offline_geocoder(tmp_path: Path) -> None:
    assert settings_for_tests("sqlite://", tmp_path)["GEOCODER"] == "offline"
