"""Mailbox folders, paging, item changes and bulk actions."""

from __future__ import annotations

import pytest
from support import Team

from cencomm_client import ApiError, Message, NewMessage, Recipients


async def send_to_bob(team: Team, count: int) -> list[Message]:
    sent = []
    for number in range(count):
        message = await team.alice.client.send_message(
            team.code,
            NewMessage(
                type="message",
                subject=f"Note {number}",
                body=f"Body {number}",
                recipients=Recipients(users=[team.bob.id]),
            ),
        )
        sent.append(message)
    return sent


async def test_iter_mailbox_across_pages(team: Team) -> None:
    sent = await send_to_bob(team, 5)
    items = [
        item async for item in team.bob.client.iter_mailbox(team.code, page_size=2)
    ]
    assert [item.message_id for item in items] == [m.id for m in reversed(sent)]
    assert all(item.folder == "inbox" for item in items)
    assert all(not item.read for item in items)


async def test_list_mailbox_page(team: Team) -> None:
    await send_to_bob(team, 3)
    page = await team.bob.client.list_mailbox(team.code, limit=2)
    assert len(page.items) == 2
    assert page.next_cursor is not None
    assert page.unread_count == 3


async def test_sent_folder(team: Team) -> None:
    sent = await send_to_bob(team, 1)
    page = await team.alice.client.list_mailbox(team.code, folder="sent")
    assert [item.message_id for item in page.items] == [sent[0].id]
    assert page.items[0].read is True


async def test_patch_read_and_move(team: Team) -> None:
    await send_to_bob(team, 2)
    bob = team.bob.client
    first, second = (await bob.list_mailbox(team.code)).items
    read = await bob.update_mailbox_item(team.code, first.id, read=True)
    moved = await bob.update_mailbox_item(team.code, second.id, folder="archive")
    unread = await bob.list_mailbox(team.code, unread=True)
    archive = await bob.list_mailbox(team.code, folder="archive")
    assert read.read is True
    assert read.cursor != first.cursor
    assert moved.folder == "archive"
    assert unread.items == []
    assert [item.id for item in archive.items] == [second.id]


async def test_patch_invalid_folder(team: Team) -> None:
    await send_to_bob(team, 1)
    item = (await team.bob.client.list_mailbox(team.code)).items[0]
    with pytest.raises(ApiError) as raised:
        await team.bob.client.update_mailbox_item(team.code, item.id, folder="inbox")
    assert raised.value.status == 422
    assert [error.field for error in raised.value.errors] == ["folder"]


async def test_bulk_read_and_trash(team: Team) -> None:
    await send_to_bob(team, 3)
    bob = team.bob.client
    ids = [item.id async for item in bob.iter_mailbox(team.code)]
    read = await bob.bulk_mailbox(team.code, ids, "read")
    again = await bob.bulk_mailbox(team.code, ids, "read")
    trashed = await bob.bulk_mailbox(team.code, ids[:2], "trash")
    trash = [item.id async for item in bob.iter_mailbox(team.code, folder="trash")]
    assert read.updated == 3
    assert again.updated == 0
    assert trashed.updated == 2
    assert sorted(trash) == sorted(ids[:2])


async def test_bulk_unknown_item(team: Team) -> None:
    await send_to_bob(team, 1)
    bob = team.bob.client
    ids = [item.id async for item in bob.iter_mailbox(team.code)]
    with pytest.raises(ApiError) as raised:
        await bob.bulk_mailbox(team.code, [*ids, "not-an-item"], "read")
    unread = await bob.list_mailbox(team.code, unread=True)
    assert raised.value.status == 404
    assert len(unread.items) == 1
