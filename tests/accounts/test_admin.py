"""Admins manage accounts and browse the audit trail; `flask users create` makes accounts."""

from __future__ import annotations

from flask.testing import FlaskClient, FlaskCliRunner

from support_hub.accounts.models import AuditEvent, Role, User
from support_hub.accounts.passwords import verify_password
from support_hub.extensions import db
from tests.staff import log_in, open_session


def test_admin_creates_an_account_and_weak_passwords_are_refused_in_place(
    client: FlaskClient, admin: User
) -> None:
    open_session(client, admin)
    form = {
        "email": "New.Person@Example.org",
        "name": "New Person",
        "role": "responder",
        "phone": "617-555-0177",
        "password": "password1234",
    }
    refused = client.post("/portal/users/new", data=form)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert 'id="password-error"' in html and "too common" in html
    assert db.session.query(User).filter_by(email="new.person@example.org").count() == 0

    created = client.post("/portal/users/new", data={**form, "password": "amber fjord 31 pelican"})
    assert created.status_code == 302
    user = db.session.query(User).filter_by(email="new.person@example.org").one()
    assert (user.role, user.phone) == (Role.RESPONDER, "+16175550177")
    event = db.session.query(AuditEvent).filter_by(action="user.created").one()
    assert event.actor_id == admin.id
    assert event.after == {
        "email": "new.person@example.org",
        "name": "New Person",
        "role": "responder",
        "disabled": False,
        "has_phone": True,
    }


def test_duplicate_emails_are_refused(client: FlaskClient, admin: User, coordinator: User) -> None:
    open_session(client, admin)
    response = client.post(
        "/portal/users/new",
        data={
            "email": coordinator.email.upper(),
            "role": "coordinator",
            "password": "amber fjord 31 pelican",
        },
    )
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)


def test_role_change_is_audited_before_and_after_and_takes_effect_at_once(
    app, admin: User, coordinator: User
) -> None:
    theirs = app.test_client()
    open_session(theirs, coordinator)
    assert theirs.get("/portal/").status_code == 200

    mine = app.test_client()
    open_session(mine, admin)
    response = mine.post(
        f"/portal/users/{coordinator.id}", data={"role": "responder", "name": coordinator.name}
    )
    assert response.status_code == 302

    event = db.session.query(AuditEvent).filter_by(action="user.role_changed").one()
    assert (event.before, event.after) == ({"role": "coordinator"}, {"role": "responder"})
    assert theirs.get("/portal/").status_code == 403


def test_an_admin_cannot_disable_themself_or_demote_the_last_admin(
    client: FlaskClient, admin: User
) -> None:
    open_session(client, admin)
    client.post(f"/portal/users/{admin.id}/disable")
    client.post(f"/portal/users/{admin.id}", data={"role": "coordinator"})
    db.session.refresh(admin)
    assert not admin.disabled and admin.role is Role.ADMIN
    assert client.get("/portal/users/").status_code == 200


def test_disable_and_enable_are_audited(client: FlaskClient, admin: User, responder: User) -> None:
    open_session(client, admin)
    client.post(f"/portal/users/{responder.id}/disable")
    client.post(f"/portal/users/{responder.id}/enable")
    events = (
        db.session.query(AuditEvent)
        .filter(AuditEvent.object_id == responder.id)
        .order_by(AuditEvent.id)
    )
    assert [(e.action, e.after["disabled"]) for e in events] == [
        ("user.disabled", True),
        ("user.enabled", False),
    ]


def test_admin_sets_a_new_password_and_the_old_one_stops_working(
    client: FlaskClient, admin: User, responder: User
) -> None:
    open_session(client, admin)
    response = client.post(
        f"/portal/users/{responder.id}/password", data={"password": "cobalt meadow 77 heron"}
    )
    assert response.status_code == 302
    db.session.refresh(responder)
    assert verify_password(responder.password_hash, "cobalt meadow 77 heron")
    assert db.session.query(AuditEvent).filter_by(action="password.reset").count() == 1


def test_the_audit_browser_filters_by_action_actor_and_object(
    client: FlaskClient, admin: User, coordinator: User
) -> None:
    other = FlaskClient(client.application)
    other.post("/account/login", data={"email": coordinator.email, "password": "not the password"})
    log_in(other, coordinator)
    open_session(client, admin)

    logins = client.get("/portal/audit?action=login").get_data(as_text=True)
    assert "login.failed" in logins and "login.succeeded" in logins
    assert "2 events." in logins

    failed = client.get("/portal/audit?action=login.failed").get_data(as_text=True)
    assert "1 event." in failed and "wrong_password" in failed

    by_actor = client.get("/portal/audit?actor=coordinator%40").get_data(as_text=True)
    assert "2 events." in by_actor

    for bad in ("since=yesterday", "until=9999-12-31"):
        bad_date = client.get(f"/portal/audit?{bad}")
        assert bad_date.status_code == 400
        assert "YYYY-MM-DD" in bad_date.get_data(as_text=True)


def test_cli_creates_a_user_with_the_password_from_stdin(cli: FlaskCliRunner) -> None:
    result = cli.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Ops@Example.org",
            "--role",
            "admin",
            "--name",
            "Ops Person",
            "--phone",
            "+16175550150",
        ],
        input="harbor violet 12 quartz\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created admin ops@example.org." in result.output
    user = db.session.query(User).filter_by(email="ops@example.org").one()
    assert verify_password(user.password_hash, "harbor violet 12 quartz")
    assert (
        db.session.query(AuditEvent).filter_by(action="user.created", actor_email="cli").count()
        == 1
    )


def test_cli_refuses_a_weak_password_and_a_bad_role(cli: FlaskCliRunner) -> None:
    weak = cli.invoke(
        args=["users", "create", "--email", "x@example.org", "--role", "admin"], input="short\n"
    )
    assert weak.exit_code == 2
    assert "at least 12" in weak.output
    bad_role = cli.invoke(
        args=["users", "create", "--email", "x@example.org", "--role", "boss"], input="x\n"
    )
    assert bad_role.exit_code == 2
    assert db.session.query(User).count() == 0


def test_an_overlong_name_is_refused_not_crashed_on(cli: FlaskCliRunner) -> None:
    result = cli.invoke(
        args=[
            "users",
            "create",
            "--email",
            "long@example.org",
            "--role",
            "responder",
            "--name",
            "N" * 300,
        ],
        input="harbor violet 12 quartz\n",
    )
    assert result.exit_code == 2
    assert "name: Use at most 255 characters." in result.output
