from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from support_hub.checkins.timezones import resolve_zone, zone_for_number, zone_for_zip


@pytest.mark.parametrize(
    ("zip_code", "zone"),
    [
        ("02139", "America/New_York"),
        ("60614", "America/Chicago"),
        ("85004", "America/Phoenix"),
        ("98104", "America/Los_Angeles"),
        ("96813", "Pacific/Honolulu"),
        ("80206-1234", "America/Denver"),
    ],
)
def test_zip_codes_give_their_time_zone(zip_code: str, zone: str) -> None:
    assert zone_for_zip(zip_code) == zone


@pytest.mark.parametrize("zip_code", [None, "", "00000", "abcde", "1234"])
def test_unknown_zip_codes_give_none(zip_code: str | None) -> None:
    assert zone_for_zip(zip_code) is None


@pytest.mark.parametrize(
    ("number", "zone"),
    [("+16175550100", "America/New_York"), ("+13125550100", "America/Chicago"),
     ("+16025550100", "America/Phoenix"), ("+12065550100", "America/Los_Angeles")],
)  # fmt: skip
def test_numbers_give_their_area_time_zone(number: str, zone: str) -> None:
    assert zone_for_number(number) == zone


def test_zip_wins_over_the_number_and_the_number_over_the_default() -> None:
    # A Boston number whose owner lives in Phoenix gets Phoenix time.
    assert resolve_zone("85004", "+16175550100", "America/Chicago") == ZoneInfo("America/Phoenix")
    assert resolve_zone(None, "+16175550100", "America/Chicago") == ZoneInfo("America/New_York")
    assert resolve_zone(None, "+80012345678", "America/Chicago") == ZoneInfo("America/Chicago")
    assert resolve_zone("nope", None, "America/Chicago") == ZoneInfo("America/Chicago")


def test_a_bad_default_is_an_error_not_a_silent_utc() -> None:
    with pytest.raises(ValueError, match="IANA"):
        resolve_zone(None, None, "Mars/Olympus_Mons")
