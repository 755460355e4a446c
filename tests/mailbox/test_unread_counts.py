"""Unread counts stay exact through moves and reads, also under concurrent requests."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import func, select

from app.models import MailboxEvent, User
from tests.conftest import Account
from tests.mailbox.seeding import seed_received
from tests.messages.sending import Cug, Env, context_of, inbox, send_ok, to_users

FOLDERS = ("inbox", "sent", "archive", "trash")


async def counts(cug: Cug, owner: Account) -> dict[str, int]:
    result = {}
    for folder in FOLDERS:
        page = await inbox(cug.client, cug.code, owner, folder=folder)
        result[folder] = page["unread_count"]
    return result


async def patch(
    cug: Cug, owner: Account, item_id: str, **change: Any
) -> httpx.Response:
    return await cug.client.patch(
        f"/api/v1/operations/{cug.code}/mailbox/{item_id}",
        headers=owner.headers,
        json=change,
    )


async def bulk(
    cug: Cug, owner: Account, item_ids: list[str], action: str
) -> httpx.Response:
    return await cug.client.post(
        f"/api/v1/operations/{cug.code}/mailbox/bulk",
        headers=owner.headers,
        json={"item_ids": item_ids, "action": action},
    )


async def listed_unread(cug: Cug, owner: Account) -> dict[str, int]:
    """Count the unread items each folder lists, independently of unread_count."""
    result = {}
    for folder in FOLDERS:
        page = await inbox(cug.client, cug.code, owner, folder=folder, limit=200)
        result[folder] = sum(1 for item in page["items"] if not item["read"])
    return result


async def event_seqs(env: Env, owner: Account) -> list[int]:
    async with context_of(env.app).sessionmaker() as session:
        seqs = await session.scalars(
            select(MailboxEvent.seq)
            .where(MailboxEvent.user_id == owner.id)
            .order_by(MailboxEvent.seq)
        )
        return list(seqs)


async def mailbox_seq(env: Env, owner: Account) -> int:
    async with context_of(env.app).sessionmaker() as session:
        value = await session.scalar(
            select(User.mailbox_seq).where(User.id == owner.id)
        )
        return int(value or 0)


async def item_event_count(env: Env, item_id: str) -> int:
    async with context_of(env.app).sessionmaker() as session:
        value = await session.scalar(
            select(func.count()).where(MailboxEvent.item_id == item_id)
        )
        return int(value or 0)


async def test_counts_after_moves_and_reads(cug: Cug, env: Env) -> None:
    items = await seed_received(env.app, cug.code, cug.user_vn, cug.user_th, 5)
    owner = cug.user_th
    steps: list[tuple[str, dict[str, Any], dict[str, int]]] = [
        (items[0], {"read": True}, {"inbox": 4}),
        (items[1], {"folder": "archive"}, {"inbox": 3, "archive": 1}),
        (items[0], {"folder": "trash"}, {"inbox": 3, "archive": 1}),
        (items[1], {"folder": "trash"}, {"inbox": 3, "trash": 1}),
        (items[0], {"read": False}, {"inbox": 3, "trash": 2}),
        (items[2], {"read": True, "folder": "archive"}, {"inbox": 2, "trash": 2}),
        (items[0], {"folder": "restore"}, {"inbox": 3, "trash": 1}),
        (items[2], {"read": False}, {"inbox": 3, "archive": 1, "trash": 1}),
    ]

    for item_id, change, expected in steps:
        response = await patch(cug, owner, item_id, **change)
        assert response.status_code == 200, response.text
        want = {folder: expected.get(folder, 0) for folder in FOLDERS}
        assert await counts(cug, owner) == want, change


async def test_counts_after_bulk(cug: Cug, env: Env) -> None:
    items = await seed_received(env.app, cug.code, cug.user_vn, cug.user_th, 6)
    owner = cug.user_th

    await bulk(cug, owner, items[:4], "archive")
    await bulk(cug, owner, items[2:], "read")
    await bulk(cug, owner, items[:2], "trash")
    await bulk(cug, owner, items[3:5], "unread")

    assert await counts(cug, owner) == {
        "inbox": 1,
        "sent": 0,
        "archive": 1,
        "trash": 2,
    }


async def test_new_mail_counts(cug: Cug) -> None:
    for _ in range(3):
        await send_ok(
            cug.client, cug.code, cug.user_vn, recipients=to_users(cug.user_th)
        )

    receiver = await counts(cug, cug.user_th)
    sender = await counts(cug, cug.user_vn)

    assert receiver["inbox"] == 3
    assert sender == {"inbox": 0, "sent": 0, "archive": 0, "trash": 0}


async def test_concurrent_bulk_reads_count_once(cug: Cug, env: Env) -> None:
    items = await seed_received(env.app, cug.code, cug.user_vn, cug.user_th, 20)
    # 30 overlapping windows: every item is named by several requests.
    windows = [[items[(start + k) % 20] for k in range(7)] for start in range(30)]

    responses = await asyncio.gather(
        *(bulk(cug, cug.user_th, window, "read") for window in windows)
    )

    assert [r.status_code for r in responses] == [200] * 30
    assert sum(r.json()["updated"] for r in responses) == 20
    assert (await counts(cug, cug.user_th))["inbox"] == 0


async def test_concurrent_patches_one_event(cug: Cug, env: Env) -> None:
    (item_id,) = await seed_received(env.app, cug.code, cug.user_vn, cug.user_th, 1)

    responses = await asyncio.gather(
        *(patch(cug, cug.user_th, item_id, read=True) for _ in range(10))
    )

    assert [r.status_code for r in responses] == [200] * 10
    assert await item_event_count(env, item_id) == 1
    assert len({r.json()["cursor"] for r in responses}) == 1


async def test_concurrent_mixed_changes_consistent(cug: Cug, env: Env) -> None:
    owner = cug.user_th
    items = await seed_received(env.app, cug.code, cug.user_vn, owner, 12)
    seq_after_seed = await mailbox_seq(env, owner)
    requests = []
    for n, item_id in enumerate(items):
        requests.append(patch(cug, owner, item_id, read=n % 2 == 0))
        requests.append(patch(cug, owner, item_id, folder=FOLDERS[2 + n % 2]))
        requests.append(patch(cug, owner, item_id, read=n % 3 == 0))
    for start in range(0, 12, 3):
        requests.append(bulk(cug, owner, items[start : start + 5], "restore"))
        requests.append(bulk(cug, owner, items[start : start + 4], "unread"))

    responses = await asyncio.gather(*requests)

    assert {r.status_code for r in responses} == {200}
    assert await counts(cug, owner) == await listed_unread(cug, owner)
    seqs = await event_seqs(env, owner)
    final_seq = await mailbox_seq(env, owner)
    assert seqs == list(range(seq_after_seed + 1, final_seq + 1))


async def test_item_cursor_is_latest_event(cug: Cug, env: Env) -> None:
    owner = cug.user_th
    items = await seed_received(env.app, cug.code, cug.user_vn, owner, 6)
    await asyncio.gather(
        *(patch(cug, owner, i, read=True) for i in items),
        *(patch(cug, owner, i, folder="archive") for i in items[:3]),
        bulk(cug, owner, items, "trash"),
    )
    codec = context_of(env.app).event_cursors

    listed = []
    for folder in FOLDERS:
        page = await inbox(cug.client, cug.code, owner, folder=folder)
        listed += page["items"]
    async with context_of(env.app).sessionmaker() as session:
        rows = await session.execute(
            select(MailboxEvent.item_id, func.max(MailboxEvent.seq))
            .where(MailboxEvent.user_id == owner.id)
            .group_by(MailboxEvent.item_id)
        )
        latest = {row[0]: int(row[1]) for row in rows}

    assert sorted(item["id"] for item in listed) == sorted(items)
    for item in listed:
        assert codec.decode(owner.id, item["cursor"]) == latest[item["id"]]
