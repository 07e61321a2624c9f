"""The public search as a person uses it: desktop, a 375 px phone, no JavaScript, keyboard only."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.browser.conftest import MOBILE, LiveServer, new_page, screenshot

TEL = re.compile(r"^tel:\+1\d{10}$")
ZIP_LABEL = "ZIP code, city and state, or address"


def search_filter_and_open_a_listing(page: Any, live_server: LiveServer) -> str:
    """Enter a ZIP, filter by category and delivery, search; return the first listing's name."""
    page.goto(live_server.url + "/")
    page.get_by_label(ZIP_LABEL).fill("02139")
    page.get_by_label("Kind of support").select_option(label="Support group")
    page.get_by_label("How", exact=True).select_option(label="In person")
    with page.expect_navigation():
        page.get_by_role("button", name="Search", exact=True).click()

    query = parse_qs(urlsplit(page.url).query)
    assert (query["near"], query["category"], query["delivery"]) == (
        ["02139"],
        ["support_group"],
        ["in_person"],
    )
    heading = page.locator("#results-heading")
    assert re.search(r"\d+ places? within 25 miles of Cambridge, MA 02139", heading.inner_text())
    hits = page.locator(".results .hit")
    assert hits.count() > 0
    # Every local result is a support group, with a distance, nearest first.
    for meta in hits.locator(".hit-meta").all_inner_texts():
        assert meta.startswith("Support group")
    distances = [float(d.split()[0]) for d in hits.locator(".distance").all_inner_texts()]
    assert distances == sorted(distances) and len(distances) == hits.count()
    return hits.first.locator(".hit-name a").inner_text()


def open_first_listing_and_check_its_phone(page: Any, name: str) -> None:
    page.locator(".results .hit-name a").first.click()
    page.wait_for_url(re.compile(r"/services/"))
    assert page.get_by_role("heading", level=1).inner_text() == name
    phone = page.locator(".listing a.phone").first
    assert phone.is_visible()
    assert TEL.match(phone.get_attribute("href") or ""), phone.get_attribute("href")
    assert phone.inner_text().startswith("Call ")


def test_search_by_zip_filter_open_a_listing_and_its_phone_link_on_desktop(
    page: Any, live_server: LiveServer
) -> None:
    name = search_filter_and_open_a_listing(page, live_server)
    screenshot(page, "search-results-desktop")
    open_first_listing_and_check_its_phone(page, name)
    assert page.csp_violations == []


def test_the_same_search_works_at_375px_without_sideways_scrolling(
    mobile_page: Any, live_server: LiveServer
) -> None:
    name = search_filter_and_open_a_listing(mobile_page, live_server)
    assert mobile_page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    screenshot(mobile_page, "search-results-mobile")
    open_first_listing_and_check_its_phone(mobile_page, name)
    assert mobile_page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    assert mobile_page.csp_violations == []


def test_the_same_search_works_without_javascript(browser: Any, live_server: LiveServer) -> None:
    page = new_page(browser, MOBILE, javascript=False)
    try:
        name = search_filter_and_open_a_listing(page, live_server)
        open_first_listing_and_check_its_phone(page, name)
        # The location button needs JavaScript, so without it it never shows.
        page.goto(live_server.url + "/")
        assert not page.locator(".use-location").is_visible()
    finally:
        page.context.close()


FOCUS_IS_VISIBLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName, text: (el.innerText || el.name || el.id || '').slice(0, 40),
    href: el.getAttribute('href'),
    visible: el.matches(':focus-visible') && style.outlineStyle !== 'none'
             && parseFloat(style.outlineWidth) >= 2,
  };
}"""


def tab_until(page: Any, selector: str, limit: int = 60) -> list[dict[str, Any]]:
    """Press Tab until the focused element matches `selector`; every stop must show its focus."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_IS_VISIBLE)
        stops.append(stop)
        assert stop["visible"], f"focus not visible on {stop}"
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return stops
    raise AssertionError(f"Tab never reached {selector}: {stops}")


def test_search_flow_with_tab_and_enter_only_and_focus_always_visible(
    page: Any, live_server: LiveServer
) -> None:
    page.goto(live_server.url + "/")
    # The first Tab reaches the skip link; Enter on it moves on to the main content.
    first = tab_until(page, ".skip-link", limit=1)
    assert first[0]["href"] == "#main"
    page.keyboard.press("Enter")
    tab_until(page, "#near", limit=1)
    page.keyboard.type("02139")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?.*near=02139"))
    assert "Cambridge, MA 02139" in page.locator("#results-heading").inner_text()

    tab_until(page, ".results .hit-name a")
    name = page.evaluate("document.activeElement.innerText")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/services/"))
    assert page.get_by_role("heading", level=1).inner_text() == name
    tab_until(page, "a.phone")
    assert TEL.match(page.evaluate("document.activeElement.getAttribute('href')"))
