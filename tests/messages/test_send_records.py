"""What a send records: the response, and the sender and recipients as at send time."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from app.config import Settings
from tests.conftest import Account
from tests.messages.sending import (
    Cug,
    Env,
    build_cug,
    field_errors,
    inbox,
    read_message,
    running_app,
    send,
    send_ok,
    to_users,
)

RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


@pytest.fixture(scope="module")
async def env(migrated: Settings) -> AsyncIterator[Env]:
    async with running_app(migrated) as shared:
        yield shared


@pytest.fixture
async def cug(env: Env) -> Cug:
    return await build_cug(env)


async def change_member(cug: Cug, account: Account, role: str, country: str) -> None:
    assert cug.api.admin is not None
    response = await cug.client.put(
        f"/api/v1/operations/{cug.code}/members/{account.id}",
        headers=cug.api.admin.headers,
        json={"role": role, "country": country},
    )
    assert response.status_code == 200, response.text


async def test_answer_shape(cug: Cug) -> None:
    message = await send_ok(
        cug.client,
        cug.code,
        cug.user_vn,
        subject="SEIZURE MESSAGE 17",
        recipients={"countries": ["TH"]},
    )

    assert set(message) == {
        "id",
        "operation",
        "type",
        "subject",
        "body",
        "body_format",
        "fields",
        "sender",
        "created_at",
        "recipient_count",
        "attachments",
        "in_reply_to",
        "forward_of",
    }
    assert message["operation"] == cug.code
    assert message["type"] == "message"
    assert message["subject"] == "SEIZURE MESSAGE 17"
    assert message["body_format"] == "text"
    assert message["fields"] is None
    assert message["recipient_count"] == 2
    assert message["attachments"] == []
    assert message["in_reply_to"] is None
    assert message["forward_of"] is None
    assert RFC3339_UTC.match(message["created_at"])


async def test_answer_names_sender(cug: Cug) -> None:
    message = await send_ok(
        cug.client, cug.code, cug.ncp_vn, recipients=to_users(cug.user_th)
    )

    assert message["sender"] == {
        "id": cug.ncp_vn.id,
        "display_name": "ncp_vn",
        "country": "VN",
        "role": "ncp",
    }


async def test_read_matches_answer(cug: Cug) -> None:
    sent = await send_ok(
        cug.client, cug.code, cug.user_vn, recipients=to_users(cug.user_th)
    )

    response = await read_message(cug.client, cug.code, cug.user_th, sent["id"])

    assert response.status_code == 200
    assert response.json() == sent


async def test_sender_membership_country_used(cug: Cug) -> None:
    liaison = await cug.api.create_user("liaison", country="VN")
    await cug.api.add_member(cug.code, liaison, role="user", country="TH")

    message = await send_ok(
        cug.client, cug.code, liaison, recipients=to_users(cug.user_vn)
    )

    assert message["sender"]["country"] == "TH"


async def test_sender_kept_after_change(cug: Cug) -> None:
    sent = await send_ok(
        cug.client, cug.code, cug.user_vn, recipients=to_users(cug.user_th)
    )
    await change_member(cug, cug.user_vn, role="ncp", country="KH")

    response = await read_message(cug.client, cug.code, cug.user_th, sent["id"])

    assert response.json()["sender"]["role"] == "user"
    assert response.json()["sender"]["country"] == "VN"


async def test_mailbox_keeps_sender_country(cug: Cug) -> None:
    await send_ok(cug.client, cug.code, cug.user_vn, recipients=to_users(cug.user_th))
    await change_member(cug, cug.user_vn, role="user", country="KH")

    page = await inbox(cug.client, cug.code, cug.user_th)

    assert page["items"][0]["sender"]["country"] == "VN"


async def test_old_sender_country_ncp_sees(cug: Cug) -> None:
    sent = await send_ok(
        cug.client, cug.code, cug.user_vn, recipients=to_users(cug.user_th)
    )
    await change_member(cug, cug.user_vn, role="user", country="KH")

    old_country = await read_message(cug.client, cug.code, cug.ncp_vn, sent["id"])
    new_country = await read_message(cug.client, cug.code, cug.ncp_kh, sent["id"])

    assert old_country.status_code == 200
    assert new_country.status_code == 404


async def test_old_recipient_country_ncp_sees(cug: Cug) -> None:
    sent = await send_ok(
        cug.client, cug.code, cug.user_vn, recipients=to_users(cug.user_th)
    )
    await change_member(cug, cug.user_th, role="user", country="KH")

    old_country = await read_message(cug.client, cug.code, cug.ncp_th, sent["id"])
    new_country = await read_message(cug.client, cug.code, cug.ncp_kh, sent["id"])

    assert old_country.status_code == 200
    assert new_country.status_code == 404


async def test_later_message_uses_new_country(cug: Cug) -> None:
    await change_member(cug, cug.user_vn, role="user", country="KH")

    message = await send_ok(
        cug.client, cug.code, cug.user_vn, recipients=to_users(cug.user_th)
    )

    assert message["sender"]["country"] == "KH"


async def test_sent_copy_in_sent_folder(cug: Cug) -> None:
    message = await send_ok(
        cug.client, cug.code, cug.user_vn, recipients=to_users(cug.user_th)
    )

    page = await inbox(cug.client, cug.code, cug.user_vn, folder="sent")

    assert [i["message_id"] for i in page["items"]] == [message["id"]]
    assert page["items"][0]["read"] is True
    assert page["unread_count"] == 0


async def test_received_copy_unread(cug: Cug) -> None:
    message = await send_ok(
        cug.client, cug.code, cug.user_vn, recipients=to_users(cug.user_th)
    )

    page = await inbox(cug.client, cug.code, cug.user_th)

    assert [i["message_id"] for i in page["items"]] == [message["id"]]
    assert page["items"][0]["read"] is False
    assert page["unread_count"] == 1


async def test_non_member_send_not_found(cug: Cug) -> None:
    outsider = await cug.api.create_user("outsider")

    response = await send(
        cug.client, cug.code, outsider, recipients=to_users(cug.user_th)
    )

    assert response.status_code == 404


async def test_admin_non_member_send_not_found(cug: Cug) -> None:
    assert cug.api.admin is not None

    response = await send(
        cug.client, cug.code, cug.api.admin, recipients=to_users(cug.user_th)
    )

    assert response.status_code == 404


async def test_removed_member_send_not_found(cug: Cug) -> None:
    await cug.api.remove_member(cug.code, cug.user_vn)

    response = await send(
        cug.client, cug.code, cug.user_vn, recipients=to_users(cug.user_th)
    )

    assert response.status_code == 404


async def test_deactivated_send_unauthorized(cug: Cug) -> None:
    await cug.api.deactivate(cug.user_vn)

    response = await send(
        cug.client, cug.code, cug.user_vn, recipients=to_users(cug.user_th)
    )

    assert response.status_code == 401


# A closed operation refuses sends with 409, after every 422 check.


async def test_closed_send_conflict(cug: Cug) -> None:
    await cug.api.set_status(cug.code, "closed")

    response = await send(
        cug.client, cug.code, cug.user_vn, recipients=to_users(cug.user_th)
    )

    assert response.status_code == 409


async def test_closed_invalid_body_unprocessable(cug: Cug) -> None:
    await cug.api.set_status(cug.code, "closed")

    response = await send(
        cug.client,
        cug.code,
        cug.user_vn,
        body="x" * 20_001,
        recipients=to_users(cug.user_th),
    )

    assert response.status_code == 422
    assert list(field_errors(response)) == ["body"]


async def test_closed_no_recipients_unprocessable(cug: Cug) -> None:
    await cug.api.set_status(cug.code, "closed")

    response = await send(cug.client, cug.code, cug.user_vn, recipients={})

    assert response.status_code == 422
    assert list(field_errors(response)) == ["recipients"]


async def test_closed_bad_reference_unprocessable(cug: Cug) -> None:
    await cug.api.set_status(cug.code, "closed")

    response = await send(
        cug.client,
        cug.code,
        cug.user_vn,
        in_reply_to="0" * 32,
        recipients=to_users(cug.user_th),
    )

    assert response.status_code == 422
    assert list(field_errors(response)) == ["in_reply_to"]


async def test_reopened_send_accepted(cug: Cug) -> None:
    await cug.api.set_status(cug.code, "closed")
    await cug.api.set_status(cug.code, "active")

    response = await send(
        cug.client, cug.code, cug.user_vn, recipients=to_users(cug.user_th)
    )

    assert response.status_code == 201


async def test_closed_still_readable(cug: Cug) -> None:
    sent = await send_ok(
        cug.client, cug.code, cug.user_vn, recipients=to_users(cug.user_th)
    )
    await cug.api.set_status(cug.code, "closed")

    response = await read_message(cug.client, cug.code, cug.user_th, sent["id"])

    assert response.status_code == 200
