"""The SMS front door through the phone simulator, and the staff inbox answering a crisis.

Each test texts from its own number so the threads never mix.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import MOBILE, LiveServer, StaffLogin, log_in, new_page

# The DESIGN §7 words for a self-harm crisis.
CRISIS = "I don't want to live anymore, I want to end my life"


def use_number(page: Any, live_server: LiveServer, number: str) -> None:
    page.goto(live_server.url + "/simulator")
    page.get_by_label("Phone number").fill(number)
    with page.expect_navigation():
        page.get_by_role("button", name="Use this number").click()
    assert page.get_by_label("Phone number").input_value() == number


def text(page: Any, body: str) -> list[str]:
    """Send `body` from the simulated phone; return the hub's answers to it, in order."""
    page.get_by_label("Message").fill(body)
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()
    lines = page.locator("#sim-thread li").evaluate_all(
        "items => items.map(li => [li.className, li.querySelector('.sim-body').innerText])"
    )
    last_in = max(i for i, (kind, _) in enumerate(lines) if kind == "sim-in")
    assert lines[last_in][1] == body
    answers = [line for kind, line in lines[last_in + 1 :] if kind == "sim-out"]
    assert answers, f"no answer to {body!r}"
    return answers


def test_texting_a_zip_from_the_simulator_gets_three_nearby_listings(
    mobile_page: Any, live_server: LiveServer
) -> None:
    use_number(mobile_page, live_server, "+16175550161")
    # A first text also gets the welcome, first: what the hub is, HELP and STOP.
    welcome, answer = text(mobile_page, "02139")
    assert welcome.startswith("Support Hub: Welcome.") and "STOP" in welcome
    assert answer.startswith("Support Hub: Near Cambridge")
    lines = answer.split("\n")
    assert [line[:3] for line in lines[1:4]] == ["1) ", "2) ", "3) "], answer
    assert all(line.endswith(" mi") for line in lines[1:4]), answer
    assert "Reply 1-3 for details" in answer
    # Asking for details of the first one answers with that listing.
    (details,) = text(mobile_page, "1")
    first_name = lines[1].removeprefix("1) ").split(" - ")[0]
    assert first_name in details
    assert mobile_page.csp_violations == []


def test_a_crisis_text_gets_the_988_answer_in_the_simulator(
    page: Any, live_server: LiveServer
) -> None:
    use_number(page, live_server, "+16175550162")
    answer = text(page, CRISIS)[0]
    assert "988" in answer and "911" in answer
    assert re.search(r"A person from (the hub|Support Hub) has been told\.", answer), answer


def test_checkin_asks_for_consent_and_yes_confirms(page: Any, live_server: LiveServer) -> None:
    use_number(page, live_server, "+16175550163")
    ask = text(page, "CHECKIN")[-1]
    # DESIGN §6: program name, frequency, rates, HELP and STOP in the consent request.
    for words in ("Support Hub", "YES", "HELP", "STOP", "Msg&data rates may apply"):
        assert words in ask, ask
    assert re.search(r"week", ask, re.IGNORECASE), ask
    confirmed = text(page, "YES")[-1]
    assert confirmed != ask and "did not understand" not in confirmed, confirmed
    assert "STOP" in confirmed or "PAUSE" in confirmed, confirmed


def test_a_responder_acknowledges_replies_to_and_resolves_a_crisis_alert(
    page: Any, browser: Any, live_server: LiveServer, staff_login: Any
) -> None:
    responder: StaffLogin = staff_login("responder")
    staff = new_page(browser, MOBILE)
    try:
        log_in(staff, live_server, responder)
        assert staff.goto(live_server.url + "/inbox/").status == 200

        use_number(page, live_server, "+16175550164")
        assert "988" in text(page, CRISIS)[0]

        staff.reload()
        # The queue shows the alert by level in words and the number's last digits only.
        staff.locator("tr", has_text="…0164").get_by_role("link", name="URGENT").click()
        staff.get_by_role("heading", name="Conversation").wait_for()
        staff.get_by_text(CRISIS, exact=True).wait_for()
        staff.get_by_role("button", name="Acknowledge (it's mine)").click()
        staff.get_by_text("Acknowledged: the alert is yours.").wait_for()

        reply = "This is Remy from the hub. I'm here with you; can I call you now?"
        staff.get_by_label("Text to the person").fill(reply)
        staff.get_by_role("button", name="Send text").click()
        staff.get_by_text("Reply queued").wait_for()
        # The reply reaches the phone through the outbox and the worker beside the server
        # (the simulator's page refreshes its thread by itself).
        expect(page.locator("#sim-thread li.sim-out .sim-body").last).to_contain_text(
            "I'm here with you", timeout=30_000
        )

        outcome = staff.get_by_label("Outcome")
        outcome.select_option(value=outcome.locator("option").nth(1).get_attribute("value"))
        staff.get_by_label("What happened and what was done").fill(
            "Called; safe with her sister tonight."
        )
        staff.get_by_role("button", name="Resolve").click()
        staff.get_by_text("Resolved.", exact=True).wait_for()
        assert "resolved" in staff.get_by_role("heading", level=1).inner_text()
        assert staff.csp_violations == []
    finally:
        staff.context.close()
