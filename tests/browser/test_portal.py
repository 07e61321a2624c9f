"""The coordinator's portal in a real browser: a listing from creation to public and verified;
logging out; an idle session sending the person back to the login page."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.browser.conftest import LiveServer, StaffLogin, log_in


def test_coordinator_creates_a_listing_sees_it_public_verifies_it_and_logs_out(
    page: Any, live_server: LiveServer, staff_login: Any
) -> None:
    coordinator: StaffLogin = staff_login("coordinator")
    log_in(page, live_server, coordinator)
    assert page.url.endswith("/portal/")

    page.get_by_role("link", name="Add a listing").click()
    organization = page.get_by_label("Organization")
    first_org = organization.locator("option").nth(1)
    organization.select_option(value=first_org.get_attribute("value"))
    page.get_by_label("Service name").fill("Lantern Circle Browser Group")
    page.get_by_role("textbox", name="Description").fill("A weekly circle for people with MBC.")
    page.get_by_label("Category").select_option(label="Support group")
    page.get_by_label("Patients").check()
    page.get_by_label("In person").check()
    page.get_by_label("Free").check()
    page.get_by_label("How to join").fill("Call to register.")
    page.get_by_role("textbox", name="Phone").fill("(617) 555-0177")
    page.get_by_label("When it meets", exact=True).fill("Thursdays, 6–7:30 pm")
    page.get_by_role("button", name="Save listing").click()
    page.wait_for_url(re.compile(r"/portal/services/[0-9a-f-]+$"))
    assert "Saved Lantern Circle Browser Group." in page.locator(".flashes").inner_text()
    portal_url = page.url

    page.get_by_role("link", name="Add a location").click()
    page.get_by_label("Place name").fill("Community Room")
    page.get_by_label("Street address").fill("12 Lantern Way")
    page.get_by_label("City").fill("Cambridge")
    page.get_by_label("State", exact=True).fill("MA")
    page.get_by_label("ZIP code").fill("02139")
    page.get_by_role("button", name=re.compile("Save")).click()
    page.wait_for_url(portal_url)
    assert "Location saved." in page.locator(".flashes").inner_text()

    # The public search finds it near the ZIP, and its page says it is not verified yet.
    page.goto(live_server.url + "/search?near=02139&q=lantern+circle")
    hit = page.locator(".results .hit-name a", has_text="Lantern Circle Browser Group")
    assert hit.count() == 1
    hit.click()
    page.wait_for_url(re.compile(r"/services/"))
    assert page.locator(".listing a.phone").get_attribute("href") == "tel:+16175550177"
    assert page.locator(".verified").inner_text() == "Not yet verified by our team."
    public_url = page.url

    page.goto(portal_url)
    page.get_by_role("button", name="Mark verified today").click()
    page.locator(".flashes").wait_for()
    assert "Marked verified today." in page.locator(".flashes").inner_text()
    today = datetime.now(UTC).date().isoformat()
    assert f"{today} by {coordinator.email}" in page.locator("dl").inner_text()
    page.goto(public_url)
    assert page.locator(".verified").inner_text().startswith("Last verified ")

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/account/login"))
    page.goto(portal_url)
    assert "/account/login?next=" in page.url
    assert page.csp_violations == []


def age_sessions(live_server: LiveServer, email: str, idle: timedelta) -> int:
    """Move the person's open sessions' last activity back by `idle` in the live database.

    The live server is another process, so the tests' settable clock cannot reach it; the
    server measures idleness from the session row, and this is the row as it would be after
    that much time without a request. Returns how many sessions were moved.
    """
    then = (datetime.now(UTC) - idle).strftime("%Y-%m-%d %H:%M:%S.%f")
    with sqlite3.connect(live_server.database) as connection:
        cursor = connection.execute(
            "UPDATE staff_session SET started_at = ?, last_seen_at = ? WHERE ended_at IS NULL"
            " AND user_id = (SELECT id FROM staff_user WHERE email = ?)",
            (then, then, email),
        )
        return cursor.rowcount


def test_a_session_idle_for_16_minutes_sends_the_person_back_to_login(
    page: Any, live_server: LiveServer, staff_login: Any
) -> None:
    coordinator: StaffLogin = staff_login("coordinator")
    log_in(page, live_server, coordinator)
    page.goto(live_server.url + "/portal/reverify")
    assert page.get_by_role("heading", level=1).count() == 1
    assert "/portal/reverify" in page.url

    # 14 minutes idle: still logged in (and the request counts as activity).
    assert age_sessions(live_server, coordinator.email, timedelta(minutes=14)) >= 1
    page.goto(live_server.url + "/portal/reverify")
    assert "/portal/reverify" in page.url

    assert age_sessions(live_server, coordinator.email, timedelta(minutes=16)) >= 1
    page.goto(live_server.url + "/portal/reverify")
    assert "/account/login?next=" in page.url
    assert "Your session has ended. Please log in again." in page.locator(".flashes").inner_text()
    # Logging in again returns to the page the person was on.
    page.get_by_label("Email").fill(coordinator.email)
    page.get_by_label("Password").fill(coordinator.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/portal/reverify$"))
