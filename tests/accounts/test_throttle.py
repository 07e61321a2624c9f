"""Login throttling: ≤ 10 failures per 15 minutes per account and per IP, with time passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient

from support_hub.accounts import services
from support_hub.accounts.models import AuditEvent, LoginFailure, User
from support_hub.accounts.services import KnownDevice, LoginRefused
from support_hub.extensions import db
from tests.staff import PASSWORD, Clock

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def fail(email: str, *, ip: str, at: datetime, device: KnownDevice | None = None) -> LoginRefused:
    with pytest.raises(LoginRefused) as refused:
        services.authenticate(email, "wrong password entirely", ip=ip, device=device, now=at)
    return refused.value


def test_ten_failures_for_an_account_hold_it_for_the_rest_of_the_window(coordinator: User) -> None:
    for i in range(10):
        # Spread over many IPs, as a distributed guesser would.
        assert not fail(
            coordinator.email, ip=f"198.51.100.{i}", at=T0 + timedelta(seconds=i)
        ).throttled

    # Even the right password is not checked while the account is held.
    with pytest.raises(LoginRefused) as held:
        services.authenticate(
            coordinator.email, PASSWORD, ip="192.0.2.7", now=T0 + timedelta(minutes=5)
        )
    assert held.value.throttled
    assert held.value.retry_after == timedelta(minutes=10)


def test_the_hold_lifts_by_itself_within_fifteen_minutes(coordinator: User) -> None:
    for i in range(10):
        fail(coordinator.email, ip=f"198.51.100.{i}", at=T0)
    result = services.authenticate(
        coordinator.email, PASSWORD, ip="192.0.2.7", now=T0 + timedelta(minutes=15, seconds=1)
    )
    assert result.user.id == coordinator.id


def test_nine_failures_still_let_the_real_user_in(coordinator: User) -> None:
    for i in range(9):
        fail(coordinator.email, ip="198.51.100.1", at=T0 + timedelta(seconds=i))
    result = services.authenticate(
        coordinator.email, PASSWORD, ip="198.51.100.1", now=T0 + timedelta(minutes=1)
    )
    assert result.user.id == coordinator.id


def test_ten_failures_from_one_ip_hold_that_ip_for_every_account(
    coordinator: User, admin: User
) -> None:
    for i in range(10):
        fail(f"guess{i}@example.org", ip="203.0.113.9", at=T0 + timedelta(seconds=i))
    with pytest.raises(LoginRefused) as held:
        services.authenticate(
            admin.email, PASSWORD, ip="203.0.113.9", now=T0 + timedelta(minutes=1)
        )
    assert held.value.throttled
    assert "your network" in held.value.message
    # Another network is not affected.
    assert services.authenticate(
        admin.email, PASSWORD, ip="192.0.2.1", now=T0 + timedelta(minutes=1)
    ).user


def test_a_known_device_gets_past_an_account_held_by_someone_else(coordinator: User) -> None:
    earlier = services.authenticate(
        coordinator.email, PASSWORD, ip="192.0.2.7", now=T0 - timedelta(days=3)
    )
    for i in range(10):
        fail(coordinator.email, ip=f"198.51.100.{i}", at=T0 + timedelta(seconds=i))

    result = services.authenticate(
        coordinator.email,
        PASSWORD,
        ip="192.0.2.7",
        device=earlier.device,
        now=T0 + timedelta(minutes=1),
    )
    assert result.user.id == coordinator.id


def test_a_known_device_has_its_own_limit_of_ten(coordinator: User) -> None:
    earlier = services.authenticate(
        coordinator.email, PASSWORD, ip="192.0.2.7", now=T0 - timedelta(days=3)
    )
    for i in range(10):
        fail(
            coordinator.email,
            ip=f"192.0.2.{i + 20}",
            at=T0 + timedelta(seconds=i),
            device=earlier.device,
        )
    with pytest.raises(LoginRefused) as held:
        services.authenticate(
            coordinator.email,
            PASSWORD,
            ip="192.0.2.99",
            device=earlier.device,
            now=T0 + timedelta(minutes=1),
        )
    assert held.value.throttled


def test_a_device_cookie_for_another_account_does_not_bypass_the_hold(
    coordinator: User, admin: User
) -> None:
    admins_device = services.authenticate(admin.email, PASSWORD, ip="192.0.2.7", now=T0).device
    for i in range(10):
        fail(coordinator.email, ip=f"198.51.100.{i}", at=T0 + timedelta(seconds=i))
    with pytest.raises(LoginRefused) as held:
        services.authenticate(
            coordinator.email,
            PASSWORD,
            ip="192.0.2.7",
            device=admins_device,
            now=T0 + timedelta(minutes=1),
        )
    assert held.value.throttled


def test_unknown_addresses_are_throttled_like_real_ones() -> None:
    for i in range(10):
        assert not fail("nobody@example.org", ip=f"198.51.100.{i}", at=T0).throttled
    assert fail("nobody@example.org", ip="198.51.100.200", at=T0 + timedelta(seconds=5)).throttled


def test_failures_are_audited_with_the_reason_and_pruned_after_a_day(coordinator: User) -> None:
    fail(coordinator.email, ip="198.51.100.1", at=T0)
    fail(coordinator.email, ip="198.51.100.1", at=T0 + timedelta(days=2))
    assert db.session.query(LoginFailure).count() == 1
    reasons = [
        e.after["reason"] for e in db.session.query(AuditEvent).filter_by(action="login.failed")
    ]
    assert reasons == ["wrong_password", "wrong_password"]


def test_the_login_page_answers_429_with_retry_after_once_throttled(
    client: FlaskClient, coordinator: User, clock: Clock
) -> None:
    for _ in range(10):
        response = client.post(
            "/account/login", data={"email": coordinator.email, "password": "nope nope nope"}
        )
        assert response.status_code == 401
    response = client.post(
        "/account/login", data={"email": coordinator.email, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 800
    assert "Too many failed logins" in response.get_data(as_text=True)
    clock.advance(minutes=15, seconds=1)
    assert (
        client.post(
            "/account/login", data={"email": coordinator.email, "password": PASSWORD}
        ).status_code
        == 302
    )


def test_the_browser_that_logged_in_before_still_gets_in_over_http(
    app, coordinator: User, clock: Clock
) -> None:
    own_browser = app.test_client()
    attacker = app.test_client()
    assert (
        own_browser.post(
            "/account/login", data={"email": coordinator.email, "password": PASSWORD}
        ).status_code
        == 302
    )
    own_browser.post("/account/logout")
    elsewhere = {"REMOTE_ADDR": "198.51.100.7"}
    for _ in range(10):
        attacker.post(
            "/account/login",
            data={"email": coordinator.email, "password": "guess guess guess"},
            environ_base=elsewhere,
        )
    # The account is held for everyone without the cookie, wherever they are...
    held = attacker.post("/account/login", data={"email": coordinator.email, "password": PASSWORD})
    assert held.status_code == 429
    # ...while the person's own browser, holding the known-device cookie, gets in.
    assert (
        own_browser.post(
            "/account/login", data={"email": coordinator.email, "password": PASSWORD}
        ).status_code
        == 302
    )
