from __future__ import annotations

from pathlib import Path

import pytest

from support_hub.config import ConfigError, load_settings, normalise_database_url


def settings_with(tmp_path: Path, **env: str):
    base = {
        "INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": "",
        "SECRET_KEY": "",
        "APP_ENV": "",
        "SMS_BACKEND": "",
        "TWILIO_ACCOUNT_SID": "",
        "TWILIO_AUTH_TOKEN": "",
        "TWILIO_FROM_NUMBER": "",
        "TWILIO_MESSAGING_SERVICE_SID": "",
        "TWILIO_API_BASE_URL": "",
        "PUBLIC_BASE_URL": "",
        "GEOCODER": "",
        "HUB_NAME": "",
    }
    return load_settings({**base, **env})


def test_defaults_are_the_embedded_setup(tmp_path: Path) -> None:
    settings = settings_with(tmp_path)
    assert settings.app_env == "development"
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'support_hub.db'}"
    assert settings.sms_backend == "console"
    assert settings.geocoder == "offline"
    assert settings.twilio_api_base_url == "https://api.twilio.com"
    assert settings.hub_name == "Support Hub"


def test_development_secret_key_is_generated_once_into_instance(tmp_path: Path) -> None:
    first = settings_with(tmp_path).secret_key
    second = settings_with(tmp_path).secret_key
    assert len(first) >= 32
    assert first == second
    assert (tmp_path / "secret_key").read_text().strip() == first


def test_production_refuses_to_start_without_secret_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as error:
        settings_with(tmp_path, APP_ENV="production")
    assert error.value.variable == "SECRET_KEY"
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db:5432/hub", "postgresql+psycopg://u:p@db:5432/hub"),
        ("postgresql://u@db/hub", "postgresql+psycopg://u@db/hub"),
        ("postgresql+psycopg://u@db/hub", "postgresql+psycopg://u@db/hub"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_urls_are_normalised(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"APP_ENV": "staging"}, "APP_ENV"),
        ({"SMS_BACKEND": "carrier-pigeon"}, "SMS_BACKEND"),
        ({"DATABASE_URL": "mysql://root@localhost/hub"}, "DATABASE_URL"),
        ({"SMS_BACKEND": "twilio"}, "TWILIO_ACCOUNT_SID"),
        ({"SMS_BACKEND": "twilio", "TWILIO_ACCOUNT_SID": "AC123"}, "TWILIO_AUTH_TOKEN"),
        (
            {"SMS_BACKEND": "twilio", "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t"},
            "TWILIO_FROM_NUMBER",
        ),
        ({"TWILIO_ACCOUNT_SID": "XX123"}, "TWILIO_ACCOUNT_SID"),
        ({"TWILIO_FROM_NUMBER": "617-555-0100"}, "TWILIO_FROM_NUMBER"),
        ({"TWILIO_MESSAGING_SERVICE_SID": "PN123"}, "TWILIO_MESSAGING_SERVICE_SID"),
        ({"TWILIO_API_BASE_URL": "ftp://example"}, "TWILIO_API_BASE_URL"),
        ({"PUBLIC_BASE_URL": "hub.example.org"}, "PUBLIC_BASE_URL"),
        ({"GEOCODER": "../../etc"}, "GEOCODER"),
        ({"GEOCODER": "nosuchgeocoder"}, "GEOCODER"),
        ({"GEOCODER_URL": "ftp://geo.example"}, "GEOCODER_URL"),
        ({"MAP_TILE_URL": "https://tiles.example/tile.png"}, "MAP_TILE_URL"),
        ({"MAP_TILE_URL": "javascript:alert(1)/{z}/{x}/{y}"}, "MAP_TILE_URL"),
        ({"HUB_NAME": "x" * 41}, "HUB_NAME"),
        ({"APP_ENV": "production", "SECRET_KEY": "short"}, "SECRET_KEY"),
    ],
)
def test_bad_values_stop_start_up_naming_the_variable(
    tmp_path: Path, env: dict[str, str], variable: str
) -> None:
    with pytest.raises(ConfigError) as error:
        settings_with(tmp_path, **env)
    assert error.value.variable == variable
    assert variable in str(error.value)


def test_twilio_backend_accepts_a_messaging_service_instead_of_a_number(tmp_path: Path) -> None:
    settings = settings_with(
        tmp_path,
        SMS_BACKEND="twilio",
        TWILIO_ACCOUNT_SID="AC1",
        TWILIO_AUTH_TOKEN="t",
        TWILIO_MESSAGING_SERVICE_SID="MG1",
        TWILIO_API_BASE_URL="http://127.0.0.1:9999/",
    )
    assert settings.twilio_messaging_service_sid == "MG1"
    assert settings.twilio_api_base_url == "http://127.0.0.1:9999"


def test_production_turns_on_secure_cookies(tmp_path: Path) -> None:
    settings = settings_with(tmp_path, APP_ENV="production", SECRET_KEY="k" * 40)
    assert settings.flask_config()["SESSION_COOKIE_SECURE"] is True
