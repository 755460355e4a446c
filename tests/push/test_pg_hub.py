"""The PostgreSQL hub: payload chunks, and notices between two hubs.

Two hubs on one database stand for two server processes. The notice tests
need PostgreSQL and are skipped on SQLite.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import asyncpg
import pytest

from app.config import Settings
from app.ids import new_id
from app.push.pg_hub import (
    MAX_PAYLOAD_BYTES,
    PostgresHub,
    asyncpg_dsn,
    chunk_user_ids,
)

WAIT_SECONDS = 5.0


def test_asyncpg_dsn_drops_driver() -> None:
    url = "postgresql+asyncpg://postgres:pw@127.0.0.1:5432/cencomm_test"

    assert asyncpg_dsn(url) == "postgresql://postgres:pw@127.0.0.1:5432/cencomm_test"


def test_chunks_stay_under_limit() -> None:
    user_ids = [new_id() for _ in range(1000)]

    payloads = list(chunk_user_ids("origin-1", user_ids))

    assert len(payloads) > 1
    assert all(len(p.encode()) <= MAX_PAYLOAD_BYTES for p in payloads)
    decoded = [json.loads(p) for p in payloads]
    assert all(d["origin"] == "origin-1" for d in decoded)
    assert [u for d in decoded for u in d["users"]] == user_ids


def test_chunks_name_each_id_once() -> None:
    payloads = list(chunk_user_ids("o", ["a", "b", "a"]))

    assert [json.loads(p)["users"] for p in payloads] == [["a", "b"]]


def test_no_ids_no_payload() -> None:
    assert list(chunk_user_ids("o", [])) == []


@dataclass(eq=False)
class RecordingSubscriber:
    user_id: str
    session_id: str = "session-1"
    wakes: int = 0
    rechecks: int = 0
    dropped: list[str] = field(default_factory=list)
    closes: list[tuple[int, str]] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def wake(self) -> None:
        self.wakes += 1
        self.changed.set()

    def recheck(self) -> None:
        self.rechecks += 1
        self.changed.set()

    def drop_operation(self, operation_id: str) -> None:
        self.dropped.append(operation_id)
        self.changed.set()

    def close_soon(self, code: int, reason: str) -> None:
        self.closes.append((code, reason))
        self.changed.set()

    async def wait_for_change(self) -> None:
        await asyncio.wait_for(self.changed.wait(), timeout=WAIT_SECONDS)
        self.changed.clear()


@pytest.fixture
async def hubs(migrated: Settings) -> AsyncIterator[tuple[PostgresHub, PostgresHub]]:
    if migrated.is_sqlite:
        pytest.skip("LISTEN/NOTIFY needs PostgreSQL; set CENCOMM_TEST_DATABASE_URL")
    first = PostgresHub(migrated.effective_database_url)
    second = PostgresHub(migrated.effective_database_url)
    await first.start()
    await second.start()
    yield first, second
    await first.stop()
    await second.stop()


async def test_publish_wakes_other_process(
    hubs: tuple[PostgresHub, PostgresHub],
) -> None:
    sender, receiver = hubs
    subscriber = RecordingSubscriber(new_id())
    receiver.subscribe(subscriber)

    await sender.publish([subscriber.user_id])
    await subscriber.wait_for_change()

    assert subscriber.wakes == 1


async def test_large_publish_wakes_everyone(
    hubs: tuple[PostgresHub, PostgresHub],
) -> None:
    sender, receiver = hubs
    subscribers = [RecordingSubscriber(new_id()) for _ in range(600)]
    for subscriber in subscribers:
        receiver.subscribe(subscriber)

    await sender.publish(s.user_id for s in subscribers)
    await asyncio.gather(*(s.wait_for_change() for s in subscribers))

    assert all(s.wakes == 1 for s in subscribers)


async def test_own_publish_delivered_once(
    hubs: tuple[PostgresHub, PostgresHub],
) -> None:
    sender, receiver = hubs
    local = RecordingSubscriber(new_id())
    remote = RecordingSubscriber(local.user_id)
    sender.subscribe(local)
    receiver.subscribe(remote)

    await sender.publish([local.user_id])
    await remote.wait_for_change()
    # The echo of the notification reaches `sender` no later than `receiver`.
    await asyncio.sleep(0.2)

    assert local.wakes == 1


async def test_control_notices_reach_other_process(
    hubs: tuple[PostgresHub, PostgresHub],
) -> None:
    sender, receiver = hubs
    subscriber = RecordingSubscriber(new_id(), session_id=new_id())
    bystander = RecordingSubscriber(new_id())
    receiver.subscribe(subscriber)
    receiver.subscribe(bystander)

    await sender.member_removed(subscriber.user_id, "operation-7")
    await subscriber.wait_for_change()
    await sender.session_revoked(subscriber.session_id)
    await subscriber.wait_for_change()
    await sender.user_deactivated(subscriber.user_id)
    await subscriber.wait_for_change()

    assert subscriber.dropped == ["operation-7"]
    assert subscriber.closes == [(4401, "login revoked"), (4403, "account deactivated")]
    assert bystander.closes == []
    assert bystander.dropped == []


async def test_listener_reconnects(
    hubs: tuple[PostgresHub, PostgresHub], migrated: Settings
) -> None:
    sender, receiver = hubs
    subscriber = RecordingSubscriber(new_id())
    receiver.subscribe(subscriber)
    lost_pid = receiver.listener_pid
    assert lost_pid is not None

    connection = await asyncpg.connect(asyncpg_dsn(migrated.effective_database_url))
    try:
        await connection.execute("SELECT pg_terminate_backend($1)", lost_pid)
    finally:
        await connection.close()
    await subscriber.wait_for_change()

    assert subscriber.rechecks == 1
    assert receiver.listen_count == 2
    assert receiver.listener_pid not in (None, lost_pid)
    await sender.publish([subscriber.user_id])
    await subscriber.wait_for_change()
    assert subscriber.wakes == 1
