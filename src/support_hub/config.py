"""The one place that reads the environment (DESIGN §3).

Every variable is read and validated here, once, at start-up. A bad value raises
`ConfigError` naming the variable, so the process stops with a message an operator can act on.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

APP_ENVS = ("development", "testing", "production")
SMS_BACKENDS = ("console", "twilio")


class ConfigError(RuntimeError):
    """A configuration variable is missing or has a bad value."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


@dataclass(frozen=True)
class Settings:
    """Validated configuration; built by `load_settings`, never by hand in app code."""

    app_env: str
    database_url: str
    secret_key: str
    sms_backend: str
    twilio_account_sid: str | None
    twilio_auth_token: str | None
    twilio_from_number: str | None
    twilio_messaging_service_sid: str | None
    twilio_api_base_url: str
    public_base_url: str | None
    geocoder: str
    geocoder_url: str | None
    geocoder_user_agent: str
    hub_name: str
    map_tile_url: str | None = None
    map_tile_attribution: str = ""
    # Added with the SMS front door; defaults keep earlier callers working.
    twilio_timeout_seconds: float = 10.0
    # How many reverse proxies (load balancer, router) stand in front of the app and set
    # X-Forwarded-For/-Proto; the client's IP (login throttling, audit) is read through them.
    trusted_proxies: int = 0
    # Staff inbox (DESIGN §7): how long an alert may wait for an acknowledgement before the
    # backup and admins are paged (and again every such interval), and the rota's clock.
    urgent_ack_minutes: int = 10
    elevated_ack_hours: int = 4
    oncall_timezone: str = "America/New_York"
    # Added with check-ins and outbox hardening (issue 6).
    hub_timezone: str = "America/New_York"
    sms_send_rate: float = 0.0
    outbox_lease_seconds: int = 120

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"

    def flask_config(self) -> dict[str, object]:
        """The Flask config keys these settings imply."""
        # hide_parameters keeps phone numbers and message text out of SQL error messages and logs.
        # No pool_pre_ping: a round trip per checkout; db.configure_postgresql_engine finds the
        # connections a restarted server closed without one, and SQLite's never go stale.
        engine_options: dict[str, object] = {"hide_parameters": True}
        if self.database_url.startswith("postgresql"):
            # A database that is down must fail a webhook fast (Twilio retries), not hang it.
            engine_options["connect_args"] = {"connect_timeout": 3}
        return {
            "SECRET_KEY": self.secret_key,
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
            "TESTING": self.app_env == "testing",
            "SESSION_COOKIE_SECURE": self.is_production,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "JSON_SORT_KEYS": False,
            # CSRF on every form; the test suite turns it on where a test is about it.
            "WTF_CSRF_ENABLED": self.app_env != "testing",
            # No CSRF token expiry of its own: the staff session's idle timeout bounds it.
            "WTF_CSRF_TIME_LIMIT": None,
        }


def normalise_database_url(url: str) -> str:
    """Accept Heroku-style `postgres://` and plain `postgresql://`; use the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _database_url(env: Mapping[str, str], instance_path: Path) -> str:
    raw = env.get("DATABASE_URL", "").strip()
    if not raw:
        return f"sqlite:///{instance_path / 'support_hub.db'}"
    url = normalise_database_url(raw)
    if not (url.startswith("sqlite:") or url.startswith("postgresql+")):
        raise ConfigError("DATABASE_URL", "must be a sqlite:// or postgresql:// URL")
    return url


def _secret_key(env: Mapping[str, str], app_env: str, instance_path: Path) -> str:
    given = env.get("SECRET_KEY", "").strip()
    if given:
        if app_env == "production" and len(given) < 32:
            raise ConfigError("SECRET_KEY", "must be at least 32 characters in production")
        return given
    if app_env == "production":
        raise ConfigError("SECRET_KEY", "is required when APP_ENV=production")
    # Development: generate once and keep it, so sessions survive a restart.
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _http_url(env: Mapping[str, str], name: str, default: str | None) -> str | None:
    value = env.get(name, "").strip() or default
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(name, f"must be an http(s) URL, got {value!r}")
    return value.rstrip("/")


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    value = env.get(name, "").strip().lower() or default
    if value not in choices:
        raise ConfigError(name, f"must be one of {', '.join(choices)}, got {value!r}")
    return value


def _is_geopy_service(name: str) -> bool:
    if name == "offline":
        return True
    from geopy.exc import GeocoderNotFound
    from geopy.geocoders import get_geocoder_for_service

    try:
        get_geocoder_for_service(name)
    except GeocoderNotFound:
        return False
    return True


def _tile_url(env: Mapping[str, str]) -> str | None:
    """`MAP_TILE_URL`: an http(s) tile template with {z}, {x} and {y}; unset means no map."""
    value = env.get("MAP_TILE_URL", "").strip()
    if not value:
        return None
    parts = urlsplit(value.replace("{", "").replace("}", ""))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError("MAP_TILE_URL", f"must be an http(s) URL template, got {value!r}")
    if not all(part in value for part in ("{z}", "{x}", "{y}")):
        raise ConfigError("MAP_TILE_URL", "must contain {z}, {x} and {y}")
    return value


def _whole_number(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    text = env.get(name, "").strip() or str(default)
    if not text.isdigit() or not low <= int(text) <= high:
        raise ConfigError(name, f"must be a whole number from {low} to {high}, got {text!r}")
    return int(text)


def _is_time_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def instance_path(overrides: Mapping[str, str] | None = None) -> Path:
    """Where local state lives (SQLite file, dev secret): `INSTANCE_PATH`, else ./instance."""
    env = {**os.environ, **(overrides or {})}
    return Path(env.get("INSTANCE_PATH", "").strip() or Path.cwd() / "instance").resolve()


def load_settings(overrides: Mapping[str, str] | None = None) -> Settings:
    """Read and validate DESIGN §3's variables (the environment, then `overrides`).

    Raises `ConfigError` naming the first bad variable.
    """
    env = {**os.environ, **(overrides or {})}
    instance = instance_path(overrides)
    app_env = _choice(env, "APP_ENV", APP_ENVS, "development")
    sms_backend = _choice(env, "SMS_BACKEND", SMS_BACKENDS, "console")

    def optional(name: str) -> str | None:
        return env.get(name, "").strip() or None

    sid, token = optional("TWILIO_ACCOUNT_SID"), optional("TWILIO_AUTH_TOKEN")
    from_number = optional("TWILIO_FROM_NUMBER")
    service_sid = optional("TWILIO_MESSAGING_SERVICE_SID")
    if sms_backend == "twilio":
        if not sid:
            raise ConfigError("TWILIO_ACCOUNT_SID", "is required when SMS_BACKEND=twilio")
        if not token:
            raise ConfigError("TWILIO_AUTH_TOKEN", "is required when SMS_BACKEND=twilio")
        if not (from_number or service_sid):
            raise ConfigError(
                "TWILIO_FROM_NUMBER",
                "or TWILIO_MESSAGING_SERVICE_SID is required when SMS_BACKEND=twilio",
            )
    if sid and not sid.startswith("AC"):
        raise ConfigError("TWILIO_ACCOUNT_SID", "must start with 'AC'")
    if service_sid and not service_sid.startswith("MG"):
        raise ConfigError("TWILIO_MESSAGING_SERVICE_SID", "must start with 'MG'")
    if from_number and not (from_number.startswith("+") and from_number[1:].isdigit()):
        raise ConfigError("TWILIO_FROM_NUMBER", "must be an E.164 number such as +16175550100")

    geocoder = env.get("GEOCODER", "").strip().lower() or "offline"
    if not geocoder.replace("_", "").isalnum() or not _is_geopy_service(geocoder):
        raise ConfigError(
            "GEOCODER", f"must be 'offline' or a geopy geocoder name, got {geocoder!r}"
        )
    geocoder_url = _http_url(env, "GEOCODER_URL", None)
    map_tile_url = _tile_url(env)

    hub_name = env.get("HUB_NAME", "").strip() or "Support Hub"
    if len(hub_name) > 40:
        raise ConfigError("HUB_NAME", "must be at most 40 characters (it starts every SMS)")

    timeout_raw = env.get("TWILIO_TIMEOUT_SECONDS", "").strip() or "10"
    try:
        twilio_timeout = float(timeout_raw)
    except ValueError:
        raise ConfigError(
            "TWILIO_TIMEOUT_SECONDS", f"must be a number, got {timeout_raw!r}"
        ) from None
    if not 0 < twilio_timeout <= 60:
        raise ConfigError("TWILIO_TIMEOUT_SECONDS", "must be more than 0 and at most 60")
    proxies_text = env.get("TRUSTED_PROXIES", "").strip() or "0"
    if not proxies_text.isdigit() or int(proxies_text) > 5:
        raise ConfigError("TRUSTED_PROXIES", f"must be a whole number 0-5, got {proxies_text!r}")

    urgent_ack_minutes = _whole_number(env, "URGENT_ACK_MINUTES", 10, 1, 240)
    elevated_ack_hours = _whole_number(env, "ELEVATED_ACK_HOURS", 4, 1, 72)
    oncall_timezone = env.get("ONCALL_TIMEZONE", "").strip() or "America/New_York"
    if not _is_time_zone(oncall_timezone):
        raise ConfigError(
            "ONCALL_TIMEZONE",
            f"must be an IANA time zone such as America/Chicago, got {oncall_timezone!r}",
        )

    hub_timezone, send_rate, lease_seconds = _worker_settings(env)
    return Settings(
        app_env=app_env,
        database_url=_database_url(env, instance),
        secret_key=_secret_key(env, app_env, instance),
        sms_backend=sms_backend,
        twilio_account_sid=sid,
        twilio_auth_token=token,
        twilio_from_number=from_number,
        twilio_messaging_service_sid=service_sid,
        twilio_api_base_url=_http_url(env, "TWILIO_API_BASE_URL", "https://api.twilio.com")
        or "https://api.twilio.com",
        public_base_url=_http_url(env, "PUBLIC_BASE_URL", None),
        geocoder=geocoder,
        geocoder_url=geocoder_url,
        geocoder_user_agent=env.get("GEOCODER_USER_AGENT", "").strip() or "support_hub",
        hub_name=hub_name,
        map_tile_url=map_tile_url,
        map_tile_attribution=env.get("MAP_TILE_ATTRIBUTION", "").strip()
        or ("© OpenStreetMap contributors" if map_tile_url else ""),
        twilio_timeout_seconds=twilio_timeout,
        trusted_proxies=int(proxies_text),
        urgent_ack_minutes=urgent_ack_minutes,
        elevated_ack_hours=elevated_ack_hours,
        oncall_timezone=oncall_timezone,
        hub_timezone=hub_timezone,
        sms_send_rate=send_rate,
        outbox_lease_seconds=lease_seconds,
    )


def _worker_settings(env: Mapping[str, str]) -> tuple[str, float, int]:
    """`HUB_TIMEZONE`, `SMS_SEND_RATE` and `OUTBOX_LEASE_SECONDS`, validated."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    zone = env.get("HUB_TIMEZONE", "").strip() or "America/New_York"
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("HUB_TIMEZONE", f"must be an IANA time zone, got {zone!r}") from None
    rate_raw = env.get("SMS_SEND_RATE", "").strip() or "0"
    try:
        rate = float(rate_raw)
    except ValueError:
        raise ConfigError("SMS_SEND_RATE", f"must be a number, got {rate_raw!r}") from None
    if not 0 <= rate <= 1000:
        raise ConfigError("SMS_SEND_RATE", "must be 0 (no pacing) to 1000 messages per second")
    lease_raw = env.get("OUTBOX_LEASE_SECONDS", "").strip() or "120"
    if not lease_raw.isdigit() or not 1 <= int(lease_raw) <= 3600:
        raise ConfigError("OUTBOX_LEASE_SECONDS", f"must be 1-3600 seconds, got {lease_raw!r}")
    return zone, rate, int(lease_raw)
