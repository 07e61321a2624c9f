"""Error responses: JSON under /api/ and /hsds/, a friendly page elsewhere (DESIGN §4)."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

log = logging.getLogger(__name__)

JSON_PREFIXES = ("/api/", "/hsds")


class BadRequestError(HTTPException):
    """A 4xx with a message meant for the caller and a machine-readable code."""

    code = 400

    def __init__(self, message: str, *, error_code: str = "bad_request", status: int = 400) -> None:
        super().__init__(description=message)
        self.code = status
        self.error_code = error_code


def wants_json() -> bool:
    return request.path.startswith(JSON_PREFIXES)


def error_response(exc: HTTPException) -> tuple[Response | str, int]:
    status = exc.code or 500
    error_code = getattr(exc, "error_code", None) or (exc.name or "error").lower().replace(" ", "_")
    message = exc.description or exc.name
    if wants_json():
        return jsonify(error={"code": error_code, "message": message}), status
    return render_template("error.html", status=status, title=exc.name, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException) -> tuple[Response | str, int]:
        return error_response(exc)

    @app.errorhandler(OperationalError)
    def handle_database_unavailable(exc: OperationalError) -> tuple[Response | str, int]:
        # The database is down, restarting or refusing connections: a 503 says "try again
        # shortly" (and Twilio retries it); a 500 would say the request was wrong or we are.
        from support_hub.extensions import db

        db.session.rollback()
        log.warning("database unavailable (%s) on %s %s", type(exc.orig).__name__,
                    request.method, request.path)  # fmt: skip
        body, status = error_response(
            ServiceUnavailable("The service is briefly unavailable; please try again shortly.")
        )
        response = app.make_response((body, status))
        response.headers["Retry-After"] = "5"
        return response, status

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception) -> tuple[Response | str, int]:
        # Log the type only: exception text can carry personal data (phone numbers, bodies).
        log.exception("unhandled %s on %s %s", type(exc).__name__, request.method, request.path)
        return error_response(InternalServerError("Something went wrong on our side."))
