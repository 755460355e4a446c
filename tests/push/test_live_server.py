"""The live mailbox against a real `cencomm serve` process, over the network.

Messages go through the real send endpoint; the server's hub wakes the
sockets. The server runs with a 1 s auth timeout, and sends a keepalive ping
every 0.5 s that times out after 2 s (see SERVER_ENV).
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

from app.accounts.tokens import TokenSigner
from app.mailbox.cursors import EventCursorCodec
from app.models import MailboxEvent, Operation
from tests.conftest import TEST_SECRET, Account
from tests.e2e_server import ServerProcess
from tests.push.conftest import PushApi
from tests.push.direct_events import Delivery, write_received
from tests.push.live_client import authed, live, token_of

CODEC = EventCursorCodec(TEST_SECRET)
MESSAGES_PER_SENDER = 12


async def new_operation(api: PushApi, *members: Account) -> str:
    code = await api.create_operation()
    for member in members:
        await api.add_member(code, member)
    return code


async def send(
    api: PushApi, code: str, sender: Account, to: list[Account], subject: str
) -> dict[str, Any]:
    response = await api.client.post(
        f"/api/v1/operations/{code}/messages",
        headers=sender.headers,
        json={
            "type": "message",
            "subject": subject,
            "body": "Sent by the push tests.",
            "recipients": {"users": [a.id for a in to]},
        },
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def admin_call(api: PushApi, method: str, path: str, **kwargs: Any) -> Any:
    assert api.admin is not None
    response = await api.client.request(
        method, f"/api/v1{path}", headers=api.admin.headers, **kwargs
    )
    assert response.status_code in (200, 204), response.text
    return response


async def operation_id_of(
    sessionmaker: async_sessionmaker[AsyncSession], code: str
) -> str:
    async with sessionmaker() as session:
        operation_id = await session.scalar(
            select(Operation.id).where(Operation.code == code)
        )
    assert operation_id is not None
    return operation_id


def short_lived_token(account: Account, seconds: int) -> str:
    """Sign a token for the account's login that expires in about `seconds`."""
    signer = TokenSigner(TEST_SECRET, timedelta(seconds=seconds))
    session_id = signer.verify_access(token_of(account)).session_id
    token, _ = signer.issue_access(account.id, session_id)
    return token


async def test_push_after_send(remote: PushApi, server: ServerProcess) -> None:
    reader = await remote.create_user()
    sender = await remote.create_user(display_name="Somchai", country="TH")
    code = await new_operation(remote, reader, sender)

    async with (
        authed(server.ws_url, reader) as inbox,
        authed(server.ws_url, sender) as outbox,
    ):
        message = await send(
            remote, code, sender, [reader], "Container at Laem Chabang"
        )
        received = await inbox.frame()
        sent = await outbox.frame()

    assert received["type"] == "mailbox.item"
    assert received["operation"] == code
    assert received["item"]["message_id"] == message["id"]
    assert received["item"]["folder"] == "inbox"
    assert received["item"]["subject"] == "Container at Laem Chabang"
    assert received["item"]["sender"]["display_name"] == "Somchai"
    assert received["item"]["cursor"] == received["cursor"]
    assert CODEC.decode(reader.id, received["cursor"]) is not None
    assert sent["type"] == "mailbox.item"
    assert sent["item"]["folder"] == "sent"
    assert sent["item"]["message_id"] == message["id"]


async def test_change_pushed_to_other_device(
    remote: PushApi, server: ServerProcess
) -> None:
    reader = await remote.create_user()
    sender = await remote.create_user()
    code = await new_operation(remote, reader, sender)

    async with authed(server.ws_url, reader) as device:
        await send(remote, code, sender, [reader], "Read me")
        created = await device.frame()
        response = await remote.client.patch(
            f"/api/v1/operations/{code}/mailbox/{created['item']['id']}",
            headers=reader.headers,
            json={"read": True},
        )
        assert response.status_code == 200, response.text
        updated = await device.frame()

    assert updated["type"] == "mailbox.updated"
    assert updated["item"]["id"] == created["item"]["id"]
    assert updated["item"]["read"] is True
    assert updated["cursor"] > created["cursor"]


async def test_header_auth_resumes(remote: PushApi, server: ServerProcess) -> None:
    reader = await remote.create_user()
    sender = await remote.create_user()
    code = await new_operation(remote, reader, sender)
    async with authed(server.ws_url, reader) as socket:
        await send(remote, code, sender, [reader], "first")
        first = await socket.frame()
    await send(remote, code, sender, [reader], "second")
    await send(remote, code, sender, [reader], "third")

    async with live(server.ws_url, headers=reader.headers, since=first["cursor"]) as s:
        frames = await s.frames_until("caught_up")

    assert frames[0] == {"type": "ready", "user_id": reader.id}
    subjects = [f["item"]["subject"] for f in frames[1:-1]]
    assert subjects == ["second", "third"]
    assert frames[-1] == {"type": "caught_up", "cursor": frames[-2]["cursor"]}


async def test_resume_with_nothing_missed(
    remote: PushApi, server: ServerProcess
) -> None:
    reader = await remote.create_user()
    sender = await remote.create_user()
    code = await new_operation(remote, reader, sender)
    async with authed(server.ws_url, reader) as socket:
        await send(remote, code, sender, [reader], "only")
        only = await socket.frame()

    async with authed(server.ws_url, reader, since=only["cursor"]) as socket:
        caught_up = await socket.frame()
        await send(remote, code, sender, [reader], "after")
        after = await socket.frame()

    assert caught_up == {"type": "caught_up", "cursor": only["cursor"]}
    assert after["item"]["subject"] == "after"


async def test_resume_exactly_once_under_churn(
    remote: PushApi,
    server: ServerProcess,
    server_db: async_sessionmaker[AsyncSession],
) -> None:
    reader = await remote.create_user()
    senders = [await remote.create_user() for _ in range(3)]
    code = await new_operation(remote, reader, *senders)
    async with authed(server.ws_url, reader) as socket:
        await send(remote, code, senders[0], [reader], "seed")
        seed = await socket.frame()
    cursor: str = seed["cursor"]
    received: list[dict[str, Any]] = []
    sending_done = asyncio.Event()
    rng = random.Random(20240611)

    async def send_all(index: int, sender: Account) -> None:
        for n in range(MESSAGES_PER_SENDER):
            await send(remote, code, sender, [reader], f"{index}-{n}")

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
                select(MailboxEvent.seq, MailboxEvent.item_id)
                .where(MailboxEvent.user_id == reader.id, MailboxEvent.seq > seed_seq)
                .order_by(MailboxEvent.seq)
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


async def test_token_expiry_closes(remote: PushApi, server: ServerProcess) -> None:
    account = await remote.create_user()

    async with live(server.ws_url) as socket:
        await socket.auth(short_lived_token(account, seconds=2))
        await socket.ready()
        started = time.monotonic()
        code = await socket.close_code(wait=4)

    assert code == 4401
    assert socket.close_reason == "access token expired"
    assert time.monotonic() - started < 3


async def test_reauth_keeps_socket_open(remote: PushApi, server: ServerProcess) -> None:
    reader = await remote.create_user()
    sender = await remote.create_user()
    code = await new_operation(remote, reader, sender)

    async with live(server.ws_url) as socket:
        await socket.auth(short_lived_token(reader, seconds=2))
        await socket.ready()
        await socket.auth(token_of(reader))
        again = await socket.frame()
        # Past the first token's expiry.
        await socket.nothing_for(2.5)
        await send(remote, code, sender, [reader], "still here")
        frame = await socket.frame()

    assert again == {"type": "ready", "user_id": reader.id}
    assert frame["item"]["subject"] == "still here"


async def test_reauth_as_other_user_closes(
    remote: PushApi, server: ServerProcess
) -> None:
    account = await remote.create_user()
    other = await remote.create_user()

    async with authed(server.ws_url, account) as socket:
        await socket.auth(token_of(other))
        code = await socket.close_code()

    assert code == 4401
    assert socket.close_reason == "the new access token belongs to another user"


async def test_deactivation_closes_4403(remote: PushApi, server: ServerProcess) -> None:
    account = await remote.create_user()

    async with authed(server.ws_url, account) as socket:
        await admin_call(
            remote, "PATCH", f"/users/{account.id}", json={"is_active": False}
        )
        code = await socket.close_code()
    async with live(server.ws_url) as again:
        await again.auth(token_of(account))
        code_again = await again.close_code()

    assert code == 4403
    assert code_again == 4401


async def test_logout_closes_4401(remote: PushApi, server: ServerProcess) -> None:
    account = await remote.create_user()
    pair = await remote.client.post(
        "/api/v1/auth/token",
        data={"username": account.username, "password": account.password},
    )
    tokens = pair.json()
    account.headers = {"Authorization": f"Bearer {tokens['access_token']}"}

    async with authed(server.ws_url, account) as socket:
        response = await remote.client.post(
            "/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]}
        )
        assert response.status_code == 204
        code = await socket.close_code()

    assert code == 4401
    assert socket.close_reason == "login revoked"


async def test_refresh_reuse_closes_4401(
    remote: PushApi, server: ServerProcess
) -> None:
    account = await remote.create_user()
    pair = await remote.client.post(
        "/api/v1/auth/token",
        data={"username": account.username, "password": account.password},
    )
    tokens = pair.json()
    account.headers = {"Authorization": f"Bearer {tokens['access_token']}"}

    async with authed(server.ws_url, account) as socket:
        body = {"refresh_token": tokens["refresh_token"]}
        first = await remote.client.post("/api/v1/auth/refresh", json=body)
        assert first.status_code == 200
        await socket.nothing_for(0.2)
        reused = await remote.client.post("/api/v1/auth/refresh", json=body)
        assert reused.status_code == 401
        code = await socket.close_code()

    assert code == 4401


async def test_removal_stops_operation(
    remote: PushApi,
    server: ServerProcess,
    server_db: async_sessionmaker[AsyncSession],
) -> None:
    reader = await remote.create_user()
    sender = await remote.create_user()
    left_code = await new_operation(remote, reader, sender)
    kept_code = await new_operation(remote, reader, sender)
    left_id = await operation_id_of(server_db, left_code)

    async with authed(server.ws_url, reader) as socket:
        await send(remote, left_code, sender, [reader], "before removal")
        before = await socket.frame()
        await admin_call(
            remote, "DELETE", f"/operations/{left_code}/members/{reader.id}"
        )
        # An event of the left_code operation that committed before the removal
        # but is read after it: it must not be sent.
        await write_received(
            server_db, reader.id, [Delivery(left_id, sender.id, "late copy")]
        )
        await send(remote, kept_code, sender, [reader], "other operation")
        after = await socket.frame()
        await socket.nothing_for(0.2)
    async with authed(server.ws_url, reader, since=before["cursor"]) as socket:
        replayed = await socket.frames_until("caught_up")

    assert before["operation"] == left_code
    assert after["operation"] == kept_code
    assert after["item"]["subject"] == "other operation"
    assert [f.get("operation") for f in replayed] == [kept_code, None]


async def test_unusable_cursors_resync(remote: PushApi, server: ServerProcess) -> None:
    reader = await remote.create_user()
    sender = await remote.create_user()
    other = await remote.create_user()
    code = await new_operation(remote, reader, sender)
    async with authed(server.ws_url, reader) as socket:
        await send(remote, code, sender, [reader], "one")
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
            await send(remote, code, sender, [reader], f"after {case}")
            live_frame = await socket.frame()
            assert live_frame["item"]["subject"] == f"after {case}", case


async def test_no_auth_in_time_closes(server: ServerProcess) -> None:
    async with live(server.ws_url) as socket:
        started = time.monotonic()
        code = await socket.close_code(wait=3)

    assert code == 4401
    assert socket.close_reason == "no auth frame within 1 s"
    assert 0.9 < time.monotonic() - started < 2.5


async def test_bad_first_frames_close(remote: PushApi, server: ServerProcess) -> None:
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
    remote: PushApi, server: ServerProcess
) -> None:
    reader = await remote.create_user()
    sender = await remote.create_user()
    code = await new_operation(remote, reader, sender)

    async with authed(server.ws_url, reader) as socket:
        await socket.send({"type": "subscribe", "operation": code})
        await socket.send("not JSON")
        await socket.send(b"\x00\x01")
        await socket.send({"type": "auth"})
        await send(remote, code, sender, [reader], "still delivered")
        frame = await socket.frame()

    assert frame["item"]["subject"] == "still delivered"


async def test_silent_peer_is_closed(remote: PushApi, server: ServerProcess) -> None:
    """A client that stops sending pongs is disconnected by the server."""
    account = await remote.create_user()
    protocol = ClientProtocol(parse_uri(server.ws_url))
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    try:
        protocol.send_request(protocol.connect())
        writer.write(b"".join(protocol.data_to_send()))
        await _read_until(protocol, reader, writer, Response)
        auth = {"type": "auth", "token": token_of(account)}
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
    remote: PushApi,
    server: ServerProcess,
    second_server: ServerProcess,
    server_db: async_sessionmaker[AsyncSession],
) -> None:
    reader = await remote.create_user()
    sender = await remote.create_user()
    left_code = await new_operation(remote, reader, sender)
    kept_code = await new_operation(remote, reader, sender)
    left_id = await operation_id_of(server_db, left_code)

    async with authed(second_server.ws_url, reader) as socket:
        await send(remote, kept_code, sender, [reader], "across processes")
        across = await socket.frame()
        await admin_call(
            remote, "DELETE", f"/operations/{left_code}/members/{reader.id}"
        )
        await write_received(
            server_db, reader.id, [Delivery(left_id, sender.id, "late copy")]
        )
        await send(remote, kept_code, sender, [reader], "after removal")
        after = await socket.frame()
        await admin_call(
            remote, "PATCH", f"/users/{reader.id}", json={"is_active": False}
        )
        code = await socket.close_code()

    assert across["item"]["subject"] == "across processes"
    assert after["item"]["subject"] == "after removal"
    assert code == 4403


async def test_logout_reaches_other_process(
    remote: PushApi, second_server: ServerProcess
) -> None:
    account = await remote.create_user()
    pair = await remote.client.post(
        "/api/v1/auth/token",
        data={"username": account.username, "password": account.password},
    )
    tokens = pair.json()
    account.headers = {"Authorization": f"Bearer {tokens['access_token']}"}

    async with authed(second_server.ws_url, account) as socket:
        response = await remote.client.post(
            "/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]}
        )
        assert response.status_code == 204
        code = await socket.close_code()

    assert code == 4401
