"""The real twilio client against a loopback fake of the Messages endpoint."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from flask import Flask

from support_hub import create_app
from support_hub.config import ConfigError, load_settings
from support_hub.extensions import db
from support_hub.outbox.models import OutboxKind
from support_hub.outbox.services import enqueue
from support_hub.outbox.worker import Worker
from support_hub.sms.gateway import OutboundSms, SendError, TwilioGateway, get_gateway
from tests.conftest import settings_for_tests
from tests.fakes.twilio_api import Failure, FakeTwilio
from tests.fakes.twilio_webhook import ACCOUNT_SID, AUTH_TOKEN, HUB_NUMBER, PROXY_BASE


def _gateway(fake: FakeTwilio, timeout: float = 2.0, **kwargs: str) -> TwilioGateway:
    sender = kwargs or {"from_number": HUB_NUMBER}
    return TwilioGateway(
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
        api_base_url=fake.base_url,
        timeout_seconds=timeout,
        status_callback=f"{PROXY_BASE}/sms/status",
        **sender,
    )


def test_send_posts_twilios_form_fields_with_basic_auth(fake_twilio: FakeTwilio) -> None:
    result = _gateway(fake_twilio).send(OutboundSms(to="+16175550123", body="Support Hub: hi"))
    (request,) = fake_twilio.requests
    assert (request.auth_user, request.auth_password) == (ACCOUNT_SID, AUTH_TOKEN)
    assert request.account_sid == ACCOUNT_SID
    assert request.form == {
        "To": "+16175550123",
        "From": HUB_NUMBER,
        "Body": "Support Hub: hi",
        "StatusCallback": f"{PROXY_BASE}/sms/status",
    }
    assert fake_twilio.contract_violations == []
    assert result.sid.startswith("SM")
    assert result.status == "queued"


def test_messaging_service_and_validity_period_are_sent(fake_twilio: FakeTwilio) -> None:
    gateway = _gateway(fake_twilio, messaging_service_sid="MG" + "1" * 32)
    gateway.send(OutboundSms(to="+16175550123", body="Support Hub: hi", validity_seconds=3600))
    (request,) = fake_twilio.requests
    assert request.form["MessagingServiceSid"] == "MG" + "1" * 32
    assert "From" not in request.form
    assert request.form["ValidityPeriod"] == "3600"
    assert fake_twilio.contract_violations == []


@pytest.mark.parametrize(
    ("failure", "transient", "opted_out", "unreachable"),
    [
        (Failure(500, 20500), True, False, False),
        (Failure(503, None), True, False, False),
        (Failure(429, 20429), True, False, False),
        (Failure(400, 21610), False, True, False),
        (Failure(400, 21211), False, False, True),
        (Failure(400, 21614), False, False, True),
        (Failure(400, 21602), False, False, False),
    ],
)
def test_refusals_say_whether_to_retry(
    fake_twilio: FakeTwilio, failure: Failure, transient: bool, opted_out: bool, unreachable: bool
) -> None:
    fake_twilio.fail_next(failure)
    with pytest.raises(SendError) as caught:
        _gateway(fake_twilio).send(OutboundSms(to="+16175550123", body="Support Hub: hi"))
    error = caught.value
    assert (error.transient, error.opted_out, error.unreachable) == (
        transient,
        opted_out,
        unreachable,
    )
    assert error.status == failure.status
    assert "+1617" not in error.summary()


def test_a_stalled_api_times_out_quickly_and_is_transient(fake_twilio: FakeTwilio) -> None:
    fake_twilio.fail_next(Failure(500, None, stall_seconds=1.5))
    started = time.monotonic()
    with pytest.raises(SendError) as caught:
        _gateway(fake_twilio, timeout=0.3).send(OutboundSms(to="+16175550123", body="hi"))
    assert caught.value.transient
    assert caught.value.reason == "timeout"
    assert time.monotonic() - started < 1.4


def test_the_fake_checks_requests_against_twilios_published_spec(fake_twilio: FakeTwilio) -> None:
    if fake_twilio.known_fields is None:
        pytest.skip("Twilio's OpenAPI spec (shared/twilio-oai) is not on disk")
    assert {"To", "From", "Body", "StatusCallback", "MessagingServiceSid"} <= (
        fake_twilio.known_fields
    )


def _configured_app(app: Flask, tmp_path: Path, fake: FakeTwilio, **extra: str) -> Flask:
    overrides = settings_for_tests(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    overrides.update(
        SMS_BACKEND="twilio",
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        TWILIO_FROM_NUMBER=HUB_NUMBER,
        TWILIO_API_BASE_URL=fake.base_url,
        PUBLIC_BASE_URL=PROXY_BASE,
        **extra,
    )
    return create_app(overrides)


def test_configuration_chooses_twilio_its_base_url_callback_and_timeout(
    app: Flask, tmp_path: Path, fake_twilio: FakeTwilio
) -> None:
    configured = _configured_app(app, tmp_path, fake_twilio, TWILIO_TIMEOUT_SECONDS="0.3")
    gateway = get_gateway(configured)
    assert gateway.name == "twilio"
    gateway.send(OutboundSms(to="+16175550123", body="Support Hub: hi"))
    assert fake_twilio.requests[0].form["StatusCallback"] == f"{PROXY_BASE}/sms/status"
    fake_twilio.fail_next(Failure(500, None, stall_seconds=1.5))
    started = time.monotonic()
    with pytest.raises(SendError):
        gateway.send(OutboundSms(to="+16175550123", body="Support Hub: hi"))
    assert time.monotonic() - started < 1.2


def test_the_worker_sends_through_the_configured_twilio(
    app: Flask, tmp_path: Path, fake_twilio: FakeTwilio
) -> None:
    configured = _configured_app(app, tmp_path, fake_twilio)
    enqueue(
        to="+16175550123", body="Support Hub: hello", kind=OutboxKind.NOTICE, idempotency_key="t1"
    )
    db.session.commit()
    # (The CLI runner would reuse the session app's context, so drive the worker directly.)
    assert Worker(configured).drain() == 1
    (request,) = fake_twilio.accepted()
    assert request.form["Body"] == "Support Hub: hello"
    assert fake_twilio.contract_violations == []


@pytest.mark.parametrize("value", ["0", "-1", "61", "soon"])
def test_twilio_timeout_must_be_a_sane_number(tmp_path: Path, value: str) -> None:
    overrides = settings_for_tests("sqlite://", tmp_path)
    overrides["TWILIO_TIMEOUT_SECONDS"] = value
    with pytest.raises(ConfigError) as caught:
        load_settings(overrides)
    assert caught.value.variable == "TWILIO_TIMEOUT_SECONDS"
