from __future__ import annotations

from typing import Any

from tests.browser.conftest import LiveServer, axe_violations, describe, screenshot


def test_home_page_shows_the_directory_and_the_crisis_line(
    page: Any, live_server: LiveServer
) -> None:
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("main").is_visible()
    assert page.locator("a[href='tel:988']").first.is_visible()
    screenshot(page, "home-desktop")
    assert page.csp_violations == []


def test_home_page_has_no_serious_accessibility_violations(
    axe_pages: list[Any], live_server: LiveServer
) -> None:
    for each in axe_pages:
        each.goto(live_server.url + "/")
        violations = axe_violations(each)
        assert violations == [], describe(violations)
