"""The settings check-ins and the outbox added: validated at start-up, named when wrong."""

from __future__ import annotations

import pytest

from support_hub.config import ConfigError, load_settings


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("HUB_TIMEZONE", "Mars/Olympus_Mons"),
        ("SMS_SEND_RATE", "fast"),
        ("SMS_SEND_RATE", "-1"),
        ("OUTBOX_LEASE_SECONDS", "0"),
        ("OUTBOX_LEASE_SECONDS", "2m"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({"APP_ENV": "testing", "SECRET_KEY": "x" * 40, variable: value})
    assert error.value.variable == variable


def test_defaults_are_new_york_no_pacing_and_a_two_minute_lease() -> None:
    settings = load_settings({"APP_ENV": "testing", "SECRET_KEY": "x" * 40})
    assert (settings.hub_timezone, settings.sms_send_rate, settings.outbox_lease_seconds) == (
        "America/New_York",
        0.0,
        120,
    )
