"""Changing one mailbox item: read state, folders, restore and the item cursor."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import Account
from tests.messages.sending import Cug, Env, context_of, inbox, send_ok, to_users


async def received_and_sent(cug: Cug) -> tuple[str, str]:
    """Send from the Vietnamese to the Thai user; return (Thai item, sent item)."""
    await send_ok(cug.client, cug.code, cug.user_vn, recipients=to_users(cug.user_th))
    received = (await inbox(cug.client, cug.code, cug.user_th))["items"][0]
    sent = (await inbox(cug.client, cug.code, cug.user_vn, folder="sent"))["items"][0]
    return received["id"], sent["id"]


async def patch(
    cug: Cug, owner: Account, item_id: str, **change: Any
) -> httpx.Response:
    return await cug.client.patch(
        f"/api/v1/operations/{cug.code}/mailbox/{item_id}",
        headers=owner.headers,
        json=change,
    )


async def patch_ok(cug: Cug, owner: Account, item_id: str, **change: Any) -> Any:
    response = await patch(cug, owner, item_id, **change)
    assert response.status_code == 200, response.text
    return response.json()


def seq_of(env: Env, owner: Account, cursor: str) -> int:
    seq = context_of(env.app).event_cursors.decode(owner.id, cursor)
    assert seq is not None, cursor
    return seq


async def folder_ids(cug: Cug, owner: Account, folder: str) -> list[str]:
    page = await inbox(cug.client, cug.code, owner, folder=folder)
    return [item["id"] for item in page["items"]]


async def test_mark_read(cug: Cug) -> None:
    item_id, _ = await received_and_sent(cug)

    item = await patch_ok(cug, cug.user_th, item_id, read=True)

    assert item["read"] is True
    assert item["folder"] == "inbox"


async def test_mark_unread(cug: Cug) -> None:
    item_id, _ = await received_and_sent(cug)
    await patch_ok(cug, cug.user_th, item_id, read=True)

    item = await patch_ok(cug, cug.user_th, item_id, read=False)

    assert item["read"] is False


async def test_patch_answers_item(cug: Cug) -> None:
    item_id, _ = await received_and_sent(cug)
    before = (await inbox(cug.client, cug.code, cug.user_th))["items"][0]

    item = await patch_ok(cug, cug.user_th, item_id, read=True)

    assert item == before | {"read": True, "cursor": item["cursor"]}


@pytest.mark.parametrize("folder", ["archive", "trash"])
async def test_move_received(cug: Cug, folder: str) -> None:
    item_id, _ = await received_and_sent(cug)

    item = await patch_ok(cug, cug.user_th, item_id, folder=folder)

    assert item["folder"] == folder
    assert await folder_ids(cug, cug.user_th, folder) == [item_id]
    assert await folder_ids(cug, cug.user_th, "inbox") == []


@pytest.mark.parametrize("folder", ["archive", "trash"])
async def test_restore_received_to_inbox(cug: Cug, folder: str) -> None:
    item_id, _ = await received_and_sent(cug)
    await patch_ok(cug, cug.user_th, item_id, folder=folder)

    item = await patch_ok(cug, cug.user_th, item_id, folder="restore")

    assert item["folder"] == "inbox"
    assert await folder_ids(cug, cug.user_th, "inbox") == [item_id]


@pytest.mark.parametrize("folder", ["archive", "trash"])
async def test_restore_sent_to_sent(cug: Cug, folder: str) -> None:
    _, item_id = await received_and_sent(cug)
    await patch_ok(cug, cug.user_vn, item_id, folder=folder)

    item = await patch_ok(cug, cug.user_vn, item_id, folder="restore")

    assert item["folder"] == "sent"
    assert await folder_ids(cug, cug.user_vn, "sent") == [item_id]
    assert await folder_ids(cug, cug.user_vn, "inbox") == []


async def test_archive_to_trash_and_back(cug: Cug) -> None:
    item_id, _ = await received_and_sent(cug)
    await patch_ok(cug, cug.user_th, item_id, folder="archive")

    trashed = await patch_ok(cug, cug.user_th, item_id, folder="trash")
    archived = await patch_ok(cug, cug.user_th, item_id, folder="archive")
    restored = await patch_ok(cug, cug.user_th, item_id, folder="restore")

    assert trashed["folder"] == "trash"
    assert archived["folder"] == "archive"
    assert restored["folder"] == "inbox"


async def test_restore_from_trash_after_archive(cug: Cug) -> None:
    # An item keeps its home folder however often it moves.
    _, item_id = await received_and_sent(cug)
    await patch_ok(cug, cug.user_vn, item_id, folder="archive")
    await patch_ok(cug, cug.user_vn, item_id, folder="trash")

    item = await patch_ok(cug, cug.user_vn, item_id, folder="restore")

    assert item["folder"] == "sent"


async def test_read_and_move_together(cug: Cug) -> None:
    item_id, _ = await received_and_sent(cug)

    item = await patch_ok(cug, cug.user_th, item_id, read=True, folder="archive")

    assert item["read"] is True
    assert item["folder"] == "archive"


async def test_moved_item_keeps_read_state(cug: Cug) -> None:
    item_id, _ = await received_and_sent(cug)
    await patch_ok(cug, cug.user_th, item_id, read=True)

    item = await patch_ok(cug, cug.user_th, item_id, folder="trash")

    assert item["read"] is True


async def test_sent_copy_always_read(cug: Cug) -> None:
    _, item_id = await received_and_sent(cug)

    moved = await patch_ok(cug, cug.user_vn, item_id, folder="archive")
    restored = await patch_ok(cug, cug.user_vn, item_id, folder="restore")

    assert moved["read"] is True
    assert restored["read"] is True


async def test_sent_copy_unread_rejected(cug: Cug) -> None:
    _, item_id = await received_and_sent(cug)

    response = await patch(cug, cug.user_vn, item_id, read=False)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "read"


async def test_bad_change_rejected(cug: Cug) -> None:
    item_id, _ = await received_and_sent(cug)
    changes: list[dict[str, Any]] = [
        {},
        {"read": None, "folder": None},
        {"folder": "inbox"},
        {"folder": "sent"},
        {"read": "maybe"},
        {"starred": True},
    ]

    for change in changes:
        response = await patch(cug, cug.user_th, item_id, **change)
        assert response.status_code == 422, change


# The item cursor is the cursor of the item's latest event.


async def test_cursor_grows_on_each_change(cug: Cug, env: Env) -> None:
    item_id, _ = await received_and_sent(cug)
    first = (await inbox(cug.client, cug.code, cug.user_th))["items"][0]["cursor"]
    cursors = [first]

    for change in (
        {"read": True},
        {"read": False},
        {"folder": "archive"},
        {"folder": "trash"},
        {"folder": "restore"},
    ):
        item = await patch_ok(cug, cug.user_th, item_id, **change)
        cursors.append(item["cursor"])

    seqs = [seq_of(env, cug.user_th, c) for c in cursors]
    assert seqs == sorted(seqs)
    assert len(set(seqs)) == len(seqs)


async def test_no_op_keeps_cursor(cug: Cug) -> None:
    item_id, _ = await received_and_sent(cug)
    read = await patch_ok(cug, cug.user_th, item_id, read=True)

    again = await patch_ok(cug, cug.user_th, item_id, read=True)
    restore_at_home = await patch_ok(cug, cug.user_th, item_id, folder="restore")

    assert again["cursor"] == read["cursor"]
    assert restore_at_home["cursor"] == read["cursor"]


async def test_cursor_shown_in_list(cug: Cug) -> None:
    item_id, _ = await received_and_sent(cug)
    item = await patch_ok(cug, cug.user_th, item_id, read=True)

    listed = (await inbox(cug.client, cug.code, cug.user_th))["items"][0]

    assert listed["cursor"] == item["cursor"]


async def test_cursor_grows_across_operations(cug: Cug, env: Env) -> None:
    # One sequence per user, shared by all of their operations.
    item_id, _ = await received_and_sent(cug)
    other = await cug.api.create_operation()
    await cug.api.add_member(other, cug.user_vn)
    await cug.api.add_member(other, cug.user_th)
    first = await patch_ok(cug, cug.user_th, item_id, read=True)
    await send_ok(cug.client, other, cug.user_vn, recipients=to_users(cug.user_th))
    elsewhere = (await inbox(cug.client, other, cug.user_th))["items"][0]

    second = await patch_ok(cug, cug.user_th, item_id, read=False)

    seqs = [seq_of(env, cug.user_th, c["cursor"]) for c in (first, elsewhere, second)]
    assert seqs[0] < seqs[1] < seqs[2]


# Items of others are not found.


async def test_other_users_item_not_found(cug: Cug) -> None:
    item_id, sent_id = await received_and_sent(cug)

    as_other = await patch(cug, cug.user_kh, item_id, read=True)
    as_sender = await patch(cug, cug.user_vn, item_id, read=True)
    as_ocu = await patch(cug, cug.ocu, sent_id, folder="trash")

    assert as_other.status_code == 404
    assert as_sender.status_code == 404
    assert as_ocu.status_code == 404


async def test_item_under_other_operation_not_found(cug: Cug) -> None:
    item_id, _ = await received_and_sent(cug)
    other = await cug.api.create_operation()
    await cug.api.add_member(other, cug.user_th)

    response = await cug.client.patch(
        f"/api/v1/operations/{other}/mailbox/{item_id}",
        headers=cug.user_th.headers,
        json={"read": True},
    )

    assert response.status_code == 404


async def test_missing_item_not_found(cug: Cug) -> None:
    response = await patch(cug, cug.user_th, "0" * 32, read=True)

    assert response.status_code == 404


async def test_foreign_item_checked_before_body(cug: Cug) -> None:
    item_id, _ = await received_and_sent(cug)

    response = await patch(cug, cug.user_kh, item_id)

    assert response.status_code == 404


async def test_foreign_item_unchanged(cug: Cug) -> None:
    item_id, _ = await received_and_sent(cug)
    await patch(cug, cug.user_kh, item_id, read=True, folder="trash")

    item = (await inbox(cug.client, cug.code, cug.user_th))["items"][0]

    assert item["read"] is False
    assert item["folder"] == "inbox"


async def test_removed_member_not_found(cug: Cug) -> None:
    item_id, _ = await received_and_sent(cug)
    await cug.api.remove_member(cug.code, cug.user_th)

    response = await patch(cug, cug.user_th, item_id, read=True)

    assert response.status_code == 404


async def test_closed_operation_allows_changes(cug: Cug) -> None:
    item_id, _ = await received_and_sent(cug)
    await cug.api.set_status(cug.code, "closed")

    item = await patch_ok(cug, cug.user_th, item_id, read=True, folder="archive")

    assert item["read"] is True
    assert item["folder"] == "archive"
