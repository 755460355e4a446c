"""The live mailbox against a real `cencomm serve` process, over the network.

Every REST call goes through the project's client, `cencomm_client`: messages
go through the real send endpoint, and the server's hub wakes the sockets.
Tests of the WebSocket protocol itself (frames, close codes, cursors, auth
and keepalive timing) open raw sockets; the others use `CencommClient.watch()`.
The server runs with a 1 s auth timeout, and sends a keepalive ping every
0.5 s that times out after 2 s (see SERVER_ENV).
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import pytest
from cencomm_client import (
    AuthenticationError,
    CaughtUp,
    CencommClient,
    MailboxEvent,
    Message,
    NewMessage,
    Recipients,
    ResyncRequired,
    RetryPolicy,
    WatchEvent,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

from app.accounts.tokens import TokenSigner
from app.mailbox.cursors import EventCursorCodec
from app.models import MailboxEvent as MailboxEventRow
from app.models import Operation
from tests.conftest import TEST_SECRET
from tests.e2e_server import ServerProcess
from tests.push.conftest import RemoteApi
from tests.push.direct_events import Delivery, write_received
from tests.push.live_client import (
    FRAME_WAIT_SECONDS,
    LiveAccount,
    TcpRelay,
    authed,
    live,
)

CODEC = EventCursorCodec(TEST_SECRET)
MESSAGES_PER_SENDER = 12
MISSED_DURING_DROP = 3
# Short reconnect delays, so that a watch is back within a second of a drop.
QUICK_RECONNECT = RetryPolicy(attempts=0, base_delay=0.1, max_delay=0.5)
Events = AsyncGenerator[WatchEvent, None]


async def send(
    code: str, sender: LiveAccount, to: list[LiveAccount], subject: str
) -> Message:
    return await sender.client.send_message(
        code,
        NewMessage(
            type="message",
            subject=subject,
            body="Sent by the push tests.",
            recipients=Recipients(users=[a.id for a in to]),
        ),
    )


async def newest_cursor(account: LiveAccount, code: str, folder: str = "inbox") -> str:
    """Return the cursor of the account's newest item of the folder, over REST."""
    page = await account.client.list_mailbox(code, folder=folder, limit=1)
    [item] = page.items
    return item.cursor


async def next_event(events: Events) -> WatchEvent:
    """Return the watch's next event, and fail if none arrives in time."""
    return await asyncio.wait_for(anext(events), FRAME_WAIT_SECONDS)


@asynccontextmanager
async def watching(client: CencommClient, since: str) -> AsyncIterator[Events]:
    """Watch from `since`, and yield the events once caught up, so pushes are live."""
    events = client.watch(since=since, reconnect=QUICK_RECONNECT)
    try:
        caught_up = await next_event(events)
        assert caught_up == CaughtUp(cursor=since)
        yield events
    finally:
        await events.aclose()


async def operation_id_of(
    sessionmaker: async_sessionmaker[AsyncSession], code: str
) -> str:
    async with sessionmaker() as session:
        operation_id = await session.scalar(
            select(Operation.id).where(Operation.code == code)
        )
    assert operation_id is not None
    return operation_id


def short_lived_token(account: LiveAccount, seconds: int) -> str:
    """Sign a token for the account's login that expires in about `seconds`."""
    signer = TokenSigner(TEST_SECRET, timedelta(seconds=seconds))
    session_id = signer.verify_access(account.token).session_id
    token, _ = signer.issue_access(account.id, session_id)
    return token


async def test_push_after_send(remote: RemoteApi) -> None:
    reader = await remote.create_user()
    sender = await remote.create_user(display_name="Somchai", country="TH")
    code = await remote.create_operation(reader, sender)
    # A first message gives each mailbox a cursor to watch from.
    await send(code, sender, [reader], "Before the watch")
    inbox_since = await newest_cursor(reader, code)
    outbox_since = await newest_cursor(sender, code, folder="sent")

    async with (
        watching(reader.client, inbox_since) as inbox,
        watching(sender.client, outbox_since) as outbox,
    ):
        message = await send(code, sender, [reader], "Container at Laem Chabang")
        received = await next_event(inbox)
        sent = await next_event(outbox)

    assert isinstance(received, MailboxEvent)
    assert received.type == "mailbox.item"
    assert received.operation == code
    assert received.item.message_id == message.id
    assert received.item.folder == "inbox"
    assert received.item.subject == "Container at Laem Chabang"
    assert received.item.sender.display_name == "Somchai"
    assert received.item.cursor == received.cursor
    assert CODEC.decode(reader.id, received.cursor) is not None
    assert isinstance(sent, MailboxEvent)
    assert sent.type == "mailbox.item"
    assert sent.item.folder == "sent"
    assert sent.item.message_id == message.id


async def test_change_pushed_to_other_device(remote: RemoteApi) -> None:
    reader = await remote.create_user()
    sender = await remote.create_user()
    code = await remote.create_operation(reader, sender)
    await send(code, sender, [reader], "Read me")
    [created] = (await reader.client.list_mailbox(code)).items
    device = await remote.login(reader)

    async with watching(device, created.cursor) as events:
        changed = await reader.client.update_mailbox_item(code, created.id, read=True)
        updated = await next_event(events)

    assert created.read is False
    assert changed.read is True
    assert isinstance(updated, MailboxEvent)
    assert updated.type == "mailbox.updated"
    assert updated.item.id == created.id
    assert updated.item.read is True
    assert updated.cursor > created.cursor


async def test_watch_resumes_after_drop(
    remote: RemoteApi, server: ServerProcess
) -> None:
    reader = await remote.create_user()
    sender = await remote.create_user()
    code = await remote.create_operation(reader, sender)
    await send(code, sender, [reader], "Before the watch")
    since = await newest_cursor(reader, code)
    relay = TcpRelay(server.port)
    await relay.start()
    try:
        device = await remote.login(reader, relay.base_url)
        async with watching(device, since) as events:
            before = await send(code, sender, [reader], "before the drop")
            received_before = await next_event(events)
            dropped = relay.cut()
            missed = [
                await send(code, sender, [reader], f"missed {n}")
                for n in range(MISSED_DURING_DROP)
            ]
            relay.restore()
            replayed = [await next_event(events) for _ in range(MISSED_DURING_DROP + 1)]
            after = await send(code, sender, [reader], "after the drop")
            received_after = await next_event(events)
    finally:
        await relay.aclose()

    assert dropped >= 1
    assert isinstance(received_before, MailboxEvent)
    assert received_before.item.message_id == before.id
    replayed_items = [e for e in replayed[:-1] if isinstance(e, MailboxEvent)]
    assert [e.item.message_id for e in replayed_items] == [m.id for m in missed]
    assert replayed_items[0].cursor > received_before.cursor
    assert replayed[-1] == CaughtUp(cursor=replayed_items[-1].cursor)
    assert not any(isinstance(e, ResyncRequired) for e in replayed)
    assert isinstance(received_after, MailboxEvent)
    assert received_after.item.message_id == after.id


async def test_header_auth_resumes(remote: RemoteApi, server: ServerProcess) -> None:
    reader = await remote.create_user()
    sender = await remote.create_user()
    code = await remote.create_operation(reader, sender)
    async with authed(server.ws_url, reader) as socket:
        await send(code, sender, [reader], "first")
        first = await socket.frame()
    await send(code, sender, [reader], "second")
    await send(code, sender, [reader], "third")

    async with live(server.ws_url, headers=reader.headers, since=first["cursor"]) as s:
        frames = await s.frames_until("caught_up")

    assert frames[0] == {"type": "ready", "user_id": reader.id}
    subjects = [f["item"]["subject"] for f in frames[1:-1]]
    assert subjects == ["second", "third"]
    assert frames[-1] == {"type": "caught_up", "cursor": frames[-2]["cursor"]}


async def test_resume_with_nothing_missed(
    remote: RemoteApi, server: ServerProcess
) -> None:
    reader = await remote.create_user()
    sender = await remote.create_user()
    code = await remote.create_operation(reader, sender)
    async with authed(server.ws_url, reader) as socket:
        await send(code, sender, [reader], "only")
        only = await socket.frame()

    async with authed(server.ws_url, reader, since=only["cursor"]) as socket:
        caught_up = await socket.frame()
        await send(code, sender, [reader], "after")
        after = await socket.frame()

    assert caught_up == {"type": "caught_up", "cursor": only["cursor"]}
    assert after["item"]["subject"] == "after"


async def test_resume_exactly_once_under_churn(
    remote: RemoteApi,
    server: ServerProcess,
    server_db: async_sessionmaker[AsyncSession],
) -> None:
    reader = await remote.create_user()
    senders = [await remote.create_user() for _ in range(3)]
    code = await remote.create_operation(reader, *senders)
    async with authed(server.ws_url, reader) as socket:
        await send(code, senders[0], [reader], "seed")
        seed = await socket.frame()
    cursor: str = seed["cursor"]
    received: list[dict[str, Any]] = []
    sending_done = asyncio.Event()
    rng = random.Random(20240611)

    async def send_all(index: int, sender: LiveAccount) -> None:
        for n in range(MESSAGES_PER_SENDER):
            await send(code, sender, [reader], f"{index}-{n}")

    async def read_and_drop() -> None:
        """Reconnect again and again, reading a few frames each time."""
        nonlocal cursor
        while not sending_done.is_set():
            async with authed(server.ws_url, reader, since=cursor) as socket:
                for _ in range(rng.randint(1, 6)):
                    try:
                        frame = await socket.frame(wait=0.3)
                    except TimeoutError:
                        break
                    if frame["type"] != "caught_up":
                        received.append(frame)
                        cursor = frame["cursor"]
                if rng.random() < 0.5:
                    # A dropped network, not a close handshake.
                    socket.connection.transport.abort()

    reading = asyncio.create_task(read_and_drop())
    await asyncio.gather(*(send_all(i, s) for i, s in enumerate(senders)))
    sending_done.set()
    await reading
    async with authed(server.ws_url, reader, since=cursor) as socket:
        rest = await socket.frames_until("caught_up")
    received += rest[:-1]

    seed_seq = CODEC.decode(reader.id, seed["cursor"])
    assert seed_seq is not None
    async with server_db() as session:
        rows = (
            await session.execute(
                select(MailboxEventRow.seq, MailboxEventRow.item_id)
                .where(
                    MailboxEventRow.user_id == reader.id, MailboxEventRow.seq > seed_seq
                )
                .order_by(MailboxEventRow.seq)
            )
        ).all()
    expected_cursors = [CODEC.encode(reader.id, seq) for seq, _ in rows]
    cursors = [f["cursor"] for f in received]
    assert len(rows) == 3 * MESSAGES_PER_SENDER
    assert cursors == expected_cursors
    assert all(a < b for a, b in zip(cursors, cursors[1:], strict=False))
    assert [f["item"]["id"] for f in received] == [item_id for _, item_id in rows]
    subjects = sorted(f["item"]["subject"] for f in received)
    expected_subjects = sorted(
        f"{i}-{n}" for i in range(3) for n in range(MESSAGES_PER_SENDER)
    )
    assert subjects == expected_subjects


async def test_token_expiry_closes(remote: RemoteApi, server: ServerProcess) -> None:
    account = await remote.create_user()

    async with live(server.ws_url) as socket:
        await socket.auth(short_lived_token(account, seconds=2))
        await socket.ready()
        started = time.monotonic()
        code = await socket.close_code(wait=4)

    assert code == 4401
    assert socket.close_reason == "access token expired"
    assert time.monotonic() - started < 3


async def test_reauth_keeps_socket_open(
    remote: RemoteApi, server: ServerProcess
) -> None:
    reader = await remote.create_user()
    sender = await remote.create_user()
    code = await remote.create_operation(reader, sender)

    async with live(server.ws_url) as socket:
        await socket.auth(short_lived_token(reader, seconds=2))
        await socket.ready()
        await socket.auth(reader.token)
        again = await socket.frame()
        # Past the first token's expiry.
        await socket.nothing_for(2.5)
        await send(code, sender, [reader], "still here")
        frame = await socket.frame()

    assert again == {"type": "ready", "user_id": reader.id}
    assert frame["item"]["subject"] == "still here"


async def test_reauth_as_other_user_closes(
    remote: RemoteApi, server: ServerProcess
) -> None:
    account = await remote.create_user()
    other = await remote.create_user()

    async with authed(server.ws_url, account) as socket:
        await socket.auth(other.token)
        code = await socket.close_code()

    assert code == 4401
    assert socket.close_reason == "the new access token belongs to another user"


async def test_deactivation_closes_4403(
    remote: RemoteApi, server: ServerProcess
) -> None:
    account = await remote.create_user_through_api()

    async with authed(server.ws_url, account) as socket:
        user = await remote.admin.client.update_user(account.id, is_active=False)
        code = await socket.close_code()
    async with live(server.ws_url) as again:
        await again.auth(account.token)
        code_again = await again.close_code()

    assert user.is_active is False
    assert code == 4403
    assert code_again == 4401


async def test_logout_closes_4401(remote: RemoteApi, server: ServerProcess) -> None:
    account = await remote.create_user()

    async with authed(server.ws_url, account) as socket:
        await account.client.logout()
        code = await socket.close_code()

    assert account.client.tokens.access_token is None
    assert code == 4401
    assert socket.close_reason == "login revoked"


async def test_refresh_reuse_closes_4401(
    remote: RemoteApi, server: ServerProcess
) -> None:
    account = await remote.create_user()
    used = account.client.tokens.refresh_token
    assert used is not None
    # A second client holding the same refresh token, as a stolen copy would.
    copy = remote.client(refresh_token=used)

    async with authed(server.ws_url, account) as socket:
        first = await account.client.refresh()
        await socket.nothing_for(0.2)
        with pytest.raises(AuthenticationError) as reused:
            await copy.refresh()
        code = await socket.close_code()

    assert first.refresh_token != used
    assert reused.value.status == 401
    assert code == 4401


async def test_removal_stops_operation(
    remote: RemoteApi,
    server: ServerProcess,
    server_db: async_sessionmaker[AsyncSession],
) -> None:
    reader = await remote.create_user()
    sender = await remote.create_user()
    left_code = await remote.create_operation(reader, sender)
    kept_code = await remote.create_operation(reader, sender)
    left_id = await operation_id_of(server_db, left_code)

    async with authed(server.ws_url, reader) as socket:
        await send(left_code, sender, [reader], "before removal")
        before = await socket.frame()
        await remote.admin.client.remove_member(left_code, reader.id)
        # An event of the left_code operation that committed before the removal
        # but is read after it: it must not be sent.
        await write_received(
            server_db, reader.id, [Delivery(left_id, sender.id, "late copy")]
        )
        await send(kept_code, sender, [reader], "other operation")
        after = await socket.frame()
        await socket.nothing_for(0.2)
    async with authed(server.ws_url, reader, since=before["cursor"]) as socket:
        replayed = await socket.frames_until("caught_up")

    assert before["operation"] == left_code
    assert after["operation"] == kept_code
    assert after["item"]["subject"] == "other operation"
    assert [f.get("operation") for f in replayed] == [kept_code, None]


async def test_unusable_cursors_resync(
    remote: RemoteApi, server: ServerProcess
) -> None:
    reader = await remote.create_user()
    sender = await remote.create_user()
    other = await remote.create_user()
    code = await remote.create_operation(reader, sender)
    async with authed(server.ws_url, reader) as socket:
        await send(code, sender, [reader], "one")
        issued = await socket.frame()
    digits = issued["cursor"].split("_")[0]
    cursors = {
        "not a cursor": "hello",
        "forged MAC": f"{digits}_AAAAAAAAAAAAAAAA",
        "another user's": CODEC.encode(other.id, 1),
        "ahead of the user": CODEC.encode(reader.id, 10_000),
    }

    for case, cursor in cursors.items():
        async with authed(server.ws_url, reader, since=cursor) as socket:
            frame = await socket.frame()
            assert frame == {"type": "resync_required"}, case
            await send(code, sender, [reader], f"after {case}")
            live_frame = await socket.frame()
            assert live_frame["item"]["subject"] == f"after {case}", case


async def test_no_auth_in_time_closes(server: ServerProcess) -> None:
    async with live(server.ws_url) as socket:
        started = time.monotonic()
        code = await socket.close_code(wait=3)

    assert code == 4401
    assert socket.close_reason == "no auth frame within 1 s"
    assert 0.9 < time.monotonic() - started < 2.5


async def test_bad_first_frames_close(remote: RemoteApi, server: ServerProcess) -> None:
    account = await remote.create_user()
    first_frames: dict[str, dict[str, Any] | str | bytes] = {
        "unknown type": {"type": "subscribe"},
        "not JSON": "hello",
        "binary": b"\x00\x01",
        "bad token": {"type": "auth", "token": "not-a-token"},
        "token signed elsewhere": {
            "type": "auth",
            "token": TokenSigner("x" * 40, timedelta(minutes=5)).issue_access(
                account.id, "s"
            )[0],
        },
    }

    for case, first in first_frames.items():
        async with live(server.ws_url) as socket:
            await socket.send(first)
            code = await socket.close_code()
        assert code == 4401, case


async def test_bad_header_token_closes(server: ServerProcess) -> None:
    headers = {"Authorization": "Bearer not-a-token"}

    async with live(server.ws_url, headers=headers) as socket:
        code = await socket.close_code()

    assert code == 4401


async def test_unknown_frames_ignored_after_ready(
    remote: RemoteApi, server: ServerProcess
) -> None:
    reader = await remote.create_user()
    sender = await remote.create_user()
    code = await remote.create_operation(reader, sender)

    async with authed(server.ws_url, reader) as socket:
        await socket.send({"type": "subscribe", "operation": code})
        await socket.send("not JSON")
        await socket.send(b"\x00\x01")
        await socket.send({"type": "auth"})
        await send(code, sender, [reader], "still delivered")
        frame = await socket.frame()

    assert frame["item"]["subject"] == "still delivered"


async def test_silent_peer_is_closed(remote: RemoteApi, server: ServerProcess) -> None:
    """A client that stops sending pongs is disconnected by the server."""
    account = await remote.create_user()
    protocol = ClientProtocol(parse_uri(server.ws_url))
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    try:
        protocol.send_request(protocol.connect())
        writer.write(b"".join(protocol.data_to_send()))
        await _read_until(protocol, reader, writer, Response)
        auth = {"type": "auth", "token": account.token}
        protocol.send_text(json.dumps(auth).encode())
        writer.write(b"".join(protocol.data_to_send()))
        ready = await _read_until(protocol, reader, writer, Frame)
        assert isinstance(ready, Frame)
        assert json.loads(bytes(ready.data))["type"] == "ready"
        # From here on nothing is written: pings go unanswered.
        started = time.monotonic()
        async with asyncio.timeout(6):
            while await reader.read(65536):
                pass
        silent_for = time.monotonic() - started
    finally:
        writer.close()

    assert 1.5 < silent_for < 6
    await _wait_for_log(server, f"user_id={account.id}", "ws.disconnected")


async def _read_until(
    protocol: ClientProtocol,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    kind: type[Response] | type[Frame],
) -> Response | Frame:
    """Feed the protocol until it yields a handshake response or a text frame."""
    async with asyncio.timeout(5):
        while True:
            data = await reader.read(65536)
            assert data, "the server closed the connection"
            protocol.receive_data(data)
            # Pongs to the server's pings, while this client still sends them.
            writer.write(b"".join(protocol.data_to_send()))
            for event in protocol.events_received():
                if isinstance(event, Response) and kind is Response:
                    assert event.status_code == 101
                    return event
                if isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                    return event


async def _wait_for_log(server: ServerProcess, *fragments: str) -> None:
    """Wait until one line of the server's log contains every fragment."""
    async with asyncio.timeout(3):
        while True:
            lines = server.log_text().splitlines()
            if any(all(f in line for f in fragments) for line in lines):
                return
            await asyncio.sleep(0.05)


async def test_two_processes_share_events(
    remote: RemoteApi,
    server: ServerProcess,
    second_server: ServerProcess,
    server_db: async_sessionmaker[AsyncSession],
) -> None:
    reader = await remote.create_user()
    sender = await remote.create_user()
    left_code = await remote.create_operation(reader, sender)
    kept_code = await remote.create_operation(reader, sender)
    left_id = await operation_id_of(server_db, left_code)

    async with authed(second_server.ws_url, reader) as socket:
        await send(kept_code, sender, [reader], "across processes")
        across = await socket.frame()
        await remote.admin.client.remove_member(left_code, reader.id)
        await write_received(
            server_db, reader.id, [Delivery(left_id, sender.id, "late copy")]
        )
        await send(kept_code, sender, [reader], "after removal")
        after = await socket.frame()
        await remote.admin.client.update_user(reader.id, is_active=False)
        code = await socket.close_code()

    assert across["item"]["subject"] == "across processes"
    assert after["item"]["subject"] == "after removal"
    assert code == 4403


async def test_logout_reaches_other_process(
    remote: RemoteApi, second_server: ServerProcess
) -> None:
    account = await remote.create_user()

    async with authed(second_server.ws_url, account) as socket:
        await account.client.logout()
        code = await socket.close_code()

    assert code == 4401
