"""Fixtures of the browser tests: Chromium, the demo server, guarded tabs.

The browser and the server live for this package only. Playwright's sync API
marks its own event loop as running between calls, so it must be closed
before the async tests of other packages run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browser.support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CSP_RECORDER,
    DEMO_PASSWORD,
    JWT_PREFIX,
    SCREENSHOTS,
    ApiClient,
    DemoServer,
    PageGuard,
    browser_skip_reason,
    demo_server_environment,
)

# Set to 1 where the browser tests must run, so that a missing browser fails
# instead of skipping them.
REQUIRE_BROWSER_VARIABLE = "CENCOMM_TEST_REQUIRE_BROWSER"
DEFAULT_TIMEOUT_MS = 20_000
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="package")
def browser_available() -> None:
    """Skip without Playwright or Chromium, or fail if CI requires the browser."""
    reason = browser_skip_reason()
    if reason is None:
        return
    message = f"browser tests need Playwright and Chromium: {reason}"
    if os.environ.get(REQUIRE_BROWSER_VARIABLE) == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="package")
def browser(browser_available: None) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="package")
def demo_server(
    browser_available: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoServer]:
    data_dir = tmp_path_factory.mktemp("browser-server")
    server = DemoServer(
        data_dir=data_dir, environment=demo_server_environment(data_dir)
    )
    server.start()
    yield server
    server.stop()


@dataclass
class Tab:
    """One browser context with one page, guarded against outside requests."""

    context: Any
    page: Any
    guard: PageGuard
    base_url: str

    def open(self, path: str = "/") -> None:
        self.page.goto(self.base_url + path)

    def login(self, username: str) -> None:
        """Log in on the start page and wait for the inbox to be live."""
        self.open("/")
        self.page.fill("#login-username", username)
        self.page.fill("#login-password", DEMO_PASSWORD)
        self.page.click("form.login-form button[type=submit]")
        self.page.wait_for_selector("section.mailbox[data-folder=inbox] tbody tr")
        self.wait_live()

    def wait_live(self) -> None:
        self.page.wait_for_selector("#live-status[data-state=live]")

    def screenshot(self, name: str, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def csp_violations(self) -> list[str]:
        return list(self.page.evaluate("window.__cspViolations || []"))


@pytest.fixture
def open_tab(browser: Any, demo_server: DemoServer) -> Iterator[Callable[..., Tab]]:
    """Open guarded tabs; at the end, check that none reached another host."""
    tabs: list[Tab] = []

    def open_new(viewport: dict[str, int] | None = None) -> Tab:
        context = browser.new_context(
            viewport=viewport or DESKTOP, accept_downloads=True
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        guard = PageGuard()
        context.route("**/*", guard.route)
        context.add_init_script(CSP_RECORDER)
        page = context.new_page()
        page.on("pageerror", lambda error: guard.page_errors.append(str(error)))
        page.on("websocket", lambda socket: guard.urls.append(socket.url))
        tab = Tab(
            context=context, page=page, guard=guard, base_url=demo_server.base_url
        )
        tabs.append(tab)
        return tab

    yield open_new

    violations = {
        id(tab): tab.csp_violations() for tab in tabs if not tab.page.is_closed()
    }
    for tab in tabs:
        tab.context.close()
    for tab in tabs:
        assert tab.guard.blocked == [], "requests to other hosts were attempted"
        with_token = [url for url in tab.guard.urls if JWT_PREFIX in url]
        assert with_token == [], "a token was put into a URL"
        assert tab.guard.page_errors == [], "the page raised uncaught errors"
        assert violations.get(id(tab), []) == [], "the page violated the CSP"


@pytest.fixture
def api_as(demo_server: DemoServer) -> Iterator[Callable[[str], ApiClient]]:
    """Log in to the REST API as a demo user."""
    clients: list[ApiClient] = []

    def login(username: str) -> ApiClient:
        client = ApiClient(demo_server.base_url, username)
        clients.append(client)
        return client

    yield login
    for client in clients:
        client.close()
