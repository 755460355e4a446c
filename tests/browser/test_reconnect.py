"""The live mailbox after a server restart: the page reconnects, resumes from
its last cursor and shows what arrived meanwhile, without a reload."""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.browser.conftest import Tab
from tests.browser.support import ApiClient, DemoServer

RECONNECT_TIMEOUT_MS = 60_000


def test_catches_up_after_restart(
    open_tab: Callable[..., Tab],
    api_as: Callable[[str], ApiClient],
    demo_server: DemoServer,
) -> None:
    tab = open_tab()
    page = tab.page
    auth_frames: list[dict[str, object]] = []

    def watch(socket: object) -> None:
        def sent(payload: str | bytes) -> None:
            frame = json.loads(payload)
            if frame.get("type") == "auth":
                auth_frames.append(frame)

        socket.on("framesent", sent)  # type: ignore[attr-defined]

    page.on("websocket", watch)
    tab.login("cn-wangwei")
    page.evaluate("window.__notReloaded = true")
    sender = api_as("ncp-cn")
    wangwei_id = sender.member_id("cn-wangwei")
    before = sender.send(
        type="message",
        subject="Before the restart",
        body="Sent while the server runs.",
        recipients={"users": [wangwei_id]},
    )
    page.wait_for_selector(f"tr[data-message-id='{before['id']}']")
    [item] = [
        entry
        for entry in api_as("cn-wangwei").mailbox()
        if entry["message_id"] == before["id"]
    ]

    demo_server.stop()
    page.wait_for_selector("#live-status[data-state=reconnecting]")
    tab.screenshot("12-reconnecting", full_page=False)
    demo_server.start()
    after = api_as("ncp-cn").send(
        type="message",
        subject="After the restart",
        body="Sent while the page was reconnecting.",
        recipients={"users": [wangwei_id]},
    )

    page.wait_for_selector(
        f"tr[data-message-id='{after['id']}']", timeout=RECONNECT_TIMEOUT_MS
    )
    tab.wait_live()
    assert page.evaluate("window.__notReloaded") is True
    rows = page.locator("section.mailbox tbody tr")
    assert rows.nth(0).get_attribute("data-message-id") == after["id"]
    assert rows.nth(1).get_attribute("data-message-id") == before["id"]
    assert "since" not in auth_frames[0]
    resumed = [frame for frame in auth_frames[1:] if "since" in frame]
    assert resumed, "no reconnect resumed from a cursor"
    assert resumed[0]["since"] == item["cursor"]
