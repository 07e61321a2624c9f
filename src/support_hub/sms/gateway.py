"""Talking to the SMS provider: one small Protocol, chosen by `SMS_BACKEND` (DESIGN §2-3)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Protocol

import requests
from flask import Flask
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from support_hub.config import Settings
from support_hub.db import new_id

log = logging.getLogger(__name__)

EXTENSION_KEY = "support_hub.sms_gateway"

# Twilio error codes that mean "never try this number again" (DESIGN §8).
OPTED_OUT_CODES = frozenset({21610})
UNREACHABLE_CODES = frozenset({21211, 21614, 30006})
# 20429 is Twilio's "too many requests"; 429 and 5xx are HTTP-level and transient too.
TRANSIENT_CODES = frozenset({20429, 20500, 20503})


@dataclass(frozen=True)
class OutboundSms:
    """What to send: the provider needs nothing else."""

    to: str
    body: str
    validity_seconds: int | None = None


@dataclass(frozen=True)
class SendResult:
    sid: str
    status: str


class SendError(Exception):
    """The provider refused or could not be reached; `transient` says whether to retry."""

    def __init__(self, *, transient: bool, code: int | None, status: int | None, reason: str):
        super().__init__(reason)
        self.transient = transient
        self.code = code
        self.status = status
        self.reason = reason

    @property
    def opted_out(self) -> bool:
        return self.code in OPTED_OUT_CODES

    @property
    def unreachable(self) -> bool:
        return self.code in UNREACHABLE_CODES

    def summary(self) -> str:
        """A log- and database-safe description: codes only, never the number or the body."""
        return f"{self.reason} (http {self.status}, code {self.code})"


class SmsGateway(Protocol):
    """Sends one text; raises `SendError` when it was not accepted."""

    name: str

    def send(self, message: OutboundSms) -> SendResult: ...


@dataclass
class ConsoleGateway:
    """Development and tests: nothing leaves the machine.

    The outbox row the worker marks SENT is the record of the message, so the simulator (in
    another process, perhaps) shows it by reading the rows; `sent` keeps this process's copies.
    """

    name: str = "console"
    sent: list[OutboundSms] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, message: OutboundSms) -> SendResult:
        with self._lock:
            self.sent.append(message)
        log.info("console gateway: recorded a %d-character text", len(message.body))
        return SendResult(sid="SMconsole" + new_id().replace("-", "")[:23], status="sent")


class TwilioGateway:
    """The real twilio client, with an explicit timeout and a configurable REST base URL."""

    name = "twilio"

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        api_base_url: str,
        timeout_seconds: float,
        from_number: str | None = None,
        messaging_service_sid: str | None = None,
        status_callback: str | None = None,
    ) -> None:
        if not (from_number or messaging_service_sid):
            raise ValueError("a sender is required: from_number or messaging_service_sid")
        self._http = TwilioHttpClient(timeout=timeout_seconds)
        self._client = Client(account_sid, auth_token, http_client=self._http)
        # The Api domain carries the host every Messages call goes to (a proxy, or a test fake).
        self._client.api.base_url = api_base_url.rstrip("/")
        self._from = from_number
        self._service = messaging_service_sid
        self._status_callback = status_callback

    @classmethod
    def from_settings(cls, settings: Settings) -> TwilioGateway:
        callback = f"{settings.public_base_url}/sms/status" if settings.public_base_url else None
        assert settings.twilio_account_sid and settings.twilio_auth_token
        return cls(
            account_sid=settings.twilio_account_sid,
            auth_token=settings.twilio_auth_token,
            api_base_url=settings.twilio_api_base_url,
            timeout_seconds=settings.twilio_timeout_seconds,
            from_number=settings.twilio_from_number,
            messaging_service_sid=settings.twilio_messaging_service_sid,
            status_callback=callback,
        )

    def send(self, message: OutboundSms) -> SendResult:
        kwargs: dict[str, object] = {"to": message.to, "body": message.body}
        if self._service:
            kwargs["messaging_service_sid"] = self._service
        else:
            kwargs["from_"] = self._from
        if self._status_callback:
            kwargs["status_callback"] = self._status_callback
        if message.validity_seconds:
            kwargs["validity_period"] = message.validity_seconds
        try:
            created = self._client.messages.create(**kwargs)  # type: ignore[arg-type]
        except TwilioRestException as exc:
            transient = exc.status >= 500 or exc.status == 429 or exc.code in TRANSIENT_CODES
            raise SendError(
                transient=transient, code=exc.code, status=exc.status, reason="twilio refused"
            ) from None
        except requests.Timeout:
            raise SendError(transient=True, code=None, status=None, reason="timeout") from None
        except requests.RequestException as exc:
            raise SendError(
                transient=True, code=None, status=None, reason=type(exc).__name__
            ) from None
        return SendResult(sid=str(created.sid), status=str(created.status or "queued"))


def build_gateway(settings: Settings) -> SmsGateway:
    """The gateway `SMS_BACKEND` names."""
    if settings.sms_backend == "twilio":
        return TwilioGateway.from_settings(settings)
    return ConsoleGateway()


def init_app(app: Flask, settings: Settings) -> None:
    app.extensions[EXTENSION_KEY] = build_gateway(settings)


def get_gateway(app: Flask) -> SmsGateway:
    """The app's gateway (built once at start-up)."""
    gateway: SmsGateway = app.extensions[EXTENSION_KEY]
    return gateway
