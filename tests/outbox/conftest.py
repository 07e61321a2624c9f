"""Fixtures for outbox delivery: a loopback Twilio and a gateway pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support_hub.sms.gateway import TwilioGateway
from tests.fakes.twilio_api import FakeTwilio, running_fake
from tests.fakes.twilio_webhook import ACCOUNT_SID, AUTH_TOKEN, HUB_NUMBER


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    with running_fake(ACCOUNT_SID, AUTH_TOKEN) as fake:
        yield fake


@pytest.fixture
def gateway(fake_twilio: FakeTwilio) -> TwilioGateway:
    return TwilioGateway(
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
        api_base_url=fake_twilio.base_url,
        timeout_seconds=0.5,
        from_number=HUB_NUMBER,
    )
