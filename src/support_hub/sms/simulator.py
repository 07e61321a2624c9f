"""`/simulator`: a phone on a web page (development and testing only, DESIGN §4).

Texts typed here go through the same service as Twilio's webhook, without a signature (nothing
leaves the machine); later texts (check-ins, staff replies) show up as the console gateway's
sent outbox rows, so a worker in another process is seen too. The chosen number lives in the
session, never in a URL, so it stays out of access logs.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response as WerkzeugResponse

from support_hub.config import Settings
from support_hub.db import new_id
from support_hub.errors import BadRequestError
from support_hub.sms import services
from support_hub.sms.models import InvalidPhoneNumber, to_e164

bp = Blueprint("simulator", __name__, url_prefix="/simulator")

DEFAULT_PHONE = "+16175550123"


def _parse(raw: str | None) -> str:
    try:
        return to_e164(raw or "")
    except InvalidPhoneNumber:
        raise BadRequestError("That is not a phone number; try +16175550123.") from None


def _current_phone() -> str:
    return str(session.get("simulator_phone") or DEFAULT_PHONE)


@bp.get("")
def phone() -> str:
    """The simulated phone."""
    number = _current_phone()
    settings: Settings = current_app.extensions["support_hub.settings"]
    return render_template(
        "sms/simulator.html",
        phone=number,
        history=services.phone_history(number),
        hub_name=settings.hub_name,
    )


@bp.post("/number")
def choose_number() -> WerkzeugResponse:
    """Switch the simulated phone to another number."""
    session["simulator_phone"] = _parse(request.form.get("phone"))
    return redirect(url_for("simulator.phone"), code=303)


@bp.get("/feed")
def feed() -> Response:
    """The phone's history as JSON, for the page's live refresh."""
    number = _current_phone()
    return jsonify(
        phone=number,
        messages=[
            {
                "at": line.at.isoformat(),
                "direction": line.direction,
                "body": line.body,
                "note": line.note,
            }
            for line in services.phone_history(number)
        ],
    )


@bp.post("/send")
def send() -> WerkzeugResponse:
    """Deliver a typed text as if Twilio had posted it, then show the phone again."""
    number = _current_phone()
    body = request.form.get("body", "")
    if not body.strip():
        raise BadRequestError("Type a message to send.")
    if len(body) > 1600:
        raise BadRequestError("A text can be at most 1600 characters.")
    settings: Settings = current_app.extensions["support_hub.settings"]
    services.receive_inbound(
        services.InboundSms(
            message_sid="SMsim" + new_id().replace("-", "")[:29],
            from_number=number,
            to_number=settings.twilio_from_number or "simulator",
            body=body,
        ),
        hub=settings.hub_name,
    )
    return redirect(url_for("simulator.phone"), code=303)
