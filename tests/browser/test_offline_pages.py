"""/docs and the web frontend load nothing from the internet and run under the
server's Content-Security-Policy."""

from __future__ import annotations

from collections.abc import Callable

from tests.browser.conftest import Tab


def test_docs_render_offline(open_tab: Callable[..., Tab]) -> None:
    tab = open_tab()
    page = tab.page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(tab.base_url + "/docs")

    assert "script-src 'self'" in response.headers["content-security-policy"]
    title = page.locator(".swagger-ui .info .title")
    title.wait_for()
    assert title.inner_text().startswith("cencomm-cug")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() > 20
    assert tab.guard.blocked == []
    assert tab.csp_violations() == []
    assert any(url.endswith("/openapi.json") for url in requested)
    tab.screenshot("13-docs", full_page=False)


def test_frontend_loads_only_local_files(open_tab: Callable[..., Tab]) -> None:
    tab = open_tab()
    page = tab.page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(tab.base_url + "/")
    page.wait_for_selector("#login-username")

    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert all(url.startswith(tab.base_url + "/") for url in requested)
    assert any(url.endswith("/web/js/main.js") for url in requested)
    assert tab.guard.blocked == []
    assert tab.csp_violations() == []
