"""Account actions: create users, log in and out, sessions, passwords, roles, disabling.

Each public function is one transaction and writes its audit event in it. Time comes in as
`now` so tests drive the clock instead of sleeping.

Login throttling (DB-backed, so every gunicorn worker and host sees the same counts):
- A sliding 15-minute window; at most `MAX_FAILURES` (10) failures per IP address and per
  account. Once a limit is reached, further attempts are refused *before* the password is
  checked, until the oldest failure in the window is 15 minutes old. A locked-out key so
  unlocks by itself within 15 minutes; an attacker gets at most 10 guesses per 15 minutes per
  account (960 a day) and per IP.
- Anyone can trip an account's limit by typing its address, and everyone behind one NAT shares
  an IP's limit, so a browser that has logged in to that account before (a signed "known
  device" cookie set at login) is held by neither; it has its own limit of 10 failures per
  window. The real user keeps getting in while an attacker elsewhere is held.
- Unknown addresses are throttled and timed like real ones (a dummy hash is verified), so the
  login form does not reveal which addresses have accounts.
- Counting then inserting is not atomic; concurrent attempts can overshoot the limit by the
  number of in-flight requests, which does not change the picture for an attacker.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import phonenumbers
import sqlalchemy as sa

from support_hub.accounts import audit
from support_hub.accounts.audit import Actor
from support_hub.accounts.models import LoginFailure, Role, SessionEnd, StaffSession, User
from support_hub.accounts.passwords import (
    dummy_hash,
    hash_password,
    needs_rehash,
    policy_problems,
    verify_password,
)
from support_hub.db import utcnow
from support_hub.extensions import db
from support_hub.validation import ValidationFailed

THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES = 10
FAILURE_RETENTION = timedelta(days=1)
IDLE_TIMEOUT = timedelta(minutes=15)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
# Writing last_seen_at on every request would make every page a write; once a minute is enough
# for a 15-minute idle timeout.
TOUCH_EVERY = timedelta(minutes=1)


class LoginRefused(Exception):
    """A login that did not succeed; `message` is safe to show (never says which part failed)."""

    def __init__(self, message: str, *, throttled: bool, retry_after: timedelta | None = None):
        super().__init__(message)
        self.message = message
        self.throttled = throttled
        self.retry_after = retry_after


@dataclass(frozen=True)
class KnownDevice:
    """A browser that logged in to `user_id` before (from a signed cookie the view verified)."""

    user_id: str
    device_id: str


@dataclass(frozen=True)
class LoginResult:
    user: User
    session_token: str
    device: KnownDevice


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user_snapshot(user: User) -> dict[str, object]:
    # Phone numbers are personal data; the trail notes whether one is set, not the number.
    return {
        "email": user.email,
        "name": user.name,
        "role": user.role.value,
        "disabled": user.disabled,
        "has_phone": user.phone is not None,
    }


def _clean_phone(phone: str | None) -> str | None:
    if phone is None or not phone.strip():
        return None
    try:
        parsed = phonenumbers.parse(phone.strip(), "US")
    except phonenumbers.NumberParseException:
        raise ValidationFailed.one(
            "phone", "Enter a phone number such as +1 617 555 0100."
        ) from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationFailed.one("phone", "That is not a valid phone number.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _check_email(email: str) -> str:
    email = normalise_email(email)
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email or len(email) > 255:
        raise ValidationFailed.one("email", "Enter an email address such as name@example.org.")
    return email


def create_user(
    *,
    email: str,
    role: Role,
    password: str,
    actor: Actor,
    name: str = "",
    phone: str | None = None,
    hub_name: str = "Support Hub",
    now: datetime | None = None,
) -> User:
    """Create a staff account (admin or command line)."""
    now = now or utcnow()
    errors: dict[str, list[str]] = {}
    try:
        email = _check_email(email)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    try:
        phone = _clean_phone(phone)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    problems = policy_problems(password, email=email, name=name, hub_name=hub_name)
    if problems:
        errors["password"] = problems
    if len(name.strip()) > 255:
        errors["name"] = ["Use at most 255 characters."]
    if "email" not in errors and db.session.scalar(sa.select(User.id).where(User.email == email)):
        errors["email"] = ["An account with this email already exists."]
    if errors:
        raise ValidationFailed(errors)
    user = User(
        email=email,
        name=name.strip(),
        phone=phone,
        role=role,
        password_hash=hash_password(password),
        password_changed_at=now,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        actor,
        "user.created",
        object_type="user",
        object_id=user.id,
        after=_user_snapshot(user),
        at=now,
    )
    db.session.commit()
    return user


def _failures_since(column: sa.ColumnElement[str], value: str, since: datetime) -> list[datetime]:
    return list(
        db.session.scalars(
            sa.select(LoginFailure.at)
            .where(column == value, LoginFailure.at > since)
            .order_by(LoginFailure.at)
        )
    )


def _retry_after(failures: list[datetime], now: datetime) -> timedelta:
    # The window reopens when enough of the oldest failures have aged out.
    oldest_that_matters = failures[-MAX_FAILURES]
    return max(oldest_that_matters + THROTTLE_WINDOW - now, timedelta(seconds=1))


def _throttle(
    email: str, ip: str, device: KnownDevice | None, user: User | None, now: datetime
) -> LoginRefused | None:
    since = now - THROTTLE_WINDOW
    if device is not None and user is not None and device.user_id == user.id:
        # A browser this account has logged in from: only its own failures count, so neither a
        # guesser elsewhere nor colleagues' typos behind the same hospital NAT hold it.
        by_device = _failures_since(LoginFailure.device, device.device_id, since)
        if len(by_device) >= MAX_FAILURES:
            return LoginRefused(
                "Too many failed logins. Wait a few minutes and try again.",
                throttled=True,
                retry_after=_retry_after(by_device, now),
            )
        return None
    by_ip = _failures_since(LoginFailure.ip, ip, since)
    if len(by_ip) >= MAX_FAILURES:
        return LoginRefused(
            "Too many failed logins from your network. Wait a few minutes and try again.",
            throttled=True,
            retry_after=_retry_after(by_ip, now),
        )
    by_account = _failures_since(LoginFailure.email, email, since)
    if len(by_account) >= MAX_FAILURES:
        return LoginRefused(
            "Too many failed logins for this account. Wait a few minutes and try again, "
            "or use a computer you have logged in from before.",
            throttled=True,
            retry_after=_retry_after(by_account, now),
        )
    return None


def authenticate(
    email: str,
    password: str,
    *,
    ip: str,
    device: KnownDevice | None = None,
    now: datetime | None = None,
) -> LoginResult:
    """Check a login (throttled), start a new session, upgrade an outdated hash; or refuse."""
    now = now or utcnow()
    email = normalise_email(email)[:255]
    actor = Actor(user_id=None, email=email, ip=ip)
    user = db.session.scalar(sa.select(User).where(User.email == email))
    refused = _throttle(email, ip, device, user, now)
    if refused is not None:
        audit.record(
            actor,
            "login.throttled",
            object_type="user",
            object_id=user.id if user else None,
            after={"email": email},
            at=now,
        )
        db.session.commit()
        raise refused

    ok = verify_password(user.password_hash if user else dummy_hash(), password[:1024])
    if user is None or not ok or user.disabled:
        known_device = device.device_id if device and user and device.user_id == user.id else None
        db.session.add(LoginFailure(at=now, email=email, ip=ip, device=known_device))
        db.session.execute(sa.delete(LoginFailure).where(LoginFailure.at < now - FAILURE_RETENTION))
        reason = "unknown_account" if user is None else "disabled" if ok else "wrong_password"
        audit.record(
            actor,
            "login.failed",
            object_type="user",
            object_id=user.id if user else None,
            after={"email": email, "reason": reason},
            at=now,
        )
        db.session.commit()
        raise LoginRefused(
            "That email and password don't match an active account.", throttled=False
        )

    details: dict[str, object] = {}
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        details["password_rehashed"] = True
    user.last_login_at = now
    token = start_session(user, ip=ip, now=now)
    if device is None or device.user_id != user.id:
        device = KnownDevice(user_id=user.id, device_id=secrets.token_urlsafe(24))
    audit.record(
        Actor(user_id=user.id, email=user.email, ip=ip),
        "login.succeeded",
        object_type="user",
        object_id=user.id,
        after=details or None,
        at=now,
    )
    db.session.commit()
    return LoginResult(user=user, session_token=token, device=device)


def start_session(user: User, *, ip: str | None, now: datetime) -> str:
    """Open a session for a user who has just proven who they are (no commit); its token."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        StaffSession(
            token_hash=_token_hash(token), user=user, started_at=now, last_seen_at=now, ip=ip
        )
    )
    return token


def _end(session_row: StaffSession, reason: SessionEnd, now: datetime) -> None:
    session_row.ended_at = now
    session_row.end_reason = reason


def resume_session(token: str, *, now: datetime | None = None) -> User | None:
    """The user a session token belongs to, if the session is still alive (ends it if not)."""
    now = now or utcnow()
    row = db.session.scalar(
        sa.select(StaffSession).where(StaffSession.token_hash == _token_hash(token))
    )
    if row is None or row.ended_at is not None:
        return None
    reason = None
    if row.user.disabled:
        reason = SessionEnd.DISABLED
    elif now - row.started_at >= ABSOLUTE_TIMEOUT:
        reason = SessionEnd.ABSOLUTE
    elif now - row.last_seen_at >= IDLE_TIMEOUT:
        reason = SessionEnd.IDLE
    if reason is not None:
        _end(row, reason, now)
        db.session.commit()
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    return row.user


def logout(token: str, *, actor: Actor, now: datetime | None = None) -> None:
    """End the session behind `token`."""
    now = now or utcnow()
    row = db.session.scalar(
        sa.select(StaffSession).where(StaffSession.token_hash == _token_hash(token))
    )
    if row is None or row.ended_at is not None:
        return
    _end(row, SessionEnd.LOGOUT, now)
    audit.record(actor, "logout", object_type="user", object_id=row.user_id, at=now)
    db.session.commit()


def _end_sessions(
    user: User, reason: SessionEnd, now: datetime, *, keep_token: str | None = None
) -> int:
    keep = _token_hash(keep_token) if keep_token else None
    ended = 0
    for row in db.session.scalars(
        sa.select(StaffSession).where(
            StaffSession.user_id == user.id, StaffSession.ended_at.is_(None)
        )
    ):
        if row.token_hash != keep:
            _end(row, reason, now)
            ended += 1
    return ended


def change_password(
    user: User,
    *,
    current: str,
    new: str,
    actor: Actor,
    keep_session: str | None = None,
    hub_name: str = "Support Hub",
    now: datetime | None = None,
) -> None:
    """Change one's own password; every other session of the account ends."""
    now = now or utcnow()
    if not verify_password(user.password_hash, current[:1024]):
        raise ValidationFailed.one("current_password", "That is not your current password.")
    problems = policy_problems(new, email=user.email, name=user.name, hub_name=hub_name)
    if not problems and verify_password(user.password_hash, new):
        problems = ["Choose a password different from your current one."]
    if problems:
        raise ValidationFailed({"new_password": problems})
    user.password_hash = hash_password(new)
    user.password_changed_at = now
    ended = _end_sessions(user, SessionEnd.PASSWORD_CHANGED, now, keep_token=keep_session)
    audit.record(
        actor,
        "password.changed",
        object_type="user",
        object_id=user.id,
        after={"other_sessions_ended": ended},
        at=now,
    )
    db.session.commit()


def _admin_count() -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(User)
            .where(User.role == Role.ADMIN, User.disabled_at.is_(None))
        )
        or 0
    )


def get_user(user_id: str) -> User | None:
    """One account by id."""
    return db.session.get(User, user_id)


def list_users() -> list[User]:
    """Every account, enabled first, then by email."""
    return list(
        db.session.scalars(sa.select(User).order_by(User.disabled_at.is_not(None), User.email))
    )


def update_user(
    user: User,
    *,
    role: Role,
    name: str,
    phone: str | None,
    actor: Actor,
    now: datetime | None = None,
) -> User:
    """Change an account's role, name or phone (admin)."""
    now = now or utcnow()
    phone = _clean_phone(phone)
    if len(name.strip()) > 255:
        raise ValidationFailed.one("name", "Use at most 255 characters.")
    if (
        user.role is Role.ADMIN
        and role is not Role.ADMIN
        and not user.disabled
        and _admin_count() <= 1
    ):
        raise ValidationFailed.one("role", "This is the last admin; make someone else admin first.")
    before = _user_snapshot(user)
    old_role = user.role
    user.role, user.name, user.phone = role, name.strip(), phone
    changed_before, changed_after = audit.changes(before, _user_snapshot(user))
    if changed_after:
        action = "user.role_changed" if role is not old_role else "user.updated"
        audit.record(
            actor,
            action,
            object_type="user",
            object_id=user.id,
            before=changed_before,
            after=changed_after,
            at=now,
        )
    db.session.commit()
    return user


def set_disabled(user: User, disabled: bool, *, actor: Actor, now: datetime | None = None) -> User:
    """Disable an account (ending its sessions at once) or enable it again (admin)."""
    now = now or utcnow()
    if disabled == user.disabled:
        return user
    if disabled and user.id == actor.user_id:
        raise ValidationFailed.one("disabled", "You can't disable your own account.")
    if disabled and user.role is Role.ADMIN and _admin_count() <= 1:
        raise ValidationFailed.one("disabled", "This is the last admin; it can't be disabled.")
    ended = 0
    if disabled:
        user.disabled_at = now
        ended = _end_sessions(user, SessionEnd.DISABLED, now)
    else:
        user.disabled_at = None
    audit.record(
        actor,
        "user.disabled" if disabled else "user.enabled",
        object_type="user",
        object_id=user.id,
        before={"disabled": not disabled},
        after={"disabled": disabled, "sessions_ended": ended},
        at=now,
    )
    db.session.commit()
    return user


def reset_password(
    user: User,
    new: str,
    *,
    actor: Actor,
    hub_name: str = "Support Hub",
    now: datetime | None = None,
) -> None:
    """Set a new password for someone else (admin); all their sessions end."""
    now = now or utcnow()
    problems = policy_problems(new, email=user.email, name=user.name, hub_name=hub_name)
    if problems:
        raise ValidationFailed({"password": problems})
    user.password_hash = hash_password(new)
    user.password_changed_at = now
    ended = _end_sessions(user, SessionEnd.PASSWORD_CHANGED, now)
    audit.record(
        actor,
        "password.reset",
        object_type="user",
        object_id=user.id,
        after={"sessions_ended": ended},
        at=now,
    )
    db.session.commit()
