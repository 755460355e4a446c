"""Drafts: create, list, merge-patch, delete and send."""

from __future__ import annotations

import pytest
from support import Team

from cencomm_client import ApiError, DraftPatch, NewMessage, Recipients


async def test_create_and_list(team: Team) -> None:
    client = team.alice.client
    created = await client.create_draft(
        team.code, NewMessage(type="warning", subject="Draft warning")
    )
    empty = await client.create_draft(team.code)
    page = await client.list_drafts(team.code)
    listed = [draft.id async for draft in client.iter_drafts(team.code, page_size=1)]
    assert created.subject == "Draft warning"
    assert empty.subject is None
    assert page.count == 2
    assert listed == [empty.id, created.id]


async def test_patch_merges_and_clears(team: Team) -> None:
    client = team.alice.client
    draft = await client.create_draft(
        team.code,
        NewMessage(
            type="warning",
            subject="Suspicious containers",
            body="Check them.",
            fields={"commodity": "wildlife", "description": "Ivory suspected"},
        ),
    )
    patched = await client.update_draft(
        team.code,
        draft.id,
        DraftPatch(body=None, fields={"conveyance": "MV Example"}),
    )
    fetched = await client.get_draft(team.code, draft.id)
    assert patched.body is None
    assert patched.subject == "Suspicious containers"
    assert fetched.fields == {
        "commodity": "wildlife",
        "description": "Ivory suspected",
        "conveyance": "MV Example",
    }


async def test_patch_with_mapping(team: Team) -> None:
    client = team.alice.client
    draft = await client.create_draft(
        team.code, NewMessage(type="warning", fields={"commodity": "drugs"})
    )
    patched = await client.update_draft(
        team.code, draft.id, {"fields": {"commodity": None}, "subject": "S"}
    )
    assert patched.fields in (None, {})
    assert patched.subject == "S"


async def test_patch_checks_limits(team: Team) -> None:
    client = team.alice.client
    draft = await client.create_draft(team.code)
    with pytest.raises(ApiError) as raised:
        await client.update_draft(team.code, draft.id, DraftPatch(body="x" * 20_001))
    assert raised.value.status == 422
    assert [error.field for error in raised.value.errors] == ["body"]


async def test_delete_draft(team: Team) -> None:
    client = team.alice.client
    draft = await client.create_draft(team.code)
    await client.delete_draft(team.code, draft.id)
    with pytest.raises(ApiError) as raised:
        await client.get_draft(team.code, draft.id)
    assert raised.value.status == 404


async def test_send_draft(team: Team) -> None:
    client = team.alice.client
    draft = await client.create_draft(
        team.code,
        NewMessage(
            type="message",
            subject="From a draft",
            body="Ready.",
            recipients=Recipients(users=[team.bob.id]),
        ),
    )
    sent = await client.send_draft(team.code, draft.id)
    inbox = await team.bob.client.list_mailbox(team.code)
    remaining = await client.list_drafts(team.code)
    assert sent.subject == "From a draft"
    assert [item.message_id for item in inbox.items] == [sent.id]
    assert remaining.count == 0


async def test_incomplete_draft_stays(team: Team) -> None:
    client = team.alice.client
    draft = await client.create_draft(team.code, NewMessage(subject="No recipients"))
    with pytest.raises(ApiError) as raised:
        await client.send_draft(team.code, draft.id)
    kept = await client.get_draft(team.code, draft.id)
    assert raised.value.status == 422
    assert kept.subject == "No recipients"
