"""Who may open a message: sender, recipients, OCU, NCPs of their countries."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from app.config import Settings
from app.models import AuditEvent
from tests.conftest import Account
from tests.messages.sending import (
    Cug,
    Env,
    build_cug,
    context_of,
    read_message,
    running_app,
    send_ok,
    to_users,
)


@pytest.fixture(scope="module")
async def env(migrated: Settings) -> AsyncIterator[Env]:
    async with running_app(migrated) as shared:
        yield shared


@pytest.fixture
async def cug(env: Env) -> Cug:
    return await build_cug(env)


async def vn_to_th(cug: Cug) -> str:
    """Send from the Vietnamese user to the Thai user only; return the id."""
    message = await send_ok(
        cug.client, cug.code, cug.user_vn, recipients=to_users(cug.user_th)
    )
    return str(message["id"])


async def status_for(cug: Cug, reader: Account, message_id: str) -> int:
    response = await read_message(cug.client, cug.code, reader, message_id)
    return response.status_code


@pytest.mark.parametrize("reader", ["user_vn", "user_th", "ocu", "ncp_vn", "ncp_th"])
async def test_allowed_reader_sees(cug: Cug, reader: str) -> None:
    message_id = await vn_to_th(cug)

    assert await status_for(cug, getattr(cug, reader), message_id) == 200


@pytest.mark.parametrize("reader", ["user_vn2", "user_kh", "ncp_kh"])
async def test_other_member_not_found(cug: Cug, reader: str) -> None:
    message_id = await vn_to_th(cug)

    assert await status_for(cug, getattr(cug, reader), message_id) == 404


async def test_hidden_like_missing(cug: Cug) -> None:
    message_id = await vn_to_th(cug)
    missing_id = "0" * 32

    hidden = await read_message(cug.client, cug.code, cug.user_vn2, message_id)
    missing = await read_message(cug.client, cug.code, cug.user_vn2, missing_id)

    assert hidden.status_code == 404
    assert missing.status_code == 404
    hidden_detail = hidden.json()["detail"].replace(message_id, "ID")
    assert hidden_detail == missing.json()["detail"].replace(missing_id, "ID")


async def test_non_member_not_found(cug: Cug) -> None:
    message_id = await vn_to_th(cug)
    outsider = await cug.api.create_user("outsider", country="TH")

    assert await status_for(cug, outsider, message_id) == 404


async def test_admin_non_member_not_found(cug: Cug) -> None:
    message_id = await vn_to_th(cug)
    assert cug.api.admin is not None

    assert await status_for(cug, cug.api.admin, message_id) == 404


async def test_admin_member_uses_role(cug: Cug) -> None:
    # Being an administrator adds nothing to what a member may read.
    message_id = await vn_to_th(cug)
    admin = await cug.api.create_user("officer", country="VN", is_admin=True)
    await cug.api.add_member(cug.code, admin, role="user")

    assert await status_for(cug, admin, message_id) == 404


async def test_removed_recipient_not_found(cug: Cug) -> None:
    message_id = await vn_to_th(cug)
    await cug.api.remove_member(cug.code, cug.user_th)

    assert await status_for(cug, cug.user_th, message_id) == 404


async def test_removed_sender_not_found(cug: Cug) -> None:
    message_id = await vn_to_th(cug)
    await cug.api.remove_member(cug.code, cug.user_vn)

    assert await status_for(cug, cug.user_vn, message_id) == 404


async def test_removed_ocu_not_found(cug: Cug) -> None:
    message_id = await vn_to_th(cug)
    await cug.api.remove_member(cug.code, cug.ocu)

    assert await status_for(cug, cug.ocu, message_id) == 404


async def test_deactivated_recipient_unauthorized(cug: Cug) -> None:
    message_id = await vn_to_th(cug)
    await cug.api.deactivate(cug.user_th)

    assert await status_for(cug, cug.user_th, message_id) == 401


async def test_no_token_unauthorized(cug: Cug) -> None:
    message_id = await vn_to_th(cug)

    response = await cug.client.get(
        f"/api/v1/operations/{cug.code}/messages/{message_id}"
    )

    assert response.status_code == 401


async def test_other_operation_path_not_found(cug: Cug) -> None:
    # The message exists and the reader may see it, but under another code.
    message_id = await vn_to_th(cug)
    other = await cug.api.create_operation()
    await cug.api.add_member(other, cug.user_th, role="ocu")

    response = await read_message(cug.client, other, cug.user_th, message_id)

    assert response.status_code == 404


async def test_ncp_sees_sent_to_country(cug: Cug) -> None:
    # The NCP of Cambodia sees what reaches a Cambodian member, whoever sent it.
    message = await send_ok(
        cug.client, cug.code, cug.user_th, recipients=to_users(cug.user_kh)
    )

    assert await status_for(cug, cug.ncp_kh, message["id"]) == 200
    assert await status_for(cug, cug.ncp_vn, message["id"]) == 404


async def test_ncp_sees_sent_from_country(cug: Cug) -> None:
    message = await send_ok(
        cug.client, cug.code, cug.user_kh, recipients=to_users(cug.ocu)
    )

    assert await status_for(cug, cug.ncp_kh, message["id"]) == 200
    assert await status_for(cug, cug.ncp_th, message["id"]) == 404


async def test_ncp_of_membership_country(cug: Cug) -> None:
    # An NCP enrolled for Thailand with a Vietnamese account acts for Thailand.
    liaison = await cug.api.create_user("liaison", country="VN")
    await cug.api.add_member(cug.code, liaison, role="ncp", country="TH")
    message_id = await vn_to_th(cug)
    vn_only = await send_ok(
        cug.client, cug.code, cug.user_vn, recipients=to_users(cug.user_vn2)
    )

    assert await status_for(cug, liaison, message_id) == 200
    assert await status_for(cug, liaison, vn_only["id"]) == 404


async def test_plain_user_sees_only_own(cug: Cug) -> None:
    message_id = await vn_to_th(cug)
    to_kh = await send_ok(
        cug.client, cug.code, cug.user_vn, recipients=to_users(cug.user_kh)
    )

    assert await status_for(cug, cug.user_th, message_id) == 200
    assert await status_for(cug, cug.user_th, to_kh["id"]) == 404


async def test_reply_does_not_open_original(cug: Cug) -> None:
    # The Cambodian user gets a reply; the message replied to stays hidden.
    message_id = await vn_to_th(cug)
    reply = await send_ok(
        cug.client,
        cug.code,
        cug.user_th,
        in_reply_to=message_id,
        recipients=to_users(cug.user_vn, cug.user_kh),
    )

    assert await status_for(cug, cug.user_kh, reply["id"]) == 200
    assert await status_for(cug, cug.user_kh, message_id) == 404


async def test_only_allowed_read_audited(cug: Cug, env: Env) -> None:
    message_id = await vn_to_th(cug)
    await read_message(cug.client, cug.code, cug.user_th, message_id)
    await read_message(cug.client, cug.code, cug.user_vn2, message_id)

    async with context_of(env.app).sessionmaker() as session:
        actors = await session.scalars(
            select(AuditEvent.actor_id).where(AuditEvent.action == "message.read")
        )
        readers = set(actors)

    assert cug.user_th.id in readers
    assert cug.user_vn2.id not in readers
