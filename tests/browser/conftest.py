"""Browser tests: Debian's Chromium driven by Playwright against a real server on loopback.

The server is a separate process (`flask run`) with its own SQLite database, migrated and seeded
the way `make run` does it, so these tests see what a person sees. They need `/usr/bin/chromium`
(Debian package `chromium`) and `npm install` in this folder (axe-core); `.ci/run` installs both.
Without them the tests skip and say why.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = HERE.parents[1] / "build" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A staff password the policy accepts (the same one tests/staff.py uses).
PASSWORD = "lantern orchard velvet 7 compass"
MOBILE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            # The server is its own process: it must see committed data, not a test transaction.
            item.add_marker(pytest.mark.real_commits)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class LiveServer:
    url: str
    env: dict[str, str]
    database: Path

    def flask(self, *args: str, input_text: str | None = None) -> str:
        """Run a `flask --app support_hub` command against the live server's database."""
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "support_hub", *args],
            env=self.env,
            input=input_text,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return result.stdout


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    instance = tmp_path_factory.mktemp("live-instance")
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TWILIO_", "DATABASE_URL", "SECRET_KEY", "APP_ENV", "SMS_"))
    }
    env.update(
        {
            "INSTANCE_PATH": str(instance),
            "DATABASE_URL": f"sqlite:///{instance / 'live.db'}",
            "APP_ENV": "development",
            "SMS_BACKEND": "console",
        }
    )
    server = LiveServer(url=f"http://127.0.0.1:{port}", env=env, database=instance / "live.db")
    server.flask("db", "upgrade")
    server.flask("seed")
    log = (instance / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "support_hub",
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-reload",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "live server did not start: " + (instance / "server.log").read_text()
                    ) from None
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium; .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def new_page(
    browser: Any, viewport: dict[str, int], *, javascript: bool = True, for_axe: bool = False
) -> Any:
    """A fresh browser context and page.

    `for_axe` lets the test inject axe-core, which our CSP (rightly) forbids as an inline script.
    Every other page records CSP violations in `page.csp_violations`, so a test can assert the
    page works under the real policy.
    """
    context = browser.new_context(
        viewport=viewport, java_script_enabled=javascript, bypass_csp=for_axe
    )
    # Generous: a fresh server's first search loads the offline ZIP table (seconds on a busy
    # 2-core CI machine); a failing wait costs this only when something is really wrong.
    context.set_default_timeout(30_000)
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.csp_violations = violations
    return page


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    page = new_page(browser, DESKTOP)
    yield page
    page.context.close()


@pytest.fixture
def axe_pages(browser: Any) -> Iterator[list[Any]]:
    """A desktop and a mobile page that may have axe-core injected."""
    pages = [new_page(browser, DESKTOP, for_axe=True), new_page(browser, MOBILE, for_axe=True)]
    yield pages
    for each in pages:
        each.context.close()


@pytest.fixture
def mobile_page(browser: Any) -> Iterator[Any]:
    page = new_page(browser, MOBILE)
    yield page
    page.context.close()


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under build/screenshots/ and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core's WCAG 2.x A/AA rules on the page; return serious and critical violations."""
    if not AXE_JS.exists():
        pytest.skip("axe-core is not installed (npm install in tests/browser; .ci/run does)")
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
            resultTypes: ['violations']})"""
    )
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
    )


@dataclass(frozen=True)
class StaffLogin:
    email: str
    password: str


@pytest.fixture(scope="session")
def staff_login(live_server: LiveServer) -> Callable[[str], StaffLogin]:
    """`staff_login(role)`: an account with that role in the live server's database (made once)."""
    made: dict[str, StaffLogin] = {}

    def get(role: str) -> StaffLogin:
        if role not in made:
            login = StaffLogin(email=f"browser-{role}@example.org", password=PASSWORD)
            live_server.flask(
                "users", "create", "--email", login.email, "--role", role,
                input_text=login.password + "\n",
            )  # fmt: skip
            made[role] = login
        return made[role]

    return get


def log_in(page: Any, live_server: LiveServer, login: StaffLogin) -> None:
    """Log in through the real form, as a person does."""
    page.goto(live_server.url + "/account/login")
    page.get_by_label("Email").fill(login.email)
    page.get_by_label("Password").fill(login.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/account/login" not in url)
