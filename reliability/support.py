"""What the scenarios share: the production environment and signed texts over real HTTP."""

from __future__ import annotations

import time
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

from tests.conftest import settings_for_tests
from tests.fakes.twilio_api import FakeTwilio
from tests.fakes.twilio_webhook import ACCOUNT_SID, AUTH_TOKEN, HUB_NUMBER, sign, twilio_form

# The fake is never called when a scenario has no Twilio fake (the webhook answers in TwiML).
UNUSED_API = "http://127.0.0.1:9"
# gunicorn answers /healthz in seconds on a quiet machine; CI machines may be shared and loaded.
WEB_START_SECONDS = 180.0


def production_env(
    database_url: str, instance: Path, fake: FakeTwilio | None = None, **extra: str
) -> dict[str, str]:
    """Settings for gunicorn and `flask worker` as production runs them (Twilio: the fake)."""
    return {
        **settings_for_tests(database_url, instance),
        "APP_ENV": "production",
        "SMS_BACKEND": "twilio",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": HUB_NUMBER,
        "TWILIO_API_BASE_URL": fake.base_url if fake else UNUSED_API,
        **extra,
    }


@dataclass(frozen=True)
class Answer:
    sid: str
    status: int  # 0: no HTTP answer at all (connection refused or reset)
    seconds: float
    body: bytes


class Texter:
    """Posts signed inbound texts to a running server, as Twilio does (a connection per text)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        host, port = base_url.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)

    def send(self, body: str, from_: str, sid: str) -> Answer:
        form = twilio_form(body, from_, sid)
        url = f"{self.base_url}/sms/inbound"
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": sign(url, form),
        }
        started = time.perf_counter()
        # A fresh connection each time: a kept-alive one the server has timed out would fail
        # the next request before it reached the app, which is the client's problem, not ours.
        connection = HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request("POST", "/sms/inbound", urlencode(form), headers)
            response = connection.getresponse()
            data = response.read()
            status = response.status
        except OSError:
            data, status = b"", 0
        finally:
            connection.close()
        return Answer(sid, status, time.perf_counter() - started, data)
