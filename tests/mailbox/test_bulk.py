"""Bulk actions: the 500 entry limit, all or nothing, and what counts as updated."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import Account
from tests.mailbox.seeding import seed_received
from tests.messages.sending import Cug, Env, inbox, send_ok, to_users

MAX_ENTRIES = 500


async def bulk(
    cug: Cug, owner: Account, item_ids: list[str], action: str | None
) -> httpx.Response:
    return await cug.client.post(
        f"/api/v1/operations/{cug.code}/mailbox/bulk",
        headers=owner.headers,
        json={"item_ids": item_ids, "action": action},
    )


async def updated(cug: Cug, owner: Account, item_ids: list[str], action: str) -> int:
    response = await bulk(cug, owner, item_ids, action)
    assert response.status_code == 200, response.text
    count: int = response.json()["updated"]
    return count


async def snapshot(cug: Cug, owner: Account) -> dict[str, Any]:
    """Each item of the owner by id, over every folder."""
    items: dict[str, Any] = {}
    for folder in ("inbox", "sent", "archive", "trash"):
        page = await inbox(cug.client, cug.code, owner, folder=folder, limit=200)
        cursor = page["next_cursor"]
        items |= {i["id"]: i for i in page["items"]}
        while cursor:
            page = await inbox(
                cug.client, cug.code, owner, folder=folder, limit=200, cursor=cursor
            )
            items |= {i["id"]: i for i in page["items"]}
            cursor = page["next_cursor"]
    return items


async def foreign_item(cug: Cug) -> str:
    """An item of the Cambodian user."""
    await send_ok(cug.client, cug.code, cug.user_vn, recipients=to_users(cug.user_kh))
    return str((await inbox(cug.client, cug.code, cug.user_kh))["items"][0]["id"])


async def test_five_hundred_distinct_items(cug: Cug, env: Env) -> None:
    ids = await seed_received(env.app, cug.code, cug.user_vn, cug.user_th, 500)

    count = await updated(cug, cug.user_th, ids, "read")

    page = await inbox(cug.client, cug.code, cug.user_th)
    assert count == 500
    assert page["unread_count"] == 0


async def test_five_hundred_and_one_rejected(cug: Cug, env: Env) -> None:
    ids = await seed_received(env.app, cug.code, cug.user_vn, cug.user_th, 3)
    entries = (ids * 200)[: MAX_ENTRIES + 1]

    response = await bulk(cug, cug.user_th, entries, "read")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "item_ids"
    assert (await inbox(cug.client, cug.code, cug.user_th))["unread_count"] == 3


async def test_limit_checked_before_ownership(cug: Cug, env: Env) -> None:
    foreign = await foreign_item(cug)
    entries = [foreign] + ["0" * 32] * MAX_ENTRIES

    response = await bulk(cug, cug.user_th, entries, "trash")

    assert response.status_code == 422


async def test_duplicates_count_to_limit(cug: Cug, env: Env) -> None:
    ids = await seed_received(env.app, cug.code, cug.user_vn, cug.user_th, 2)

    at_limit = await bulk(cug, cug.user_th, [ids[0]] * MAX_ENTRIES, "read")
    over_limit = await bulk(cug, cug.user_th, [ids[1]] * (MAX_ENTRIES + 1), "read")

    assert at_limit.status_code == 200
    assert at_limit.json() == {"updated": 1}
    assert over_limit.status_code == 422


async def test_empty_list_rejected(cug: Cug) -> None:
    response = await bulk(cug, cug.user_th, [], "read")

    assert response.status_code == 422


async def test_unknown_action_rejected(cug: Cug, env: Env) -> None:
    ids = await seed_received(env.app, cug.code, cug.user_vn, cug.user_th, 1)

    for action in ("delete", "inbox", "sent", "", None):
        response = await bulk(cug, cug.user_th, ids, action)
        assert response.status_code == 422, action


async def test_one_foreign_changes_nothing(cug: Cug, env: Env) -> None:
    own = await seed_received(env.app, cug.code, cug.user_vn, cug.user_th, 499)
    foreign = await foreign_item(cug)
    before = await snapshot(cug, cug.user_th)

    response = await bulk(cug, cug.user_th, [*own[:250], foreign, *own[250:]], "trash")

    assert response.status_code == 404
    assert await snapshot(cug, cug.user_th) == before
    assert len(before) == 499


async def test_missing_id_changes_nothing(cug: Cug, env: Env) -> None:
    own = await seed_received(env.app, cug.code, cug.user_vn, cug.user_th, 3)
    before = await snapshot(cug, cug.user_th)

    response = await bulk(cug, cug.user_th, [*own, "0" * 32], "read")

    assert response.status_code == 404
    assert await snapshot(cug, cug.user_th) == before


async def test_foreign_item_left_alone(cug: Cug) -> None:
    foreign = await foreign_item(cug)

    response = await bulk(cug, cug.user_th, [foreign], "trash")

    item = (await inbox(cug.client, cug.code, cug.user_kh))["items"][0]
    assert response.status_code == 404
    assert item["folder"] == "inbox"


async def test_item_of_other_operation_not_found(cug: Cug) -> None:
    other = await cug.api.create_operation()
    await cug.api.add_member(other, cug.user_vn)
    await cug.api.add_member(other, cug.user_th)
    await send_ok(cug.client, other, cug.user_vn, recipients=to_users(cug.user_th))
    elsewhere = (await inbox(cug.client, other, cug.user_th))["items"][0]["id"]

    response = await bulk(cug, cug.user_th, [elsewhere], "read")

    assert response.status_code == 404


async def test_updated_counts_changes_only(cug: Cug, env: Env) -> None:
    ids = await seed_received(env.app, cug.code, cug.user_vn, cug.user_th, 4)
    await updated(cug, cug.user_th, ids[:1], "read")

    first = await updated(cug, cug.user_th, ids, "read")
    second = await updated(cug, cug.user_th, ids, "read")

    assert first == 3
    assert second == 0


async def test_updated_counts_duplicates_once(cug: Cug, env: Env) -> None:
    ids = await seed_received(env.app, cug.code, cug.user_vn, cug.user_th, 2)

    count = await updated(cug, cug.user_th, [ids[0], ids[0], ids[1], ids[0]], "read")

    assert count == 2


async def test_bulk_moves_and_restores(cug: Cug, env: Env) -> None:
    ids = await seed_received(env.app, cug.code, cug.user_vn, cug.user_th, 3)

    archived = await updated(cug, cug.user_th, ids[:2], "archive")
    trashed = await updated(cug, cug.user_th, ids, "trash")
    restored = await updated(cug, cug.user_th, ids, "restore")
    again = await updated(cug, cug.user_th, ids, "restore")

    assert archived == 2
    assert trashed == 3
    assert restored == 3
    assert again == 0


async def test_restore_mixed_home_folders(cug: Cug) -> None:
    await send_ok(cug.client, cug.code, cug.user_th, recipients=to_users(cug.user_vn))
    await send_ok(cug.client, cug.code, cug.user_vn, recipients=to_users(cug.user_th))
    received = (await inbox(cug.client, cug.code, cug.user_vn))["items"][0]["id"]
    sent = (await inbox(cug.client, cug.code, cug.user_vn, folder="sent"))["items"][0][
        "id"
    ]
    await updated(cug, cug.user_vn, [received, sent], "trash")

    count = await updated(cug, cug.user_vn, [received, sent], "restore")

    items = await snapshot(cug, cug.user_vn)
    assert count == 2
    assert items[received]["folder"] == "inbox"
    assert items[sent]["folder"] == "sent"


async def test_unread_skips_sent_copies(cug: Cug) -> None:
    await send_ok(cug.client, cug.code, cug.user_th, recipients=to_users(cug.user_vn))
    await send_ok(cug.client, cug.code, cug.user_vn, recipients=to_users(cug.user_th))
    received = (await inbox(cug.client, cug.code, cug.user_vn))["items"][0]["id"]
    sent = (await inbox(cug.client, cug.code, cug.user_vn, folder="sent"))["items"][0][
        "id"
    ]
    await updated(cug, cug.user_vn, [received], "read")

    count = await updated(cug, cug.user_vn, [received, sent], "unread")

    items = await snapshot(cug, cug.user_vn)
    assert count == 1
    assert items[sent]["read"] is True
    assert items[received]["read"] is False


async def test_bulk_on_closed_operation(cug: Cug, env: Env) -> None:
    ids = await seed_received(env.app, cug.code, cug.user_vn, cug.user_th, 2)
    await cug.api.set_status(cug.code, "closed")

    count = await updated(cug, cug.user_th, ids, "archive")

    assert count == 2
