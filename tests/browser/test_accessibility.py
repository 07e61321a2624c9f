"""axe-core (WCAG 2.0-2.2 A/AA rules) on every public page and the main staff pages, at desktop
and 375 px mobile widths: no serious or critical violation anywhere (issue 8).

The staff inbox's pages are checked the same way in tests/browser/test_inbox.py (branch inbox).
"""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import (
    LiveServer,
    StaffLogin,
    axe_violations,
    describe,
    log_in,
)

PUBLIC_PAGES = {
    "home": "/",
    "results": "/search?near=02139",
    "results, Spanish": "/search?near=02139&lang=es",
    "empty state": "/search?near=02139&q=zzqxjv",
    "place not found": "/search?near=Nowhereville+ZZ",
    "error page": "/services/no-such-listing",
    "simulator": "/simulator",
    "staff login": "/account/login",
}
PORTAL_PAGES = {
    "listings": "/portal/",
    "listing form": "/portal/services/new",
    "import": "/portal/import",
    "organizations": "/portal/organizations/",
    "needs re-verification": "/portal/reverify",
    "account": "/account/",
}


# Pages that answer with an error status on purpose.
EXPECTED_STATUS = {"error page": 404, "place not found": 422}


def check_pages(pages: list[Any], base: str, paths: dict[str, str]) -> dict[str, str]:
    """Run axe on each path at each width; return the failures by page and width."""
    failures: dict[str, str] = {}
    for page in pages:
        width = page.viewport_size["width"]
        for name, path in paths.items():
            response = page.goto(base + path)
            assert response.status == EXPECTED_STATUS.get(name, 200), f"{name}: {response.status}"
            violations = axe_violations(page)
            if violations:
                failures[f"{name} at {width}px"] = describe(violations)
    return failures


def test_public_pages_have_no_serious_accessibility_violations(
    axe_pages: list[Any], live_server: LiveServer
) -> None:
    pages = dict(PUBLIC_PAGES)
    axe_pages[0].goto(live_server.url + "/search?near=02139")
    pages["listing detail"] = axe_pages[0].locator(".hit-name a").first.get_attribute("href")
    assert check_pages(axe_pages, live_server.url, pages) == {}


def test_portal_pages_have_no_serious_accessibility_violations(
    axe_pages: list[Any], live_server: LiveServer, staff_login: Any
) -> None:
    admin: StaffLogin = staff_login("admin")
    pages = dict(PORTAL_PAGES)
    for page in axe_pages:
        log_in(page, live_server, admin)
    axe_pages[0].goto(live_server.url + "/portal/")
    pages["listing (staff view)"] = axe_pages[0].locator("tbody a").first.get_attribute("href")
    assert check_pages(axe_pages, live_server.url, pages) == {}


def test_the_axe_check_reports_a_planted_violation(
    axe_pages: list[Any], live_server: LiveServer
) -> None:
    # The control for the tests above: an image without a text alternative and a button
    # without a name are caught, so "no violations" there means none, not a harness that
    # never looked.
    page = axe_pages[1]
    page.goto(live_server.url + "/")
    page.evaluate(
        """() => {
          const img = document.createElement('img');
          img.src = '/static/vendor/leaflet/images/marker-icon.png';
          document.querySelector('main').append(img, document.createElement('button'));
        }"""
    )
    found = {violation["id"] for violation in axe_violations(page)}
    assert {"image-alt", "button-name"} <= found, found
