"""The live mailbox: push, replay, reconnect after a server restart, re-auth."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncGenerator, AsyncIterator
from pathlib import Path

import pytest
from support import USER_PASSWORD, Person, Server, Team, make_client

from cencomm_client import (
    AccountDeactivated,
    AuthenticationError,
    CaughtUp,
    CencommClient,
    CursorFile,
    MailboxEvent,
    Message,
    NewMessage,
    Recipients,
    ResyncRequired,
    RetryPolicy,
    WatchEvent,
)

EVENT_TIMEOUT_SECONDS = 10.0
# A restart of the server takes a few seconds on a busy machine.
RESTART_TIMEOUT_SECONDS = 40.0
QUICK_RECONNECT = RetryPolicy(attempts=0, base_delay=0.2, max_delay=1.0)


async def next_event(
    events: AsyncIterator[WatchEvent], seconds: float = EVENT_TIMEOUT_SECONDS
) -> WatchEvent:
    return await asyncio.wait_for(anext(events), seconds)


async def next_item(
    events: AsyncIterator[WatchEvent], seconds: float = EVENT_TIMEOUT_SECONDS
) -> MailboxEvent:
    """Skip markers and updates until the next `mailbox.item` event."""
    while True:
        event = await next_event(events, seconds)
        if isinstance(event, MailboxEvent) and event.type == "mailbox.item":
            return event


async def send(sender: Person, code: str, to: Person, subject: str) -> Message:
    return await sender.client.send_message(
        code,
        NewMessage(
            type="message",
            subject=subject,
            body="Live test.",
            recipients=Recipients(users=[to.id]),
        ),
    )


async def latest_cursor(person: Person, code: str) -> str:
    """Send nothing; return the cursor of the person's newest inbox item."""
    page = await person.client.list_mailbox(code, limit=1)
    return page.items[0].cursor


async def watch_from_now(
    team: Team, client: CencommClient
) -> AsyncGenerator[WatchEvent, None]:
    """Start watching Bob's mailbox after a first message, once caught up."""
    await send(team.alice, team.code, team.bob, "Before the watch")
    since = await latest_cursor(team.bob, team.code)
    events = client.watch(since=since, reconnect=QUICK_RECONNECT)
    caught_up = await next_event(events)
    assert caught_up == CaughtUp(cursor=since)
    return events


async def test_pushed_item_arrives(team: Team) -> None:
    events = await watch_from_now(team, team.bob.client)
    try:
        sent = await send(team.alice, team.code, team.bob, "ข่าวด่วน")
        event = await next_item(events)
    finally:
        await events.aclose()
    assert event.operation == team.code
    assert event.item.message_id == sent.id
    assert event.item.subject == "ข่าวด่วน"
    assert event.item.folder == "inbox"
    assert event.cursor == event.item.cursor


async def test_update_event_after_read(team: Team) -> None:
    events = await watch_from_now(team, team.bob.client)
    try:
        sent = await send(team.alice, team.code, team.bob, "To be read")
        arrived = await next_item(events)
        await team.bob.client.update_mailbox_item(team.code, arrived.item.id, read=True)
        updated = await next_event(events)
    finally:
        await events.aclose()
    assert isinstance(updated, MailboxEvent)
    assert updated.type == "mailbox.updated"
    assert updated.item.message_id == sent.id
    assert updated.item.read is True


async def test_replay_since_cursor(team: Team) -> None:
    await send(team.alice, team.code, team.bob, "Zero")
    since = await latest_cursor(team.bob, team.code)
    first = await send(team.alice, team.code, team.bob, "One")
    second = await send(team.alice, team.code, team.bob, "Two")
    events = team.bob.client.watch(since=since)
    try:
        replayed = [await next_event(events) for _ in range(3)]
    finally:
        await events.aclose()
    assert isinstance(replayed[0], MailboxEvent)
    assert isinstance(replayed[1], MailboxEvent)
    assert replayed[0].item.message_id == first.id
    assert replayed[1].item.message_id == second.id
    assert replayed[2] == CaughtUp(cursor=replayed[1].cursor)


async def test_unknown_cursor_resync(team: Team) -> None:
    events = team.bob.client.watch(since="not-a-cursor")
    try:
        marker = await next_event(events)
        sent = await send(team.alice, team.code, team.bob, "After resync")
        event = await next_item(events)
    finally:
        await events.aclose()
    assert isinstance(marker, ResyncRequired)
    assert event.item.message_id == sent.id


async def test_resume_after_restart(server: Server, team: Team) -> None:
    events = await watch_from_now(team, team.bob.client)
    try:
        before = await send(team.alice, team.code, team.bob, "Before restart")
        received_before = await next_item(events)
        server.stop()
        server.start()
        after = await send(team.alice, team.code, team.bob, "After restart")
        seen: list[WatchEvent] = []
        while True:
            event = await next_event(events, RESTART_TIMEOUT_SECONDS)
            seen.append(event)
            if isinstance(event, MailboxEvent) and event.item.message_id == after.id:
                break
    finally:
        await events.aclose()
    message_ids = [e.item.message_id for e in seen if isinstance(e, MailboxEvent)]
    assert received_before.item.message_id == before.id
    assert message_ids == [after.id]
    assert not any(isinstance(event, ResyncRequired) for event in seen)


async def test_cursor_file_resume(team: Team, tmp_path: Path) -> None:
    cursor_path = tmp_path / "state" / "cursor"
    await send(team.alice, team.code, team.bob, "Before the first run")
    since = await latest_cursor(team.bob, team.code)
    CursorFile(cursor_path).save(since)
    first_run = team.bob.client.watch(cursor_file=cursor_path)
    try:
        caught_up = await next_event(first_run)
        first = await send(team.alice, team.code, team.bob, "First run")
        received = await next_item(first_run)
    finally:
        await first_run.aclose()
    stored_after_first = CursorFile(cursor_path).load()
    missed = await send(team.alice, team.code, team.bob, "While stopped")
    second_run = team.bob.client.watch(since="ignored", cursor_file=cursor_path)
    try:
        replayed = await next_item(second_run)
        caught_up_again = await next_event(second_run)
    finally:
        await second_run.aclose()
    assert caught_up == CaughtUp(cursor=since)
    assert received.item.message_id == first.id
    assert stored_after_first == received.cursor
    assert replayed.item.message_id == missed.id
    assert caught_up_again == CaughtUp(cursor=replayed.cursor)
    assert CursorFile(cursor_path).load() == replayed.cursor


async def test_reauth_on_open_socket(server: Server, team: Team) -> None:
    async with make_client(server) as client:
        await client.login(team.bob.username, USER_PASSWORD)
        # A margin just under the token lifetime makes the watcher renew the
        # token a second and a half after each refresh.
        client.tokens.refresh_margin = client.tokens.lifetime - 1.5
        events = await watch_from_now(team, client)
        try:
            before = client.tokens.refresh_count
            await asyncio.sleep(3.0)
            sent = await send(team.alice, team.code, team.bob, "After re-auth")
            event = await next_item(events)
            refreshes = client.tokens.refresh_count - before
        finally:
            await events.aclose()
    reauths = server.log_text().count("ws.reauthenticated")
    assert refreshes >= 1
    assert reauths >= 1
    assert event.item.message_id == sent.id


async def test_revoked_login_raises(server: Server, team: Team) -> None:
    async with make_client(server) as client:
        pair = await client.login(team.bob.username, USER_PASSWORD)
        events = await watch_from_now(team, client)
        async with make_client(server, refresh_token=pair.refresh_token) as other:
            await other.logout()
        with pytest.raises(AuthenticationError):
            await next_event(events)


async def test_deactivation_raises(
    server: Server, admin: CencommClient, team: Team
) -> None:
    username = f"carol-{secrets.token_hex(3)}"
    user = await admin.create_user(username, "Carol", "VN", USER_PASSWORD)
    await admin.put_member(team.code, user.id, "user")
    async with make_client(server) as client:
        await client.login(username, USER_PASSWORD)
        carol = Person(user.id, username, "VN", "user", client)
        await send(team.alice, team.code, carol, "Welcome")
        since = await latest_cursor(carol, team.code)
        events = client.watch(since=since)
        assert await next_event(events) == CaughtUp(cursor=since)
        await admin.update_user(user.id, is_active=False)
        with pytest.raises(AccountDeactivated):
            await next_event(events)
