"""Fixtures for the SMS front door: signed Twilio webhooks and a phone to text from."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from support_hub import create_app
from tests.conftest import settings_for_tests
from tests.fakes.twilio_api import FakeTwilio, running_fake
from tests.fakes.twilio_webhook import ACCOUNT_SID, AUTH_TOKEN, HUB_NUMBER, PROXY_BASE, Phone


def _twilio_app(database_url: str, instance: Path, **extra: str) -> Flask:
    overrides = settings_for_tests(database_url, instance)
    overrides.update(
        SMS_BACKEND="twilio",
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        TWILIO_FROM_NUMBER=HUB_NUMBER,
        **extra,
    )
    return create_app(overrides)


@pytest.fixture(scope="session")
def twilio_app(
    app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """SMS_BACKEND=twilio on the test database: every webhook must be signed."""
    twilio = _twilio_app(database_url, tmp_path_factory.mktemp("twilio-instance"))
    yield twilio
    with twilio.app_context():
        from support_hub.extensions import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def proxied_app(
    app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """Behind a TLS-terminating proxy: Twilio signs https://sms.example.org/..."""
    proxied = _twilio_app(
        database_url, tmp_path_factory.mktemp("proxy-instance"), PUBLIC_BASE_URL=PROXY_BASE
    )
    yield proxied
    with proxied.app_context():
        from support_hub.extensions import db

        db.engine.dispose()


@pytest.fixture
def phone(twilio_app: Flask) -> Phone:
    return Phone(twilio_app.test_client())


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    with running_fake(ACCOUNT_SID, AUTH_TOKEN) as fake:
        yield fake
