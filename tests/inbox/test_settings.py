"""The inbox's settings are validated at start-up and name the variable (DESIGN §3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from support_hub.config import ConfigError, Settings, load_settings
from tests.conftest import settings_for_tests


def _load(tmp_path: Path, **extra: str) -> Settings:
    return load_settings({**settings_for_tests("sqlite://", tmp_path), **extra})


def test_defaults_are_ten_minutes_four_hours_and_new_york(tmp_path: Path) -> None:
    settings = _load(tmp_path)
    assert (settings.urgent_ack_minutes, settings.elevated_ack_hours) == (10, 4)
    assert settings.oncall_timezone == "America/New_York"


def test_values_are_read(tmp_path: Path) -> None:
    settings = _load(
        tmp_path, URGENT_ACK_MINUTES="5", ELEVATED_ACK_HOURS="8", ONCALL_TIMEZONE="America/Denver"
    )
    assert (settings.urgent_ack_minutes, settings.elevated_ack_hours) == (5, 8)
    assert settings.oncall_timezone == "America/Denver"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("URGENT_ACK_MINUTES", "0"),
        ("URGENT_ACK_MINUTES", "ten"),
        ("URGENT_ACK_MINUTES", "-3"),
        ("URGENT_ACK_MINUTES", "1000"),
        ("ELEVATED_ACK_HOURS", "0"),
        ("ELEVATED_ACK_HOURS", "4.5"),
        ("ONCALL_TIMEZONE", "Mars/Olympus"),
        ("ONCALL_TIMEZONE", "../etc/passwd"),
    ],
)
def test_bad_values_stop_start_up_naming_the_variable(
    tmp_path: Path, variable: str, value: str
) -> None:
    with pytest.raises(ConfigError) as error:
        _load(tmp_path, **{variable: value})
    assert error.value.variable == variable
