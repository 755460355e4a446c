"""The message screen in a real browser: fields, downloads, and content
carrying markup, which must show as text."""

from __future__ import annotations

from collections.abc import Callable

from tests.browser.conftest import Tab
from tests.browser.support import OPERATION, ApiClient

MARKUP = "<img src=x onerror=alert(1)>"


def test_fields_table_and_download(
    open_tab: Callable[..., Tab], api_as: Callable[[str], ApiClient]
) -> None:
    api = api_as("ocu-lina")
    messages = api.get(f"/operations/{OPERATION}/messages", type="warning", limit=50)
    warning = next(m for m in messages["items"] if m["attachments"])
    attachment = warning["attachments"][0]
    tab = open_tab()
    tab.login("ocu-lina")
    page = tab.page
    tab.open(f"/#/op/{OPERATION}/message/{warning['id']}")
    page.wait_for_selector(".message-body")

    assert page.text_content("#message-title") == warning["subject"]
    sender = page.text_content(".message-meta .sender-name")
    assert sender == warning["sender"]["display_name"]
    commodity = page.locator(".fields-table tr[data-field=commodity] th")
    assert commodity.text_content() == "Commodity"
    assert page.locator(".fields-table caption").text_content() == "Warning"
    assert page.text_content(".body-text") == warning["body"]
    assert page.locator("a.button-like:text-is('Send feedback')").count() == 1

    with page.expect_download() as download_info:
        page.click(f".message-attachments button:has-text('{attachment['filename']}')")
    download = download_info.value
    assert download.url.startswith("blob:")
    assert download.suggested_filename == attachment["filename"]
    with open(download.path(), "rb") as saved:
        assert len(saved.read()) == attachment["size"]
    receipts = page.locator(".receipts tbody tr")
    receipts.first.wait_for()
    assert receipts.count() == warning["recipient_count"]
    tab.screenshot("10-message-view")


def test_markup_shown_as_text(
    open_tab: Callable[..., Tab], api_as: Callable[[str], ApiClient]
) -> None:
    sender = api_as("ncp-mm")
    upload = sender.upload(f"{MARKUP}.txt", b"plain text\n", "text/plain")
    assert upload["filename"] == f"{MARKUP}.txt"
    subject = f"{MARKUP} <b>not bold</b>"
    message = sender.send(
        type="message",
        subject=subject,
        body=f"<p>Hello <b>bold</b> {MARKUP}</p><script>alert(2)</script>",
        body_format="html",
        recipients={"users": [sender.member_id("mm-myint")]},
        attachment_ids=[upload["id"]],
    )
    tab = open_tab()
    dialogs: list[str] = []
    tab.page.on(
        "dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss())
    )
    tab.login("mm-myint")
    page = tab.page

    row = page.locator(f"tr[data-message-id='{message['id']}']")
    link = row.locator(".col-subject a")
    assert link.evaluate("link => link.firstChild.data") == subject
    assert page.locator("main img, main b").count() == 0
    link.click()
    page.wait_for_selector(".message-body")
    assert page.text_content("#message-title") == subject
    file_name = page.locator(".message-attachments .file-name")
    assert file_name.text_content() == f"{MARKUP}.txt"
    assert page.locator(".body-html b").text_content() == "bold"
    assert page.locator("main img, main script").count() == 0
    tab.screenshot("11-markup-as-text")

    page.click("a[data-nav=compose]")
    page.wait_for_selector("form.compose-form")
    page.set_input_files(
        "fieldset.attachments input[type=file]",
        files=[{"name": f"{MARKUP}.txt", "mimeType": "text/plain", "buffer": b"x\n"}],
    )
    listed = page.locator(".attachment-list .file-name")
    listed.wait_for()
    assert listed.text_content() == f"{MARKUP}.txt"
    assert page.locator("main img").count() == 0
    assert dialogs == []


def test_forward_carries_attachments(
    open_tab: Callable[..., Tab], api_as: Callable[[str], ApiClient]
) -> None:
    api = api_as("vn-hoa")
    inbox = api.mailbox()
    item = next(entry for entry in inbox if entry["has_attachments"])
    original = api.get(f"/operations/{OPERATION}/messages/{item['message_id']}")
    tab = open_tab()
    tab.login("vn-hoa")
    page = tab.page
    tab.open(f"/#/op/{OPERATION}/message/{original['id']}?item={item['id']}")
    page.click(".message-actions a:text-is('Forward')")
    page.wait_for_selector("form.compose-form")

    expected_subject = (
        original["subject"]
        if original["subject"].lower().startswith("fwd: ")
        else f"fwd: {original['subject']}"
    )
    assert page.input_value("input[name=subject]") == expected_subject
    carried = page.locator("fieldset.attachments .hint").first
    assert original["attachments"][0]["filename"] in carried.text_content()
    page.check("input[name=recipient-country][value=KH]")
    page.click("form.compose-form button[type=submit]")
    page.wait_for_selector(".message-view .notice.success")

    forward = api.mailbox("sent")[0]
    message = api.get(f"/operations/{OPERATION}/messages/{forward['message_id']}")
    assert message["forward_of"] == original["id"]
    assert [a["id"] for a in message["attachments"]] == [
        a["id"] for a in original["attachments"]
    ]
