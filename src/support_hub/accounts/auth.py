"""The HTTP side of staff sessions: Flask-Login wiring, role checks, the clock, the actor.

The signed Flask session cookie carries a random session token; `services.resume_session`
decides on every request whether that session is still alive (idle 15 min, absolute 12 h,
user not disabled, not logged out).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    request,
    session,
    url_for,
)
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.exceptions import Forbidden

from support_hub.accounts import services
from support_hub.accounts.audit import Actor
from support_hub.accounts.models import Role, User
from support_hub.db import utcnow
from support_hub.extensions import login_manager

SESSION_KEY = "staff_session"
DEVICE_COOKIE = "known_device"
DEVICE_MAX_AGE_SECONDS = 90 * 24 * 3600

V = TypeVar("V", bound=Callable[..., Any])


def clock() -> datetime:
    """Now, from the app's clock (tests install a controllable one in `app.extensions`)."""
    now: Callable[[], datetime] = current_app.extensions.get("support_hub.clock", utcnow)
    return now()


def current_actor() -> Actor:
    """The person making this request, for the audit trail."""
    if current_user.is_authenticated:
        return Actor(user_id=current_user.id, email=current_user.email, ip=request.remote_addr)
    return Actor(user_id=None, email=None, ip=request.remote_addr)


def staff_user() -> User:
    """The logged-in user (only call behind `roles_required`)."""
    return cast(User, current_user._get_current_object())  # type: ignore[attr-defined]


def roles_required(*roles: Role) -> Callable[[V], V]:
    """Let the view run only for a logged-in user holding one of `roles`."""
    allowed = frozenset(roles)

    def decorator(view: V) -> V:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                raise Forbidden("Your role does not give access to this page.")
            return view(*args, **kwargs)

        wrapped.allowed_roles = allowed  # type: ignore[attr-defined]
        return cast(V, wrapped)

    return decorator


staff_required = roles_required(*Role)


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt="support_hub.known-device")  # type: ignore[arg-type]


def known_device() -> services.KnownDevice | None:
    """The known-device cookie, if present and signed by us."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        data = _device_serializer().loads(raw, max_age=DEVICE_MAX_AGE_SECONDS)
        return services.KnownDevice(user_id=str(data["u"]), device_id=str(data["d"]))
    except (BadSignature, KeyError, TypeError):
        return None


def remember_device(response: Response, device: services.KnownDevice) -> None:
    """Set the known-device cookie (it lets this browser past the per-account throttle)."""
    response.set_cookie(
        DEVICE_COOKIE,
        _device_serializer().dumps({"u": device.user_id, "d": device.device_id}),
        max_age=DEVICE_MAX_AGE_SECONDS,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Strict",
        path=url_for("accounts.login"),
    )


MAX_PAGE = 10_000


def page_number() -> int:
    """`?page=` as a page number from 1 to MAX_PAGE (anything else reads as the nearest)."""
    page = request.args.get("page", default=1, type=int)
    return min(max(page, 1), MAX_PAGE)


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site (never another host), else None."""
    if not target:
        return None
    # Browsers read "\\" as "/" and drop tabs and newlines, so "/\\evil" and "/\t/evil" are
    # other hosts too.
    if any(ch.isspace() or ord(ch) < 32 for ch in target):
        return None
    cleaned = target.replace("\\", "/")
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc or not cleaned.startswith("/") or cleaned.startswith("//"):
        return None
    return target


def init_app(app: Flask) -> None:
    """Wire Flask-Login to the server-side session table."""
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"

    @app.before_request
    def load_user_afresh() -> None:
        # Flask-Login caches the user on `g`, which lives as long as the app context. A context
        # shared by several requests (the test client inside a test's context, a CLI command)
        # must not carry one request's user into the next: each request answers to its cookie.
        g.pop("_login_user", None)

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        token = session.get(SESSION_KEY)
        user = services.resume_session(token, now=clock()) if isinstance(token, str) else None
        if user is None or user.id != user_id:
            # Expired, ended or forged: forget everything this browser held, and say why.
            session.clear()
            flash("Your session has ended. Please log in again.", "info")
            return None
        return user

    @login_manager.unauthorized_handler
    def unauthorized() -> Response | tuple[Response, int]:
        if request.path.startswith(("/api/", "/hsds")):
            return jsonify(error={"code": "unauthorized", "message": "Log in first."}), 401
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
