"""What Twilio sends to our webhooks, signed the way Twilio signs it."""

from __future__ import annotations

from itertools import count
from xml.etree import ElementTree

from flask.testing import FlaskClient
from twilio.request_validator import RequestValidator
from werkzeug.test import TestResponse

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "0123456789abcdef0123456789abcdef"
HUB_NUMBER = "+16175550100"
PROXY_BASE = "https://sms.example.org"

_sids = count(1)


def twilio_form(body: str, from_: str = "+16175550123", sid: str | None = None) -> dict[str, str]:
    """The fields Twilio posts to a messaging webhook for one inbound SMS."""
    return {
        "ToCountry": "US",
        "ToState": "MA",
        "SmsMessageSid": sid or f"SM{next(_sids):032d}",
        "NumMedia": "0",
        "ToCity": "BOSTON",
        "FromZip": "02139",
        "SmsSid": sid or "",
        "FromState": "MA",
        "SmsStatus": "received",
        "FromCity": "CAMBRIDGE",
        "Body": body,
        "FromCountry": "US",
        "To": HUB_NUMBER,
        "MessagingServiceSid": "MG" + "0" * 32,
        "ToZip": "02108",
        "NumSegments": "1",
        "ReferralNumMedia": "0",
        "MessageSid": sid or f"SM{next(_sids):032d}",
        "AccountSid": ACCOUNT_SID,
        "From": from_,
        "ApiVersion": "2010-04-01",
    }


def sign(url: str, form: dict[str, str], token: str = AUTH_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, form)


def post_signed(client: FlaskClient, path: str, form: dict[str, str], url: str) -> TestResponse:
    return client.post(path, data=form, headers={"X-Twilio-Signature": sign(url, form)})


class Phone:
    """Texts the hub through the signed webhook, as one number."""

    def __init__(self, client: FlaskClient, number: str = "+16175550123") -> None:
        self.client = client
        self.number = number

    def text(self, body: str, sid: str | None = None) -> list[str]:
        """Send `body`; the replies in the TwiML answer, in order."""
        response = self.send(body, sid)
        assert response.status_code == 200, response.data
        return twiml_messages(response.data)

    def send(self, body: str, sid: str | None = None) -> TestResponse:
        form = twilio_form(body, self.number, sid)
        return post_signed(self.client, "/sms/inbound", form, "http://localhost/sms/inbound")


def twiml_messages(xml: bytes) -> list[str]:
    root = ElementTree.fromstring(xml)
    assert root.tag == "Response"
    return [element.text or "" for element in root.findall("Message")]
