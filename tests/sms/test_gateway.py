"""The real twilio client against a loopback fake of the Messages endpoint."""

from __future__ import annotations

import time

import pytest

from support_hub.sms.gateway import OutboundSms, SendError, TwilioGateway
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
