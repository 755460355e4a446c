"""Drafts, the messages database and the container search in a real browser."""

from __future__ import annotations

from collections.abc import Callable

from tests.browser.conftest import Tab
from tests.browser.support import OPERATION, ApiClient

CONTAINER = "MSCU6634879"


def result_ids(tab: Tab) -> list[str | None]:
    rows = tab.page.locator(".message-table tbody tr")
    return [
        rows.nth(index).get_attribute("data-message-id")
        for index in range(rows.count())
    ]


def test_draft_saved_listed_and_sent(
    open_tab: Callable[..., Tab], api_as: Callable[[str], ApiClient]
) -> None:
    api = api_as("th-nattapong")
    tab = open_tab()
    tab.login("th-nattapong")
    page = tab.page
    page.click("a[data-nav=compose]")
    page.wait_for_selector("form.compose-form")
    page.fill("input[name=subject]", "Draft: truck plates to check")
    page.fill("textarea[name=body]", "70-1234 and 70-5678\nboth at Nong Khai")
    page.check("input[name=recipient-country][value=LA]")
    page.click("button:text-is('Save as draft')")
    page.wait_for_selector(".form-status:has-text('Draft saved')")

    page.click("a[data-nav=drafts]")
    row = page.locator(".drafts-table tbody tr")
    row.first.wait_for()
    assert row.count() == 1
    assert page.text_content(".list-status") == "1 draft."
    tab.screenshot("14-drafts")
    row.locator("a:text-is('Draft: truck plates to check')").click()
    page.wait_for_selector("form.compose-form")
    assert page.input_value("input[name=subject]") == "Draft: truck plates to check"
    assert (
        page.input_value("textarea[name=body]")
        == "70-1234 and 70-5678\nboth at Nong Khai"
    )
    assert page.is_checked("input[name=recipient-country][value=LA]")
    page.click("form.compose-form button[type=submit]")

    page.wait_for_selector(".message-view .notice.success")
    drafts = api.get(f"/operations/{OPERATION}/drafts")
    assert drafts["count"] == 0
    sent = api.mailbox("sent")
    assert sent[0]["subject"] == "Draft: truck plates to check"


def test_search_filters_match_api(
    open_tab: Callable[..., Tab], api_as: Callable[[str], ApiClient]
) -> None:
    api = api_as("ncp-vn")
    tab = open_tab()
    tab.login("ncp-vn")
    page = tab.page
    page.click("a[data-nav=search]")
    page.fill("input[name=q]", "pangolin")
    page.select_option("select[name=type]", "seizure")
    page.click("form.search-form button[type=submit]")
    page.wait_for_selector(".results .list-status:has-text('message')")

    expected = api.get(
        f"/operations/{OPERATION}/messages", q="pangolin", type="seizure", limit=50
    )
    assert result_ids(tab) == [message["id"] for message in expected["items"]]
    assert expected["items"], "the demo has pangolin seizures"
    assert "q=pangolin" in page.url
    tab.screenshot("15-search")

    page.fill("input[name=since]", "2030-01-02")
    page.fill("input[name=until]", "2030-01-01")
    page.click("form.search-form button[type=submit]")
    until_error = page.locator(".field:has(input[name=until]) .field-error")
    assert until_error.text_content() == "is before the start date 2030-01-02"


def test_container_search(
    open_tab: Callable[..., Tab], api_as: Callable[[str], ApiClient]
) -> None:
    api = api_as("ncp-th")
    tab = open_tab()
    tab.login("ncp-th")
    page = tab.page
    page.click("a[data-nav=containers]")
    page.fill("input[name=container]", "mscu 663487 9")
    page.click("form.container-form button[type=submit]")
    page.wait_for_selector(".results .list-status:has-text('message')")

    expected = api.get(f"/operations/{OPERATION}/containers/{CONTAINER}", limit=50)
    assert page.input_value("input[name=container]") == CONTAINER
    assert result_ids(tab) == [message["id"] for message in expected["items"]]
    assert page.url.endswith(f"/containers/{CONTAINER}")
    tab.screenshot("16-containers")

    page.fill("input[name=container]", "MSCU6634870")
    page.click("form.container-form button[type=submit]")
    error = page.locator("form.container-form .field-error")
    assert (
        error.text_content() == "'MSCU6634870' has check digit 0; ISO 6346 requires 9"
    )
    assert page.get_attribute("input[name=container]", "aria-invalid") == "true"
