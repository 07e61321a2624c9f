from __future__ import annotations

from typing import Any

from tests.browser.conftest import (
    MOBILE,
    LiveServer,
    axe_violations,
    describe,
    new_page,
    screenshot,
)


def test_search_results_and_listing_pages_have_no_serious_accessibility_violations(
    axe_pages: list[Any], live_server: LiveServer
) -> None:
    for each in axe_pages:
        for path in (
            "/search?near=02139",
            "/search?near=02139&lang=es",
            "/search?near=Cambrige%2C+MA",
            "/search?near=59001&radius_mi=5&category=hospice",
        ):
            each.goto(live_server.url + path)
            violations = axe_violations(each)
            assert violations == [], f"{path}: {describe(violations)}"
        each.goto(live_server.url + "/search?near=02139")
        each.locator(".hits .hit-name a").first.click()
        each.wait_for_load_state()
        assert each.get_by_role("heading", level=1).is_visible()
        violations = axe_violations(each)
        assert violations == [], describe(violations)


def test_searching_works_with_javascript_off(browser: Any, live_server: LiveServer) -> None:
    page = new_page(browser, MOBILE, javascript=False)
    try:
        page.goto(live_server.url + "/")
        page.get_by_label("ZIP code, city and state, or address").fill("Cambridge, MA")
        page.get_by_label("Kind of support").select_option("support_group")
        page.get_by_role("button", name="Search").click()
        page.wait_for_load_state()
        assert "within 25 miles of Cambridge, MA" in page.locator("#results-heading").inner_text()
        assert page.locator(".results .hit").count() > 0
        # The location button needs JavaScript, so it stays hidden rather than broken.
        assert not page.locator(".use-location").is_visible()
        screenshot(page, "search-results-mobile-no-js")
    finally:
        page.context.close()


def test_use_my_location_searches_from_the_browser_position(
    browser: Any, live_server: LiveServer
) -> None:
    context = browser.new_context(
        viewport=MOBILE,
        geolocation={"latitude": 42.3625, "longitude": -71.0862},
        permissions=["geolocation"],
    )
    page = context.new_page()
    csp: list[str] = []
    page.on(
        "console",
        lambda message: (
            csp.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    try:
        page.goto(live_server.url + "/")
        button = page.get_by_role("button", name="Use my location")
        assert button.is_visible()
        button.click()
        page.wait_for_url("**/search?**lat=42.36250**")
        assert page.locator(".results .hit").count() > 0
        assert csp == []
    finally:
        context.close()
