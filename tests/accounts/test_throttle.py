"""Login throttling: ≤ 10 failures per 15 minutes per account and per IP, with time passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

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


def test_ten_failures_hold_an_account_until_the_window_has_passed(coordinator: User) -> None:
    # Spread over many IPs, as a distributed guesser would.
    for i in range(9):
        assert not fail(
            coordinator.email, ip=f"198.51.100.{i}", at=T0 + timedelta(seconds=i)
        ).throttled
    # Nine failures still let the real user in (and a success does not reset the count).
    assert services.authenticate(
        coordinator.email, PASSWORD, ip="192.0.2.7", now=T0 + timedelta(minutes=1)
    )
    fail(coordinator.email, ip="198.51.100.9", at=T0 + timedelta(minutes=2))

    # The tenth failure holds the account: even the right password is not checked.
    with pytest.raises(LoginRefused) as held:
        services.authenticate(
            coordinator.email, PASSWORD, ip="192.0.2.7", now=T0 + timedelta(minutes=5)
        )
    assert held.value.throttled
    assert held.value.retry_after == timedelta(minutes=10)

    # It lifts by itself once the oldest failure is 15 minutes old.
    result = services.authenticate(
        coordinator.email, PASSWORD, ip="192.0.2.7", now=T0 + timedelta(minutes=15, seconds=1)
    )
    assert result.user.id == coordinator.id


def test_ten_failures_from_one_ip_hold_that_ip_but_not_known_devices_or_other_networks(
    coordinator: User, admin: User
) -> None:
    earlier = services.authenticate(
        coordinator.email, PASSWORD, ip="192.0.2.7", now=T0 - timedelta(days=1)
    )
    # Colleagues behind the same hospital NAT mistype their own passwords.
    for i in range(10):
        fail(f"colleague{i}@example.org", ip="192.0.2.7", at=T0 + timedelta(seconds=i))

    with pytest.raises(LoginRefused) as held:
        services.authenticate(admin.email, PASSWORD, ip="192.0.2.7", now=T0 + timedelta(minutes=1))
    assert held.value.throttled
    assert "your network" in held.value.message
    # Another network is not affected...
    assert services.authenticate(
        admin.email, PASSWORD, ip="192.0.2.1", now=T0 + timedelta(minutes=1)
    )
    # ...nor a browser that has logged in to its account before.
    result = services.authenticate(
        coordinator.email,
        PASSWORD,
        ip="192.0.2.7",
        device=earlier.device,
        now=T0 + timedelta(minutes=1),
    )
    assert result.user.id == coordinator.id


def test_a_known_device_gets_past_an_account_hold_and_has_its_own_limit(
    coordinator: User, admin: User
) -> None:
    earlier = services.authenticate(
        coordinator.email, PASSWORD, ip="192.0.2.7", now=T0 - timedelta(days=3)
    )
    admins_device = services.authenticate(
        admin.email, PASSWORD, ip="192.0.2.8", now=T0 - timedelta(days=3)
    ).device
    for i in range(10):
        fail(coordinator.email, ip=f"198.51.100.{i}", at=T0 + timedelta(seconds=i))

    # The person's own browser gets in although the account is held for everyone else...
    result = services.authenticate(
        coordinator.email,
        PASSWORD,
        ip="192.0.2.7",
        device=earlier.device,
        now=T0 + timedelta(minutes=1),
    )
    assert result.user.id == coordinator.id
    # ...but a device cookie from another account does not help.
    with pytest.raises(LoginRefused) as held:
        services.authenticate(
            coordinator.email,
            PASSWORD,
            ip="192.0.2.8",
            device=admins_device,
            now=T0 + timedelta(minutes=1),
        )
    assert held.value.throttled

    # A stolen device cookie gets ten guesses per window, like anyone else.
    for i in range(10):
        fail(
            coordinator.email,
            ip=f"203.0.113.{i}",
            at=T0 + timedelta(minutes=2, seconds=i),
            device=earlier.device,
        )
    with pytest.raises(LoginRefused) as device_held:
        services.authenticate(
            coordinator.email,
            PASSWORD,
            ip="192.0.2.7",
            device=earlier.device,
            now=T0 + timedelta(minutes=3),
        )
    assert device_held.value.throttled


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


def test_over_http_a_held_account_answers_429_but_its_owners_browser_gets_in(
    app, coordinator: User, clock: Clock
) -> None:
    own_browser = app.test_client()
    attacker = app.test_client()
    elsewhere = {"REMOTE_ADDR": "198.51.100.7"}
    assert (
        own_browser.post(
            "/account/login", data={"email": coordinator.email, "password": PASSWORD}
        ).status_code
        == 302
    )
    own_browser.post("/account/logout")
    for _ in range(10):
        wrong = attacker.post(
            "/account/login",
            data={"email": coordinator.email, "password": "guess guess guess"},
            environ_base=elsewhere,
        )
        assert wrong.status_code == 401
    held = attacker.post("/account/login", data={"email": coordinator.email, "password": PASSWORD})
    assert held.status_code == 429
    assert int(held.headers["Retry-After"]) > 800
    assert "Too many failed logins" in held.get_data(as_text=True)
    # The person's own browser, holding the known-device cookie, gets in.
    assert (
        own_browser.post(
            "/account/login", data={"email": coordinator.email, "password": PASSWORD}
        ).status_code
        == 302
    )
    # Fifteen minutes on, anyone with the password does.
    clock.advance(minutes=15, seconds=1)
    assert (
        attacker.post(
            "/account/login", data={"email": coordinator.email, "password": PASSWORD}
        ).status_code
        == 302
    )


def test_behind_a_trusted_proxy_the_forwarded_client_ip_is_counted(
    settings_overrides: dict[str, str], coordinator: User
) -> None:
    from support_hub import create_app

    behind_balancer = create_app({**settings_overrides, "TRUSTED_PROXIES": "1"}).test_client()
    for i in range(10):
        behind_balancer.post(
            "/account/login",
            data={"email": f"guess{i}@example.org", "password": "guess guess guess"},
            headers={"X-Forwarded-For": "198.51.100.66"},
        )
    held = behind_balancer.post(
        "/account/login",
        data={"email": coordinator.email, "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.66"},
    )
    assert held.status_code == 429
    # Another client behind the same balancer is not held.
    other = behind_balancer.post(
        "/account/login",
        data={"email": coordinator.email, "password": PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.20"},
    )
    assert other.status_code == 302
    assert {f.ip for f in db.session.query(LoginFailure)} == {"198.51.100.66"}


@pytest.mark.parametrize("value", ["-1", "two", "9"])
def test_trusted_proxies_must_be_a_small_whole_number(
    settings_overrides: dict[str, str], value: str
) -> None:
    from support_hub.config import ConfigError, load_settings

    with pytest.raises(ConfigError) as refused:
        load_settings({**settings_overrides, "TRUSTED_PROXIES": value})
    assert refused.value.variable == "TRUSTED_PROXIES"
