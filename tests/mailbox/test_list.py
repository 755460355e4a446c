"""Mailbox lists: order, sender columns, unread filter and keyset paging."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Account
from tests.mailbox.seeding import seed_received
from tests.messages.sending import Cug, Env, add_upload, inbox, send_ok, to_users


async def send_to_th(cug: Cug, sender: Account | None = None, **extra: Any) -> str:
    message = await send_ok(
        cug.client,
        cug.code,
        sender or cug.user_vn,
        recipients=to_users(cug.user_th),
        **extra,
    )
    return str(message["id"])


async def mailbox_get(cug: Cug, owner: Account, **params: Any) -> Any:
    return await cug.client.get(
        f"/api/v1/operations/{cug.code}/mailbox", headers=owner.headers, params=params
    )


async def patch_item(cug: Cug, owner: Account, item_id: str, **change: Any) -> Any:
    response = await cug.client.patch(
        f"/api/v1/operations/{cug.code}/mailbox/{item_id}",
        headers=owner.headers,
        json=change,
    )
    assert response.status_code == 200, response.text
    return response.json()


async def all_pages(cug: Cug, owner: Account, **params: Any) -> list[str]:
    ids: list[str] = []
    cursor = None
    while True:
        query = dict(params)
        if cursor:
            query["cursor"] = cursor
        page = await inbox(cug.client, cug.code, owner, **query)
        ids += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return ids


async def test_newest_first(cug: Cug) -> None:
    sent = [await send_to_th(cug, subject=f"Report {n}") for n in range(3)]

    page = await inbox(cug.client, cug.code, cug.user_th)

    assert [i["message_id"] for i in page["items"]] == sent[::-1]


async def test_item_shape(cug: Cug, env: Env) -> None:
    upload = await add_upload(env.app, cug.code, cug.user_vn)
    message_id = await send_to_th(
        cug, subject="Rosewood", type="message", attachment_ids=[upload]
    )

    item = (await inbox(cug.client, cug.code, cug.user_th))["items"][0]

    assert set(item) == {
        "id",
        "message_id",
        "folder",
        "type",
        "subject",
        "sender",
        "created_at",
        "read",
        "has_attachments",
        "cursor",
    }
    assert item["message_id"] == message_id
    assert item["folder"] == "inbox"
    assert item["type"] == "message"
    assert item["subject"] == "Rosewood"
    assert item["read"] is False
    assert item["has_attachments"] is True
    assert item["created_at"].endswith("Z")


async def test_item_names_sender_country(cug: Cug) -> None:
    await send_to_th(cug, sender=cug.ncp_kh)

    item = (await inbox(cug.client, cug.code, cug.user_th))["items"][0]

    assert item["sender"] == {
        "id": cug.ncp_kh.id,
        "display_name": "ncp_kh",
        "country": "KH",
    }


async def test_no_attachments_flag(cug: Cug) -> None:
    await send_to_th(cug)

    item = (await inbox(cug.client, cug.code, cug.user_th))["items"][0]

    assert item["has_attachments"] is False


async def test_list_shape(cug: Cug) -> None:
    page = await inbox(cug.client, cug.code, cug.user_th)

    assert page == {"items": [], "next_cursor": None, "unread_count": 0}


async def test_unread_filter(cug: Cug) -> None:
    first, second, third = [await send_to_th(cug) for _ in range(3)]
    items = (await inbox(cug.client, cug.code, cug.user_th))["items"]
    by_message = {i["message_id"]: i["id"] for i in items}
    await patch_item(cug, cug.user_th, by_message[second], read=True)

    unread = await inbox(cug.client, cug.code, cug.user_th, unread="true")
    everything = await inbox(cug.client, cug.code, cug.user_th)

    assert [i["message_id"] for i in unread["items"]] == [third, first]
    assert unread["unread_count"] == 2
    assert everything["unread_count"] == 2
    assert len(everything["items"]) == 3


async def test_lists_only_this_operation(cug: Cug) -> None:
    other = await cug.api.create_operation()
    await cug.api.add_member(other, cug.user_vn)
    await cug.api.add_member(other, cug.user_th)
    await send_ok(cug.client, other, cug.user_vn, recipients=to_users(cug.user_th))

    page = await inbox(cug.client, cug.code, cug.user_th)

    assert page["items"] == []
    assert page["unread_count"] == 0


async def test_non_member_not_found(cug: Cug) -> None:
    outsider = await cug.api.create_user("outsider")

    response = await mailbox_get(cug, outsider)

    assert response.status_code == 404


async def test_unknown_folder_rejected(cug: Cug) -> None:
    response = await mailbox_get(cug, cug.user_th, folder="drafts")

    assert response.status_code == 422


# Keyset paging.


async def test_pages_cover_everything(cug: Cug, env: Env) -> None:
    seeded = await seed_received(env.app, cug.code, cug.user_vn, cug.user_th, 7)

    ids = await all_pages(cug, cug.user_th, limit=3)

    assert ids == seeded[::-1]


async def test_last_page_has_no_cursor(cug: Cug, env: Env) -> None:
    await seed_received(env.app, cug.code, cug.user_vn, cug.user_th, 4)

    exact = await inbox(cug.client, cug.code, cug.user_th, limit=4)
    short = await inbox(cug.client, cug.code, cug.user_th, limit=3)

    assert exact["next_cursor"] is None
    assert short["next_cursor"] is not None


async def test_new_items_between_pages(cug: Cug) -> None:
    older = [await send_to_th(cug) for _ in range(5)]
    first = await inbox(cug.client, cug.code, cug.user_th, limit=2)
    newer = [await send_to_th(cug) for _ in range(2)]

    second = await inbox(
        cug.client, cug.code, cug.user_th, limit=2, cursor=first["next_cursor"]
    )
    third = await inbox(
        cug.client, cug.code, cug.user_th, limit=2, cursor=second["next_cursor"]
    )
    seen = [i["message_id"] for p in (first, second, third) for i in p["items"]]

    assert seen == older[::-1]
    assert third["next_cursor"] is None
    assert not set(newer) & set(seen)


async def test_moved_item_absent_from_next_page(cug: Cug, env: Env) -> None:
    seeded = await seed_received(env.app, cug.code, cug.user_vn, cug.user_th, 4)
    first = await inbox(cug.client, cug.code, cug.user_th, limit=2)
    await patch_item(cug, cug.user_th, seeded[1], folder="archive")

    second = await inbox(
        cug.client, cug.code, cug.user_th, limit=2, cursor=first["next_cursor"]
    )

    assert [i["id"] for i in second["items"]] == [seeded[0]]


async def test_unread_pages_skip_read(cug: Cug, env: Env) -> None:
    seeded = await seed_received(env.app, cug.code, cug.user_vn, cug.user_th, 5)
    await patch_item(cug, cug.user_th, seeded[3], read=True)

    ids = await all_pages(cug, cug.user_th, limit=2, unread="true")

    assert ids == [seeded[4], seeded[2], seeded[1], seeded[0]]


@pytest.mark.parametrize("limit", [0, 201, "x"])
async def test_limit_out_of_range(cug: Cug, limit: Any) -> None:
    response = await mailbox_get(cug, cug.user_th, limit=limit)

    assert response.status_code == 422


@pytest.mark.parametrize("limit", [1, 200])
async def test_limit_at_bounds(cug: Cug, limit: int) -> None:
    response = await mailbox_get(cug, cug.user_th, limit=limit)

    assert response.status_code == 200


async def test_forged_cursor_rejected(cug: Cug, env: Env) -> None:
    await seed_received(env.app, cug.code, cug.user_vn, cug.user_th, 3)
    cursor = (await inbox(cug.client, cug.code, cug.user_th, limit=1))["next_cursor"]
    flipped = cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1]

    response = await mailbox_get(cug, cug.user_th, cursor=flipped)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"


@pytest.mark.parametrize("cursor", ["abc", "a" * 600])
async def test_garbage_cursor_rejected(cug: Cug, cursor: str) -> None:
    response = await mailbox_get(cug, cug.user_th, cursor=cursor)

    assert response.status_code == 422


async def test_cursor_of_other_folder_rejected(cug: Cug, env: Env) -> None:
    await seed_received(env.app, cug.code, cug.user_vn, cug.user_th, 3)
    cursor = (await inbox(cug.client, cug.code, cug.user_th, limit=1))["next_cursor"]

    response = await mailbox_get(cug, cug.user_th, folder="archive", cursor=cursor)

    assert response.status_code == 422


async def test_cursor_of_other_user_rejected(cug: Cug, env: Env) -> None:
    await seed_received(env.app, cug.code, cug.user_vn, cug.user_th, 3)
    cursor = (await inbox(cug.client, cug.code, cug.user_th, limit=1))["next_cursor"]

    response = await mailbox_get(cug, cug.user_kh, cursor=cursor)

    assert response.status_code == 422


async def test_cursor_is_url_safe(cug: Cug, env: Env) -> None:
    await seed_received(env.app, cug.code, cug.user_vn, cug.user_th, 3)

    page = await inbox(cug.client, cug.code, cug.user_th, limit=1)

    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert set(page["next_cursor"]) <= allowed
    assert set(page["items"][0]["cursor"]) <= allowed
