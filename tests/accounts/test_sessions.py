"""Staff sessions: rotation at login, idle and absolute expiry, logout, disabling, CSRF."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient

from support_hub.accounts import services
from support_hub.accounts.audit import Actor
from support_hub.accounts.models import AuditEvent, SessionEnd, StaffSession, User
from support_hub.extensions import db
from tests.staff import PASSWORD, Clock, csrf_token_from, log_in

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def cookie_jar(client: FlaskClient) -> dict[str, str]:
    return {cookie.key: cookie.value for cookie in client._cookies.values()}  # type: ignore[attr-defined]


def test_session_survives_activity_and_ends_after_fifteen_idle_minutes(coordinator: User) -> None:
    token = services.authenticate(coordinator.email, PASSWORD, ip="192.0.2.1", now=T0).session_token
    assert services.resume_session(token, now=T0 + timedelta(minutes=14)) is not None
    # Activity at 14 min restarts the idle clock.
    assert services.resume_session(token, now=T0 + timedelta(minutes=28)) is not None
    assert services.resume_session(token, now=T0 + timedelta(minutes=43)) is None
    row = db.session.query(StaffSession).one()
    assert row.end_reason is SessionEnd.IDLE
    # Once ended, it stays ended even if "activity" resumes.
    assert services.resume_session(token, now=T0 + timedelta(minutes=44)) is None


def test_session_ends_after_twelve_hours_however_active(coordinator: User) -> None:
    token = services.authenticate(coordinator.email, PASSWORD, ip="192.0.2.1", now=T0).session_token
    moment = T0
    while moment < T0 + timedelta(hours=11, minutes=50):
        moment += timedelta(minutes=10)
        assert services.resume_session(token, now=moment) is not None
    assert services.resume_session(token, now=T0 + timedelta(hours=12)) is None
    assert db.session.query(StaffSession).one().end_reason is SessionEnd.ABSOLUTE


def test_idle_timeout_logs_the_browser_out(
    client: FlaskClient, coordinator: User, clock: Clock
) -> None:
    log_in(client, coordinator)
    assert client.get("/portal/").status_code == 200
    clock.advance(minutes=14, seconds=59)
    assert client.get("/portal/").status_code == 200
    clock.advance(minutes=15)
    response = client.get("/portal/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login")
    assert "Your session has ended" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )


def test_login_rotates_the_session(client: FlaskClient, coordinator: User) -> None:
    with client.session_transaction() as before_login:
        before_login["planted"] = "by someone else"
    log_in(client, coordinator)
    with client.session_transaction() as after_login:
        assert "planted" not in after_login
        first_token = after_login["staff_session"]
    client.post("/account/logout")
    log_in(client, coordinator)
    with client.session_transaction() as again:
        assert again["staff_session"] != first_token


def test_logout_ends_the_session_even_for_a_copied_cookie(app: Flask, coordinator: User) -> None:
    browser = app.test_client()
    log_in(browser, coordinator)
    stolen = cookie_jar(browser)["session"]
    browser.post("/account/logout")

    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/portal/")
    assert response.status_code == 302
    assert db.session.query(AuditEvent).filter_by(action="logout").count() == 1


def test_disabling_a_user_ends_their_sessions_at_once(
    app: Flask, coordinator: User, admin: User
) -> None:
    their_browser = app.test_client()
    log_in(their_browser, coordinator)
    assert their_browser.get("/portal/").status_code == 200

    admin_browser = app.test_client()
    log_in(admin_browser, admin)
    assert admin_browser.post(f"/portal/users/{coordinator.id}/disable").status_code == 302

    assert their_browser.get("/portal/").status_code == 302
    assert (
        db.session.query(StaffSession).filter_by(user_id=coordinator.id).one().end_reason
        is SessionEnd.DISABLED
    )
    # And they cannot log back in.
    refused = their_browser.post(
        "/account/login", data={"email": coordinator.email, "password": PASSWORD}
    )
    assert refused.status_code == 401


def test_changing_password_ends_other_sessions_but_keeps_this_one(
    app: Flask, coordinator: User
) -> None:
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, coordinator)
    log_in(phone, coordinator)
    response = laptop.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "brass kettle north 88 meadow"},
    )
    assert response.status_code == 302
    assert laptop.get("/portal/").status_code == 200
    assert phone.get("/portal/").status_code == 302
    event = db.session.query(AuditEvent).filter_by(action="password.changed").one()
    assert event.after == {"other_sessions_ended": 1}


def test_change_password_shows_policy_errors_next_to_the_field(
    client: FlaskClient, coordinator: User
) -> None:
    log_in(client, coordinator)
    response = client.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": "password1234"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="new_password-error"' in html
    assert 'aria-describedby="new_password-help new_password-error"' in html
    assert "too common" in html


def test_a_form_post_without_a_csrf_token_is_refused(
    client: FlaskClient, coordinator: User, csrf_on: None
) -> None:
    response = client.post(
        "/account/login", data={"email": coordinator.email, "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert db.session.query(StaffSession).count() == 0


def test_a_form_post_with_the_pages_csrf_token_works(
    client: FlaskClient, coordinator: User, csrf_on: None
) -> None:
    token = csrf_token_from(client.get("/account/login").get_data(as_text=True))
    response = client.post(
        "/account/login",
        data={"email": coordinator.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    # A logged-in change needs the token too.
    refused = client.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": "x" * 20}
    )
    assert refused.status_code == 400


def test_login_page_never_redirects_off_site(client: FlaskClient, coordinator: User) -> None:
    response = client.post(
        "/account/login?next=//evil.example/steal",
        data={"email": coordinator.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/portal/"


def test_login_failure_says_nothing_about_which_part_was_wrong(
    client: FlaskClient, coordinator: User
) -> None:
    wrong_password = client.post(
        "/account/login", data={"email": coordinator.email, "password": "nope nope nope"}
    )
    no_account = client.post(
        "/account/login", data={"email": "nobody@example.org", "password": "nope nope nope"}
    )
    assert wrong_password.status_code == no_account.status_code == 401
    message = "That email and password don&#39;t match an active account."
    assert message in wrong_password.get_data(as_text=True)
    assert message in no_account.get_data(as_text=True)


def test_account_events_are_audited_with_actor_and_ip(
    client: FlaskClient, coordinator: User
) -> None:
    client.post("/account/login", data={"email": coordinator.email, "password": "nope nope nope"})
    log_in(client, coordinator)
    client.post("/account/logout")
    events = db.session.query(AuditEvent).order_by(AuditEvent.id).all()
    assert [e.action for e in events] == ["login.failed", "login.succeeded", "logout"]
    assert all(e.ip == "127.0.0.1" for e in events)
    assert events[1].actor_id == coordinator.id and events[2].actor_id == coordinator.id
    assert events[0].after == {"email": coordinator.email, "reason": "wrong_password"}


def test_audit_events_cannot_be_changed_or_deleted(coordinator: User) -> None:
    import pytest

    from support_hub.accounts.models import AuditTrailIsAppendOnly

    services.logout("no such token", actor=Actor.system())
    event = (
        services.authenticate(coordinator.email, PASSWORD, ip="192.0.2.1")
        and db.session.query(AuditEvent).one()
    )
    event.action = "something.else"
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.delete(db.session.query(AuditEvent).one())
        db.session.flush()


def test_next_accepts_only_paths_on_this_site() -> None:
    from support_hub.accounts.auth import safe_next

    assert safe_next("/portal/services/abc?x=1") == "/portal/services/abc?x=1"
    for hostile in [
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "portal/",
        "",
    ]:
        assert safe_next(hostile) is None, hostile
