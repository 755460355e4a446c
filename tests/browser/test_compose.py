"""The compose screen in a real browser: a seizure report that arrives live,
the body counter against the server, and field errors next to their fields."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from app.messages.text import count_characters, html_text_content, normalize_body
from tests.browser.conftest import Tab
from tests.browser.support import OPERATION, ApiClient

MAX_BODY = 20_000
CONTAINER = "MSCU6634879"
# Emoji outside the BMP (two UTF-16 units each), a line break, a decomposed
# letter that NFC composes into one, Thai and a skin-tone modifier sequence.
BODY_PIECES = ["Mekong ", "🐉", " rồng\n", "e\u0301", " ไทย ", "👍🏽", "\n"]


PASTE = """(textarea, text) => {
  textarea.value = text;
  textarea.dispatchEvent(new Event("input", { bubbles: true }));
}"""


def open_compose(tab: Tab) -> None:
    tab.page.click("a[data-nav=compose]")
    tab.page.wait_for_selector("form.compose-form")


def body_of_length(count: int) -> str:
    """Return a text body that the server counts as exactly `count` characters."""
    pieces: list[str] = []
    total = 0
    index = 0
    while True:
        piece = BODY_PIECES[index % len(BODY_PIECES)]
        # No piece starts with a combining mark, so NFC never joins two pieces.
        size = count_characters(unicodedata.normalize("NFC", piece))
        if total + size > count:
            break
        pieces.append(piece)
        total += size
        index += 1
    text = "".join(pieces) + "a" * (count - total)
    assert count_characters(normalize_body(text, "text", max_chars=count)) == count
    return text


def test_seizure_arrives_live(
    open_tab: Callable[..., Tab], api_as: Callable[[str], ApiClient]
) -> None:
    sender_api = api_as("vn-tuan")
    somchai_id = sender_api.member_id("th-somchai")
    recipient = open_tab()
    recipient.login("th-somchai")
    recipient.page.evaluate("window.__notReloaded = true")
    sender = open_tab()
    sender.login("vn-tuan")
    page = sender.page
    open_compose(sender)

    page.select_option("select[name=type]", "seizure")
    page.check("input[name=recipient-role][value=ocu]")
    page.click("details.manual summary")
    page.check(f"input[name=recipient-user][value='{somchai_id}']")
    resolved = sender_api.post(
        f"/operations/{OPERATION}/recipients/resolve",
        {"recipients": {"roles": ["ocu"], "users": [somchai_id]}},
    ).json()
    expected_status = f"This selection reaches {resolved['count']} people."
    page.wait_for_selector(f".resolved:text-is('{expected_status}')")

    subject = "SEIZURE MESSAGE 91: pangolin scales at Cat Lai"
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    page.fill("input[name=subject]", subject)
    page.fill("input[name=seizure_date]", yesterday)
    page.select_option("select[name=country]", "VN")
    page.select_option("select[name=place_type]", "seaport")
    page.select_option("select[name=commodity]", "wildlife")
    page.fill("textarea[name=description]", "Pangolin scales under cashew nuts")
    page.fill("input[name=quantity]", "412.5")
    page.select_option("select[name=unit]", "kg")
    page.fill("textarea[name=container_numbers]", "mscu 663487 9")
    page.fill("textarea[name=body]", "Phát hiện vảy tê tê.\nEnglish: pangolin scales.")
    page.set_input_files(
        "fieldset.attachments input[type=file]",
        files=[
            {
                "name": "bảng kê container.csv",
                "mimeType": "text/csv",
                "buffer": b"container,kg\nMSCU6634879,412.5\n",
            }
        ],
    )
    page.wait_for_selector(
        ".attachment-list .file-name:text-is('bảng kê container.csv')"
    )
    assert (
        page.text_content("fieldset.attachments label.button-like")
        == "Attach more files"
    )
    sender.screenshot("05-compose-seizure")

    page.click("form.compose-form button[type=submit]")
    page.wait_for_selector(".message-view .notice.success")
    assert page.text_content("#message-title") == subject
    recipient_count = page.text_content(".message-meta .recipient-count")
    assert recipient_count == f"{resolved['count']} people"
    containers = page.locator(".fields-table tr[data-field=container_numbers] td")
    assert containers.inner_text() == CONTAINER
    sender.screenshot("06-message-sent")

    arrived = recipient.page.locator("section.mailbox tbody tr").first
    arrived.locator(f".col-subject a:has-text('{subject}')").wait_for()
    assert "arrived" in (arrived.get_attribute("class") or "")
    assert "unread" in (arrived.get_attribute("class") or "")
    assert arrived.locator(".col-country").inner_text() == "VN"
    assert arrived.locator(".icon-attachment").count() == 1
    assert recipient.page.evaluate("window.__notReloaded") is True
    recipient.screenshot("07-arrived-live")


def test_counter_matches_server_limit(
    open_tab: Callable[..., Tab], api_as: Callable[[str], ApiClient]
) -> None:
    api = api_as("ncp-kh")
    tab = open_tab()
    tab.login("ncp-kh")
    page = tab.page
    open_compose(tab)
    body = body_of_length(MAX_BODY)
    assert len(body) > MAX_BODY

    page.fill("input[name=subject]", "Counter at the limit")
    # As a paste does: Playwright's fill() types 20,000 characters slowly.
    page.locator("textarea[name=body]").evaluate(PASTE, body)
    page.wait_for_selector(".counter:text-is('0 characters remaining')")
    page.click("button:text-is('Save as draft')")
    page.wait_for_selector(".form-status:has-text('Draft saved')")
    draft_id = page.url.split("draft=")[1]
    draft = api.get(f"/operations/{OPERATION}/drafts/{draft_id}")
    assert count_characters(draft["body"]) == MAX_BODY

    page.locator("textarea[name=body]").press("Control+End")
    page.locator("textarea[name=body]").type("😀")
    too_many = "1 character too many (at most 20,000)"
    page.wait_for_selector(f".counter:text-is('{too_many}')")
    page.click("button:text-is('Save as draft')")
    body_error = page.locator(".body-field .field-error")
    body_error.wait_for()
    client_message = "body has 20,001 characters; at most 20,000 are allowed"
    assert body_error.text_content() == client_message
    assert page.get_attribute("textarea[name=body]", "aria-invalid") == "true"

    longer = page.input_value("textarea[name=body]")
    response = api.client.patch(
        f"/operations/{OPERATION}/drafts/{draft_id}", json={"body": longer}
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "body"
    assert error["message"] == client_message


def test_server_field_error_beside_field(
    open_tab: Callable[..., Tab], api_as: Callable[[str], ApiClient]
) -> None:
    api = api_as("kh-dara")
    ocu = api.post(
        f"/operations/{OPERATION}/recipients/resolve",
        {"recipients": {"roles": ["ocu"]}},
    ).json()
    tab = open_tab()
    tab.login("kh-dara")
    page = tab.page
    open_compose(tab)

    page.select_option("select[name=type]", "feedback")
    page.select_option("select[name=warning_id]", "__other")
    page.fill("input[name=warning_id_id]", "no-such-warning")
    page.select_option("select[name=result]", "negative")
    page.check("input[name=recipient-role][value=ocu]")
    page.fill("input[name=subject]", "Feedback on an unknown warning")
    page.click("form.compose-form button[type=submit]")

    field = page.locator(".field[data-field=warning_id]")
    error = field.locator(".field-error")
    error.wait_for()
    assert error.text_content() == (
        "Warning does not name a warning of this operation that you can see"
    )
    error_id = error.get_attribute("id")
    select = field.locator("select")
    assert error_id in select.get_attribute("aria-describedby").split()
    assert select.get_attribute("aria-invalid") == "true"
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    assert summary.locator("li").count() == 1
    resolved = f"This selection reaches {ocu['count']} people."
    assert page.text_content(".resolved") == resolved
    tab.screenshot("08-server-field-error")


def test_recipients_error_from_server(open_tab: Callable[..., Tab]) -> None:
    tab = open_tab()
    tab.login("kh-sophea")
    page = tab.page
    open_compose(tab)
    page.fill(".recipients input.short", "FR")
    page.wait_for_selector(".resolved:text-is('This selection reaches nobody.')")
    page.fill("input[name=subject]", "Nobody in France")
    page.click("form.compose-form button[type=submit]")

    error = page.locator("fieldset.recipients > .field-error")
    error.wait_for()
    assert "recipients" in error.text_content().lower()
    assert "nobody" in error.text_content().lower()


def test_client_checks_block_send(open_tab: Callable[..., Tab]) -> None:
    tab = open_tab()
    tab.login("la-somsak")
    page = tab.page
    sends: list[str] = []
    page.on(
        "request",
        lambda request: (
            sends.append(request.url)
            if request.method == "POST" and request.url.endswith("/messages")
            else None
        ),
    )
    open_compose(tab)
    page.select_option("select[name=type]", "seizure")
    page.check("input[name=recipient-role][value=ncp]")
    page.fill("input[name=subject]", "SEIZURE MESSAGE 92")
    page.fill("textarea[name=container_numbers]", "MSCU6634870")
    page.fill("input[name=quantity]", "0")
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    page.fill("input[name=seizure_date]", tomorrow)
    page.click("form.compose-form button[type=submit]")

    containers = page.locator(".field[data-field=container_numbers] .field-error")
    containers.wait_for()
    assert containers.text_content() == (
        "'MSCU6634870' has check digit 0; ISO 6346 requires 9"
    )
    quantity = page.locator(".field[data-field=quantity] .field-error")
    assert quantity.text_content() == "Quantity must be greater than 0, got 0"
    date_error = page.locator(".field[data-field=seizure_date] .field-error")
    assert "is in the future" in date_error.text_content()
    commodity = page.locator(".field[data-field=commodity] .field-error")
    assert commodity.text_content() == "Commodity is required for a seizure message"
    assert sends == []
    tab.screenshot("09-client-field-errors")


def test_formatted_body_sent_as_html(
    open_tab: Callable[..., Tab], api_as: Callable[[str], ApiClient]
) -> None:
    api = api_as("th-sudarat")
    tab = open_tab()
    tab.login("th-sudarat")
    page = tab.page
    open_compose(tab)
    page.check("input[name=recipient-role][value=ncp]")
    page.fill("input[name=subject]", "Formatted body")
    page.check("input[type=radio][value=html]")
    editor = page.locator(".rich-editor")
    editor.click()
    page.keyboard.type("Plain ")
    page.click(".format-toolbar button.style-bold")
    page.keyboard.type("bold")
    page.click(".format-toolbar button.style-bold")
    page.keyboard.press("Enter")
    page.keyboard.type("😀 & <tag>")
    # The counter updates after a pause in typing; the last key adds ">".
    page.wait_for_selector(".body-field[data-count='19']")
    counter = page.text_content(".counter")
    remaining = int(counter.split(" ")[0].replace(",", ""))
    assert counter.endswith(" characters remaining")
    assert remaining < MAX_BODY
    tab.screenshot("17-formatted-body", full_page=False)
    page.click("form.compose-form button[type=submit]")

    page.wait_for_selector(".message-view .notice.success")
    assert page.locator(".body-html b").text_content() == "bold"
    sent = api.mailbox("sent")[0]
    message = api.get(f"/operations/{OPERATION}/messages/{sent['message_id']}")
    assert message["body_format"] == "html"
    assert "<b>bold</b>" in message["body"]
    text = html_text_content(message["body"])
    assert count_characters(text) == MAX_BODY - remaining


def test_reply_prefills_subject_and_sender(
    open_tab: Callable[..., Tab], api_as: Callable[[str], ApiClient]
) -> None:
    sender = api_as("cn-zhangli")
    original = sender.send(
        type="message",
        subject="Question about MSCU6634879",
        body="Was it controlled?",
        recipients={"users": [sender.member_id("ncp-cn")]},
    )
    tab = open_tab()
    tab.login("ncp-cn")
    page = tab.page
    tab.open(f"/#/op/{OPERATION}/message/{original['id']}")
    page.click(".message-actions a:text-is('Reply')")
    page.wait_for_selector("form.compose-form")

    assert page.input_value("input[name=subject]") == "re: Question about MSCU6634879"
    zhangli = page.locator(
        f"input[name=recipient-user][value='{original['sender']['id']}']"
    )
    assert zhangli.is_checked()
    page.wait_for_selector(".resolved:text-is('This selection reaches 1 person.')")
    page.fill("textarea[name=body]", "Yes, negative.")
    page.click("form.compose-form button[type=submit]")
    page.wait_for_selector(".message-view .notice.success")
    reply = api_as("cn-zhangli").mailbox()[0]
    assert reply["subject"] == "re: Question about MSCU6634879"
    message = sender.get(f"/operations/{OPERATION}/messages/{reply['message_id']}")
    assert message["in_reply_to"] == original["id"]
