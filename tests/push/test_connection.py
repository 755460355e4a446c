"""`Connection` driven in-process over a fake socket, on the test database.

These cases need control over timing that a network client does not give:
a client that stops reading, a removal while frames wait in the queue, a
replay that is still running when new events commit.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.context import AppContext
from app.db import commit
from app.models import AuthSession, Operation, User
from app.push.connection import Connection
from app.push.hub import Hub
from tests.conftest import Account, Api
from tests.push.conftest import PushApi, context_of
from tests.push.direct_events import Delivery, WrittenEvent, write_received
from tests.push.fake_socket import FakeSocket


def with_settings(context: AppContext, **changes: Any) -> AppContext:
    return replace(context, settings=context.settings.model_copy(update=changes))


def token_of(account: Account) -> str:
    return account.headers["Authorization"].removeprefix("Bearer ")


async def operation_id_of(context: AppContext, code: str) -> str:
    async with context.sessionmaker() as session:
        operation_id = await session.scalar(
            select(Operation.id).where(Operation.code == code)
        )
    assert operation_id is not None
    return operation_id


@asynccontextmanager
async def running(socket: FakeSocket, context: AppContext) -> AsyncIterator[Connection]:
    """Run a connection on the socket; at the end the client disconnects."""
    connection = Connection(socket, context)
    task = asyncio.create_task(connection.run())
    try:
        yield connection
    finally:
        if not task.done():
            socket.client_disconnects()
        await asyncio.wait_for(task, timeout=5)


async def member_of_new_operation(api: Api, app: Any) -> tuple[Account, str, str]:
    member = await api.create_user()
    code = await api.create_operation()
    await api.add_member(code, member)
    return member, code, await operation_id_of(context_of(app), code)


def cursors_of(
    context: AppContext, user_id: str, events: list[WrittenEvent]
) -> list[str]:
    return [context.event_cursors.encode(user_id, e.seq) for e in events]


async def test_replay_then_live_in_order(live_app: Any, live_api: PushApi) -> None:
    context = context_of(live_app)
    member, _, operation_id = await member_of_new_operation(live_api, live_app)
    deliveries = [Delivery(operation_id, member.id, f"old {n}") for n in range(450)]
    old = await write_received(context.sessionmaker, member.id, deliveries)
    socket = FakeSocket()
    socket.gate.clear()
    since = context.event_cursors.encode(member.id, old[0].seq)

    async with running(socket, with_settings(context, ws_send_queue_size=10)):
        socket.client_sends({"type": "auth", "token": token_of(member), "since": since})
        # `ready` is on its way, so the snapshot is taken; the replay now
        # waits for room in the queue of ten while these events commit.
        await socket.wait_until(lambda: socket.send_attempts >= 1)
        later = [Delivery(operation_id, member.id, f"new {n}") for n in range(50)]
        new = await write_received(context.sessionmaker, member.id, later)
        await context.hub.publish([member.id])
        socket.gate.set()
        frames = await socket.frames(1 + 449 + 1 + 50)

    assert frames[0] == {"type": "ready", "user_id": member.id}
    replayed = [f["cursor"] for f in frames[1:450]]
    assert replayed == cursors_of(context, member.id, old[1:])
    assert frames[450] == {"type": "caught_up", "cursor": replayed[-1]}
    live = [f["cursor"] for f in frames[451:]]
    assert live == cursors_of(context, member.id, new)
    assert len(socket.sent) == 501


async def test_replay_frame_shape(live_app: Any, live_api: PushApi) -> None:
    context = context_of(live_app)
    member, code, operation_id = await member_of_new_operation(live_api, live_app)
    sender = await live_api.create_user(display_name="Nguyen Van A", country="VN")
    [event] = await write_received(
        context.sessionmaker, member.id, [Delivery(operation_id, sender.id, "Hi")]
    )
    socket = FakeSocket()
    since = context.event_cursors.encode(member.id, 0)

    async with running(socket, context):
        socket.client_sends({"type": "auth", "token": token_of(member), "since": since})
        frames = await socket.frames(3)

    frame = frames[1]
    cursor = context.event_cursors.encode(member.id, event.seq)
    assert frame["type"] == "mailbox.item"
    assert frame["operation"] == code
    assert frame["cursor"] == cursor
    assert frame["item"]["id"] == event.item_id
    assert frame["item"]["subject"] == "Hi"
    assert frame["item"]["folder"] == "inbox"
    assert frame["item"]["cursor"] == cursor
    assert frame["item"]["sender"] == {
        "id": sender.id,
        "display_name": "Nguyen Van A",
        "country": "VN",
    }
    assert frames[2] == {"type": "caught_up", "cursor": cursor}


async def test_replay_skips_other_operations(live_app: Any, live_api: PushApi) -> None:
    context = context_of(live_app)
    member, _, mine = await member_of_new_operation(live_api, live_app)
    other = await operation_id_of(context, await live_api.create_operation())
    events = await write_received(
        context.sessionmaker,
        member.id,
        [
            Delivery(mine, member.id, "mine 1"),
            Delivery(other, member.id, "other 1"),
            Delivery(mine, member.id, "mine 2"),
            Delivery(other, member.id, "other 2"),
        ],
    )
    socket = FakeSocket()
    since = context.event_cursors.encode(member.id, 0)

    async with running(socket, context):
        socket.client_sends({"type": "auth", "token": token_of(member), "since": since})
        await socket.wait_until(
            lambda: any(f["type"] == "caught_up" for f in socket.sent)
        )

    subjects = [f["item"]["subject"] for f in socket.events()]
    assert subjects == ["mine 1", "mine 2"]
    last_sent = context.event_cursors.encode(member.id, events[2].seq)
    assert socket.sent[-1] == {"type": "caught_up", "cursor": last_sent}


async def test_live_overflow_closes_socket(live_app: Any, live_api: PushApi) -> None:
    context = context_of(live_app)
    member, _, operation_id = await member_of_new_operation(live_api, live_app)
    socket = FakeSocket()

    # The queue may stay full for 0.2 s; a single send may take 0.7 s.
    impatient = with_settings(
        context,
        ws_send_queue_size=5,
        ws_ping_interval_seconds=0.5,
        ws_ping_timeout_seconds=0.2,
    )

    async with running(socket, impatient):
        socket.client_sends({"type": "auth", "token": token_of(member)})
        await socket.frames(1)
        socket.gate.clear()
        deliveries = [Delivery(operation_id, member.id, f"m {n}") for n in range(20)]
        await write_received(context.sessionmaker, member.id, deliveries)
        await context.hub.publish([member.id])
        await asyncio.wait_for(socket.closed.wait(), timeout=5)

    assert socket.close_code == 1013
    assert socket.close_reason == "client too slow: send queue full"
    assert socket.events() == []


async def test_removal_discards_queued_frames(live_app: Any, live_api: PushApi) -> None:
    context = context_of(live_app)
    member, code_a, op_a = await member_of_new_operation(live_api, live_app)
    code_b = await live_api.create_operation()
    await live_api.add_member(code_b, member)
    op_b = await operation_id_of(context, code_b)
    socket = FakeSocket()

    async with running(socket, context):
        socket.client_sends({"type": "auth", "token": token_of(member)})
        await socket.frames(1)
        socket.gate.clear()
        await write_received(
            context.sessionmaker,
            member.id,
            [
                Delivery(op_b, member.id, "B1"),
                Delivery(op_a, member.id, "A1"),
                Delivery(op_b, member.id, "B2"),
                Delivery(op_a, member.id, "A2"),
            ],
        )
        await context.hub.publish([member.id])
        # B1 is being written; A1, B2 and A2 wait in the queue.
        await socket.wait_until(lambda: socket.send_attempts == 2)
        assert live_api.admin is not None
        response = await live_api.client.delete(
            f"/api/v1/operations/{code_a}/members/{member.id}",
            headers=live_api.admin.headers,
        )
        assert response.status_code == 204
        socket.gate.set()
        # A3 committed before the removal would have, but is read after it.
        await write_received(
            context.sessionmaker,
            member.id,
            [Delivery(op_a, member.id, "A3"), Delivery(op_b, member.id, "B3")],
        )
        await context.hub.publish([member.id])
        await socket.wait_until(lambda: len(socket.events()) >= 3)

    subjects = [f["item"]["subject"] for f in socket.events()]
    assert subjects == ["B1", "B2", "B3"]


class CountingSessionmaker:
    """Wraps a sessionmaker and counts the sessions opened."""

    def __init__(self, inner: Callable[[], AsyncSession]) -> None:
        self.inner = inner
        self.opened = 0

    def __call__(self) -> AsyncSession:
        self.opened += 1
        return self.inner()


async def test_wakes_coalesce_into_one_read(live_app: Any, live_api: PushApi) -> None:
    context = context_of(live_app)
    member, _, operation_id = await member_of_new_operation(live_api, live_app)
    counting = CountingSessionmaker(context.sessionmaker)
    counted = replace(context, sessionmaker=cast(Any, counting))
    socket = FakeSocket()

    async with running(socket, counted) as connection:
        socket.client_sends({"type": "auth", "token": token_of(member)})
        await socket.frames(1)
        opened_before = counting.opened
        deliveries = [Delivery(operation_id, member.id, f"m {n}") for n in range(3)]
        await write_received(context.sessionmaker, member.id, deliveries)
        for _ in range(50):
            connection.wake()
        await socket.wait_until(lambda: len(socket.events()) == 3)
        await asyncio.sleep(0.1)
        reads = counting.opened - opened_before

    assert reads == 1


async def test_recheck_finds_deactivation(live_app: Any, live_api: PushApi) -> None:
    context = context_of(live_app)
    member, _, _ = await member_of_new_operation(live_api, live_app)
    socket = FakeSocket()

    async with running(socket, context):
        socket.client_sends({"type": "auth", "token": token_of(member)})
        await socket.frames(1)
        # Changed behind the hub's back, as when a notification was lost.
        async with context.sessionmaker() as session:
            await session.execute(
                update(User).where(User.id == member.id).values(is_active=False)
            )
            await commit(session)
        context.hub.recheck_all()
        await asyncio.wait_for(socket.closed.wait(), timeout=5)

    assert socket.close_code == 4403


async def test_recheck_finds_revoked_login(live_app: Any, live_api: PushApi) -> None:
    context = context_of(live_app)
    member, _, _ = await member_of_new_operation(live_api, live_app)
    socket = FakeSocket()

    async with running(socket, context):
        socket.client_sends({"type": "auth", "token": token_of(member)})
        await socket.frames(1)
        async with context.sessionmaker() as session:
            await session.execute(
                update(AuthSession)
                .where(AuthSession.user_id == member.id)
                .values(revoked_at=datetime.now(UTC))
            )
            await commit(session)
        context.hub.recheck_all()
        await asyncio.wait_for(socket.closed.wait(), timeout=5)

    assert socket.close_code == 4401
    assert socket.close_reason == "login revoked"


async def test_hub_stop_closes_1001(live_app: Any, live_api: PushApi) -> None:
    context = context_of(live_app)
    member, _, _ = await member_of_new_operation(live_api, live_app)
    hub = Hub()
    socket = FakeSocket()

    async with running(socket, replace(context, hub=hub)):
        socket.client_sends({"type": "auth", "token": token_of(member)})
        await socket.frames(1)
        await hub.stop()
        await asyncio.wait_for(socket.closed.wait(), timeout=5)

    assert socket.close_code == 1001
    assert hub.connection_count() == 0


async def test_malformed_authorization_header(live_app: Any, live_api: PushApi) -> None:
    context = context_of(live_app)
    member, _, _ = await member_of_new_operation(live_api, live_app)
    socket = FakeSocket(headers={"authorization": f"Token {token_of(member)}"})

    async with running(socket, context):
        await asyncio.wait_for(socket.closed.wait(), timeout=5)

    assert socket.close_code == 4401
    assert socket.sent == []


async def test_auth_frame_with_bad_since_type(live_app: Any, live_api: PushApi) -> None:
    context = context_of(live_app)
    member, _, _ = await member_of_new_operation(live_api, live_app)
    socket = FakeSocket()

    async with running(socket, context):
        socket.client_sends({"type": "auth", "token": token_of(member), "since": 5})
        await asyncio.wait_for(socket.closed.wait(), timeout=5)

    assert socket.close_code == 4401
    assert socket.sent == []


async def test_disconnect_unsubscribes(live_app: Any, live_api: PushApi) -> None:
    context = context_of(live_app)
    member, _, _ = await member_of_new_operation(live_api, live_app)
    socket = FakeSocket()
    count_before = context.hub.connection_count()

    async with running(socket, context):
        socket.client_sends({"type": "auth", "token": token_of(member)})
        await socket.frames(1)
        assert context.hub.connection_count() == count_before + 1

    assert context.hub.connection_count() == count_before
    assert socket.closed.is_set() is False
