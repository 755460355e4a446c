"""The mailbox screen in a real browser: login, the demo inbox, bulk actions."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.browser.conftest import PHONE, Tab
from tests.browser.support import DEMO_PASSWORD, OPERATION, ApiClient, DemoServer

ROWS = "section.mailbox tbody tr"


def test_login_shows_demo_inbox(
    open_tab: Callable[..., Tab], api_as: Callable[[str], ApiClient]
) -> None:
    tab = open_tab()
    tab.open("/")
    tab.page.wait_for_selector("#login-username")
    tab.screenshot("01-login")
    tab.login("ocu-minh")
    page = tab.page
    expected = api_as("ocu-minh").get(f"/operations/{OPERATION}/mailbox", limit=50)

    assert page.text_content("#operation-info .operation-name") == "Mekong Dragon II"
    assert page.text_content("#operation-info .operation-role") == "OCU · VN"
    assert page.locator(ROWS).count() == len(expected["items"])
    first = expected["items"][0]
    first_row = page.locator(ROWS).first
    assert first_row.get_attribute("data-item-id") == first["id"]
    subject_link = first_row.locator(".col-subject a")
    assert subject_link.evaluate("link => link.firstChild.data") == first["subject"]
    assert first_row.locator(".col-country").inner_text() == first["sender"]["country"]
    assert first_row.locator("time").get_attribute("title").endswith(" UTC")

    unread = page.locator(f"{ROWS}.unread")
    assert unread.count() == sum(1 for item in expected["items"] if not item["read"])
    unread_label = unread.first.locator(".col-subject .visually-hidden")
    assert unread_label.text_content() == " (unread)"
    assert (
        unread.first.locator("td").first.evaluate(
            "cell => getComputedStyle(cell).fontWeight"
        )
        == "700"
    )
    inbox_count = page.locator("[data-count='mailbox/inbox']")
    inbox_count.filter(has_text=str(expected["unread_count"])).wait_for()
    tab.screenshot("02-mailbox")


def test_bulk_archive_and_restore(
    open_tab: Callable[..., Tab], api_as: Callable[[str], ApiClient]
) -> None:
    api = api_as("ncp-la")
    tab = open_tab()
    tab.login("ncp-la")
    page = tab.page
    chosen = [
        page.locator(ROWS).nth(index).get_attribute("data-item-id") for index in (0, 2)
    ]
    for item_id in chosen:
        page.check(f"tr[data-item-id='{item_id}'] input[type=checkbox]")
    assert page.text_content(".selected-note") == "2 selected"

    page.click(".bulk-toolbar button[data-action=archive]")
    for item_id in chosen:
        page.wait_for_selector(f"tr[data-item-id='{item_id}']", state="detached")
    archived = {item["id"] for item in api.mailbox("archive")}
    assert set(chosen) <= archived
    inbox = {item["id"] for item in api.mailbox("inbox")}
    assert not set(chosen) & inbox

    page.click("a[data-nav='mailbox/archive']")
    page.wait_for_selector("section.mailbox[data-folder=archive] tbody tr")
    assert page.locator(ROWS).count() == len(archived)
    page.click(".bulk-toolbar button:text-is('Select all')")
    assert page.text_content(".selected-note") == f"{len(archived)} selected"
    page.click(".bulk-toolbar button:text-is('Select none')")
    assert page.text_content(".selected-note") == "None selected"
    assert page.locator(f"{ROWS} input:checked").count() == 0

    page.click(".bulk-toolbar button:text-is('Select all')")
    page.click(".bulk-toolbar button[data-action=restore]")
    page.wait_for_selector("section.mailbox .empty:not([hidden])")
    assert api.mailbox("archive") == []
    inbox = {item["id"] for item in api.mailbox("inbox")}
    assert set(chosen) <= inbox


def test_read_state_from_checkboxes_and_live(
    open_tab: Callable[..., Tab], api_as: Callable[[str], ApiClient]
) -> None:
    api = api_as("la-bounmy")
    tab = open_tab()
    tab.login("la-bounmy")
    page = tab.page
    unread = page.locator(f"{ROWS}.unread")
    first_id = unread.nth(0).get_attribute("data-item-id")
    second_id = unread.nth(1).get_attribute("data-item-id")
    page.check(f"tr[data-item-id='{first_id}'] input[type=checkbox]")
    page.click(".bulk-toolbar button[data-action=read]")

    page.wait_for_selector(f"tr.read[data-item-id='{first_id}']")
    states = {item["id"]: item["read"] for item in api.mailbox()}
    assert states[first_id] is True

    response = api.client.patch(
        f"/operations/{OPERATION}/mailbox/{second_id}", json={"read": True}
    )
    assert response.status_code == 200
    page.wait_for_selector(f"tr.read[data-item-id='{second_id}']")


def test_phone_width_has_no_sideways_scroll(open_tab: Callable[..., Tab]) -> None:
    tab = open_tab(viewport=PHONE)
    tab.login("th-sudarat")
    page = tab.page
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    first_subject = page.locator(f"{ROWS} .col-subject").first
    assert first_subject.bounding_box()["width"] > 200
    tab.screenshot("03-mailbox-phone")
    page.locator(f"{ROWS} .col-subject a").first.click()
    page.wait_for_selector(".message-body")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    tab.screenshot("04-message-phone")
    page.click("a[data-nav=compose]")
    page.wait_for_selector("form.compose-form")
    page.select_option("select[name=type]", "seizure")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    tab.screenshot("04b-compose-phone")


def test_load_more_pages(
    open_tab: Callable[..., Tab], api_as: Callable[[str], ApiClient]
) -> None:
    sender = api_as("ncp-th")
    target = sender.member_id("kh-sophea")
    for number in range(1, 56):
        sender.send(
            type="message",
            subject=f"Paging test {number}",
            body="One of many.",
            recipients={"users": [target]},
        )
    expected = [item["id"] for item in api_as("kh-sophea").mailbox()]
    tab = open_tab()
    tab.login("kh-sophea")
    page = tab.page
    assert page.locator(ROWS).count() == 50
    page.click("section.mailbox button.more")
    page.wait_for_selector("section.mailbox button.more", state="hidden")

    rows = page.locator(ROWS)
    listed = [
        rows.nth(index).get_attribute("data-item-id") for index in range(rows.count())
    ]
    assert listed == expected


def test_keyboard_login_reload_and_logout(
    open_tab: Callable[..., Tab], demo_server: DemoServer
) -> None:
    tab = open_tab()
    page = tab.page
    tab.open("/")
    page.wait_for_selector("#login-username:focus")
    page.keyboard.type("VN-AN")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector(f"{ROWS}")
    assert page.evaluate("document.activeElement.id") == "mailbox-title"
    refresh_token = page.evaluate("sessionStorage.getItem('cencomm.refresh_token')")
    assert refresh_token
    assert page.evaluate("localStorage.length") == 0

    page.reload()
    page.wait_for_selector(f"{ROWS}")
    assert page.locator("#login-username").count() == 0
    rotated = page.evaluate("sessionStorage.getItem('cencomm.refresh_token')")
    assert rotated != refresh_token

    page.click("#logout")
    page.wait_for_selector("#login-username")
    assert page.evaluate("sessionStorage.getItem('cencomm.refresh_token')") is None
    response = httpx.post(
        f"{demo_server.base_url}/api/v1/auth/refresh", json={"refresh_token": rotated}
    )
    assert response.status_code == 401


def test_admin_without_membership(open_tab: Callable[..., Tab]) -> None:
    tab = open_tab()
    page = tab.page
    tab.open("/")
    page.fill("#login-username", "demo-admin")
    page.fill("#login-password", DEMO_PASSWORD)
    page.click("form.login-form button[type=submit]")
    page.wait_for_selector(".operation-list li")
    assert "not a member of any operation" in page.text_content(".operation-list")
    assert page.is_hidden("#nav")
