"""Operations, members and the audit trail through the client."""

from __future__ import annotations

import secrets
from datetime import date

import pytest
from support import Team

from cencomm_client import ApiError, CencommClient, Phase, Phases


async def test_create_operation_with_phases(admin: CencommClient) -> None:
    code = f"op-{secrets.token_hex(4)}"
    phases = Phases(operational=Phase(start=date(2026, 3, 1), end=date(2026, 3, 31)))
    created = await admin.create_operation(
        code, "Mekong Dragon", description="Joint operation", phases=phases
    )
    fetched = await admin.get_operation(code)
    assert created.code == code
    assert fetched.name == "Mekong Dragon"
    assert fetched.status == "active"
    assert fetched.phases["operational"].start == date(2026, 3, 1)
    assert "pre_operational" not in fetched.phases


async def test_phase_end_before_start(admin: CencommClient) -> None:
    phases = Phases(operational=Phase(start=date(2026, 3, 31), end=date(2026, 3, 1)))
    with pytest.raises(ApiError) as raised:
        await admin.create_operation(f"op-{secrets.token_hex(4)}", "X", phases=phases)
    assert raised.value.status == 422
    assert raised.value.errors


async def test_duplicate_code_conflict(admin: CencommClient, team: Team) -> None:
    with pytest.raises(ApiError) as raised:
        await admin.create_operation(team.code, "Again")
    assert raised.value.status == 409


async def test_member_lists_operations(team: Team) -> None:
    codes = [operation.code async for operation in team.alice.client.iter_operations()]
    page = await team.alice.client.list_operations(limit=1)
    assert team.code in codes
    assert len(page.items) == 1


async def test_update_and_close(admin: CencommClient, team: Team) -> None:
    renamed = await admin.update_operation(team.code, name="Renamed", status="closed")
    assert renamed.name == "Renamed"
    assert renamed.status == "closed"
    with pytest.raises(ApiError) as raised:
        await team.alice.client.create_draft(team.code)
    assert raised.value.status == 409
    reopened = await team.ocu.client.update_operation(team.code, status="active")
    assert reopened.status == "active"


async def test_members_listed(team: Team) -> None:
    members = {
        member.user.id: member
        async for member in team.bob.client.iter_members(team.code)
    }
    assert set(members) == {person.id for person in team.people}
    assert members[team.ocu.id].role == "ocu"
    assert members[team.ocu.id].country == "TH"


async def test_members_paged(team: Team) -> None:
    first = await team.bob.client.list_members(team.code, limit=3)
    second = await team.bob.client.list_members(
        team.code, limit=3, cursor=first.next_cursor
    )
    assert len(first.items) == 3
    assert len(second.items) == 1
    assert second.next_cursor is None


async def test_put_member_changes_role(admin: CencommClient, team: Team) -> None:
    changed = await admin.put_member(team.code, team.bob.id, "ncp", country="LA")
    assert changed.role == "ncp"
    assert changed.country == "LA"
    assert changed.user.id == team.bob.id


async def test_plain_user_cannot_add(team: Team, admin: CencommClient) -> None:
    with pytest.raises(ApiError) as raised:
        await team.alice.client.put_member(team.code, team.bob.id, "ocu")
    assert raised.value.status == 403


async def test_removed_member_loses_access(admin: CencommClient, team: Team) -> None:
    await admin.remove_member(team.code, team.bob.id)
    with pytest.raises(ApiError) as raised:
        await team.bob.client.get_operation(team.code)
    assert raised.value.status == 404


async def test_audit_lists_member_changes(admin: CencommClient, team: Team) -> None:
    actions = [event.action async for event in team.ocu.client.iter_audit(team.code)]
    adds = await admin.list_audit(team.code, action="member.add")
    assert "member.add" in actions
    assert len(adds.items) == len(team.people)
    assert all(event.action == "member.add" for event in adds.items)


async def test_audit_forbidden_for_user(team: Team) -> None:
    with pytest.raises(ApiError) as raised:
        await team.alice.client.list_audit(team.code)
    assert raised.value.status == 403
