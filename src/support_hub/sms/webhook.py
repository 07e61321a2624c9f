"""Twilio's webhooks: `POST /sms/inbound` (answers TwiML) and `POST /sms/status` (DESIGN §4, §8).

Its own blueprint so the app can exempt it from CSRF: Twilio's signature is its protection.

Signature policy: `X-Twilio-Signature` is checked with the auth token against PUBLIC_BASE_URL +
path (behind a proxy the request URL is not what Twilio signed), else the request URL. It is
always required when SMS_BACKEND=twilio or APP_ENV=production; with the console backend it is
checked whenever TWILIO_AUTH_TOKEN is set, and skipped only when no token exists (local
development). The simulator never needs a signature: it calls the same service directly.
"""

from __future__ import annotations

import functools
import hmac
import logging

from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from support_hub.config import Settings
from support_hub.errors import BadRequestError
from support_hub.extensions import db
from support_hub.outbox import delivery
from support_hub.security import refuse_nul_bytes
from support_hub.sms import services
from support_hub.sms.models import InvalidPhoneNumber
from support_hub.transactions import begins_its_own_writes

bp = Blueprint("sms_webhook", __name__, url_prefix="/sms")
log = logging.getLogger(__name__)


def _settings() -> Settings:
    settings: Settings = current_app.extensions["support_hub.settings"]
    return settings


def signed_url(settings: Settings) -> str:
    """The URL Twilio signed: the public base URL + path (+ query) when set, else the request's."""
    if not settings.public_base_url:
        return request.url
    query = request.query_string.decode("latin-1")
    return settings.public_base_url + request.path + (f"?{query}" if query else "")


def _check_signature(settings: Settings) -> None:
    """403 unless the post is signed by Twilio; then 400 if it holds a NUL character.

    In this order, so a forged post is refused whatever it holds and learns nothing about its
    content (the app-wide NUL check leaves this blueprint to its views, see security.py).
    """
    _check_twilio_signature(settings)
    refuse_nul_bytes()


def _check_twilio_signature(settings: Settings) -> None:
    required = settings.sms_backend == "twilio" or settings.is_production
    token = settings.twilio_auth_token
    if not token:
        if required:
            abort(403, "Webhook signatures cannot be checked: TWILIO_AUTH_TOKEN is not set.")
        return
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not signed_by_twilio(validator_for(token), signed_url(settings), signature):
        abort(403, "Invalid or missing X-Twilio-Signature.")


@functools.lru_cache(maxsize=4)
def validator_for(token: str) -> RequestValidator:
    """One validator per auth token (building one encodes the token)."""
    return RequestValidator(token)


def signed_by_twilio(validator: RequestValidator, url: str, signature: str) -> bool:
    """Whether `signature` is Twilio's for this URL and form.

    `validate` computes the signature twice, for the URL with and without its port (Twilio
    signs whichever it requested); the URL as the hub knows it matches almost always, so it is
    tried alone first, and `validate` decides only when it does not match.
    """
    form = request.form
    if hmac.compare_digest(validator.compute_signature(url, form), signature):
        return True
    return validator.validate(url, form, signature)


def twiml(replies: tuple[str, ...]) -> Response:
    return Response(_twiml_document(replies), mimetype="text/xml")


@functools.lru_cache(maxsize=512)
def _twiml_document(replies: tuple[str, ...]) -> str:
    """The TwiML answering with `replies` (one <Message> each). Most answers are one of a few
    dozen texts (welcome, HELP, "not understood" ...): each is built once per process."""
    answer = MessagingResponse()
    for text in replies:
        answer.message(text)
    return str(answer)


def _required(name: str) -> str:
    value = request.form.get(name, "").strip()
    if not value:
        raise BadRequestError(f"{name} is required.", error_code="missing_field")
    return value


@bp.post("/inbound")
@begins_its_own_writes  # services.receive_inbound takes the write lock after the checks here
def inbound() -> Response:
    """Store one inbound text and answer it in TwiML."""
    settings = _settings()
    _check_signature(settings)
    sms = services.InboundSms(
        message_sid=_required("MessageSid")[:64],
        from_number=_required("From"),
        to_number=request.form.get("To", ""),
        body=request.form.get("Body", ""),
        num_media=_int(request.form.get("NumMedia")),
    )
    try:
        result = services.receive_inbound(sms, hub=settings.hub_name)
    except InvalidPhoneNumber:
        raise BadRequestError("From is not a phone number.", error_code="bad_from") from None
    except OperationalError:
        # The database is unreachable: fail fast so Twilio retries, never half-answer.
        db.session.rollback()
        log.warning("inbound SMS not stored: database unavailable")
        abort(503, "The database is unavailable; please retry.")
    return twiml(result.replies)


@bp.post("/status")
def status() -> tuple[str, int]:
    """Record Twilio's delivery status for one sent text (never moving it backwards)."""
    settings = _settings()
    _check_signature(settings)
    update = delivery.StatusUpdate(
        message_sid=_required("MessageSid")[:64],
        status=_required("MessageStatus").lower()[:20],
        error_code=_int(request.form.get("ErrorCode")) or None,
        to_number=request.form.get("To", ""),
    )
    try:
        delivery.record_status(update)
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("status callback not stored: database error")
        abort(503, "The database is unavailable; please retry.")
    return "", 204


_MAX_INTEGER = 2**31 - 1  # the INTEGER columns these land in (num_media, error_code)


def _int(raw: str | None) -> int:
    """A count or code Twilio sends (NumMedia, ErrorCode); 0 when absent or not one we can store."""
    try:
        value = int(raw or 0)
    except ValueError:
        return 0
    # A forged-looking but signed "99999999999" must not reach PostgreSQL's INTEGER (a 500).
    return value if 0 <= value <= _MAX_INTEGER else 0
