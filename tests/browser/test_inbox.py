"""The staff inbox in a real browser: CSP-clean pages, live refresh, no serious axe violations."""

from __future__ import annotations

import sqlite3
import time
import urllib.parse
import urllib.request
from contextlib import closing
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, axe_violations, describe, screenshot
from tests.staff import PASSWORD


def _text(server: LiveServer, body: str, from_: str, sid: str) -> None:
    # The development server runs the console backend without a token: unsigned posts are taken.
    data = urllib.parse.urlencode(
        {"MessageSid": sid, "From": from_, "To": "+16175550100", "Body": body}
    ).encode()
    with urllib.request.urlopen(f"{server.url}/sms/inbound", data=data, timeout=10) as response:
        assert response.status == 200


@pytest.fixture(scope="module")
def inbox_server(live_server: LiveServer) -> LiveServer:
    live_server.flask(
        "users", "create", "--email", "remy@example.org", "--role", "responder",
        "--phone", "+16175550142", "--name", "Remy", input_text=PASSWORD + "\n",
    )  # fmt: skip
    _text(live_server, "I want to end my life", "+16175550181", "SM" + "1" * 32)
    _wait_until_the_page_is_sent(live_server)
    return live_server


def _wait_until_the_page_is_sent(server: LiveServer) -> None:
    # The server's worker thread sends the page with a few commits. On SQLite a login that read
    # before one of those commits cannot write after it ("database is locked": the accounts
    # service does not take the write lock first), so the tests log in once the worker is idle.
    path = server.env["DATABASE_URL"].removeprefix("sqlite:///")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with closing(sqlite3.connect(path, timeout=10)) as connection:
            waiting = connection.execute(
                "SELECT count(*) FROM outbox_message WHERE status IN ('pending', 'claimed')"
            ).fetchone()[0]
        if waiting == 0:
            return
        time.sleep(0.1)
    raise AssertionError("the live server's worker never sent the page")


def _log_in(page: Any, server: LiveServer) -> None:
    page.goto(server.url + "/account/login")
    page.get_by_label("Email").fill("remy@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # Generous: argon2 and the first request of the dev server are slow on a loaded machine.
    page.wait_for_url(lambda url: "/account/login" not in url, timeout=30_000)


def test_a_responder_opens_the_alert_and_acknowledges_it(
    page: Any, inbox_server: LiveServer
) -> None:
    _log_in(page, inbox_server)
    page.goto(inbox_server.url + "/inbox/")
    page.get_by_role("link", name="URGENT").first.click()
    # wait_for, not is_visible: the click's navigation may still be on its way.
    page.get_by_role("heading", name="Conversation").wait_for()
    page.get_by_text("I want to end my life", exact=True).wait_for()
    screenshot(page, "inbox-alert")
    page.get_by_role("button", name="Acknowledge (it's mine)").click()
    page.get_by_text("Acknowledged: the alert is yours.").wait_for()
    assert page.csp_violations == []


@pytest.mark.slow
def test_the_queue_refreshes_itself_when_a_new_alert_arrives(
    page: Any, inbox_server: LiveServer
) -> None:
    _log_in(page, inbox_server)
    page.goto(inbox_server.url + "/inbox/")
    _text(inbox_server, "I cant breathe, chest pain", "+16175550182", "SM" + "2" * 32)
    page.get_by_text("…0182").wait_for(timeout=25_000)
    _wait_until_the_page_is_sent(inbox_server)
    assert page.csp_violations == []


def test_inbox_pages_have_no_serious_accessibility_violations(
    axe_pages: list[Any], inbox_server: LiveServer
) -> None:
    for each in axe_pages:
        _log_in(each, inbox_server)
        each.goto(inbox_server.url + "/inbox/")
        alert_link = each.get_by_role("link", name="URGENT").first.get_attribute("href")
        for path in ("/inbox/", alert_link, "/inbox/dashboard"):
            each.goto(inbox_server.url + path)
            violations = axe_violations(each)
            assert violations == [], f"{path}: {describe(violations)}"
