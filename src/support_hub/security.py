"""Security headers on every response (DESIGN §10)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request, session

from support_hub.config import Settings
from support_hub.errors import BadRequestError

# Pages under these prefixes show personal data (or a login form); browsers and proxies must
# not keep copies.
PRIVATE_PREFIXES = ("/portal", "/inbox", "/account", "/simulator")


def content_security_policy(settings: Settings) -> str:
    """The CSP: everything from our own origin, no inline script, no framing."""
    images = ["'self'", "data:"]
    if settings.map_tile_url:
        parts = urlsplit(settings.map_tile_url.replace("{s}", "a"))
        images.append(f"{parts.scheme}://{parts.netloc}")
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": images,
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


# Blueprints whose requests are authenticated by a signature checked in the view.
SIGNED_BLUEPRINTS = frozenset({"sms_webhook"})


def refuse_nul_bytes() -> None:
    """400 when the query or form holds a NUL character."""
    # No real text holds a NUL, and PostgreSQL refuses to store or compare one: without this
    # a stray %00 in any field would reach the database and fail there.
    for fields in (request.args, request.form):
        for key, values in fields.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                raise BadRequestError("The request contains a NUL character.")


def init_app(app: Flask, settings: Settings) -> None:
    """Add the headers to every response the app sends; refuse NUL bytes in form and query."""
    csp = content_security_policy(settings)

    @app.before_request
    def refuse_nul_bytes_before_the_view() -> None:
        # Twilio's webhooks authenticate first (a forged post is a 403 whatever it holds) and
        # call `refuse_nul_bytes` themselves after the signature check.
        if request.blueprint not in SIGNED_BLUEPRINTS:
            refuse_nul_bytes()

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", csp)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
        if settings.is_production:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        # A staff browser's pages may show who is logged in; the session cookie says so without
        # a database query (which could fail again while an error page is being sent).
        if request.path.startswith(PRIVATE_PREFIXES) or session.get("_user_id"):
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response
