"""Recipient resolution: each selector, their union, and who never receives."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.config import Settings
from tests.conftest import Account
from tests.messages.sending import (
    Cug,
    Env,
    build_cug,
    field_errors,
    inbox,
    running_app,
    send,
    send_ok,
)


@pytest.fixture(scope="module")
async def env(migrated: Settings) -> AsyncIterator[Env]:
    async with running_app(migrated) as shared:
        yield shared


@pytest.fixture
async def cug(env: Env) -> Cug:
    return await build_cug(env)


async def resolve(cug: Cug, caller: Account, recipients: Any) -> httpx.Response:
    return await cug.client.post(
        f"/api/v1/operations/{cug.code}/recipients/resolve",
        headers=caller.headers,
        json={"recipients": recipients},
    )


async def resolved_ids(cug: Cug, caller: Account, recipients: Any) -> set[str]:
    response = await resolve(cug, caller, recipients)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == len(body["users"])
    ids = [user["id"] for user in body["users"]]
    assert len(ids) == len(set(ids)), "a person was listed twice"
    return set(ids)


def ids(*accounts: Account) -> set[str]:
    return {a.id for a in accounts}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("ocu", ["ocu"]),
        ("ncp", ["ncp_vn", "ncp_th", "ncp_kh"]),
        ("user", ["user_vn2", "user_th", "user_kh"]),
    ],
)
async def test_role_selects_members(cug: Cug, role: str, expected: list[str]) -> None:
    found = await resolved_ids(cug, cug.user_vn, {"roles": [role]})

    assert found == ids(*(getattr(cug, name) for name in expected))


async def test_my_country_selects_country(cug: Cug) -> None:
    found = await resolved_ids(cug, cug.user_vn, {"my_country": True})

    assert found == ids(cug.ncp_vn, cug.user_vn2)


async def test_my_country_uses_membership(cug: Cug) -> None:
    # An account of Vietnam enrolled for Thailand counts as Thai here.
    liaison = await cug.api.create_user("liaison", country="VN")
    await cug.api.add_member(cug.code, liaison, role="user", country="TH")

    found = await resolved_ids(cug, liaison, {"my_country": True})

    assert found == ids(cug.ncp_th, cug.user_th)


async def test_countries_select_members(cug: Cug) -> None:
    found = await resolved_ids(cug, cug.user_vn, {"countries": ["TH", "KH"]})

    assert found == ids(cug.ncp_th, cug.user_th, cug.ncp_kh, cug.user_kh)


async def test_countries_accept_lowercase(cug: Cug) -> None:
    found = await resolved_ids(cug, cug.user_vn, {"countries": ["th"]})

    assert found == ids(cug.ncp_th, cug.user_th)


async def test_users_select_members(cug: Cug) -> None:
    selection = {"users": [cug.user_th.id, cug.ocu.id]}

    found = await resolved_ids(cug, cug.user_vn, selection)

    assert found == ids(cug.user_th, cug.ocu)


async def test_resolve_lists_role_and_country(cug: Cug) -> None:
    response = await resolve(cug, cug.user_vn, {"users": [cug.ncp_th.id]})

    assert response.json() == {
        "count": 1,
        "users": [
            {
                "id": cug.ncp_th.id,
                "display_name": "ncp_th",
                "role": "ncp",
                "country": "TH",
            }
        ],
    }


async def test_product_case_union(cug: Cug) -> None:
    # "All OCU + my country + Thailand", sent by a Vietnamese user.
    selection = {"roles": ["ocu"], "my_country": True, "countries": ["TH"]}

    found = await resolved_ids(cug, cug.user_vn, selection)

    assert found == ids(cug.ocu, cug.ncp_vn, cug.user_vn2, cug.ncp_th, cug.user_th)


async def test_union_lists_each_once(cug: Cug) -> None:
    selection = {
        "roles": ["ncp", "ncp"],
        "my_country": True,
        "countries": ["VN", "VN"],
        "users": [cug.ncp_vn.id, cug.ncp_vn.id],
    }

    response = await resolve(cug, cug.user_vn, selection)

    assert response.json()["count"] == 4
    assert {u["id"] for u in response.json()["users"]} == ids(
        cug.ncp_vn, cug.ncp_th, cug.ncp_kh, cug.user_vn2
    )


async def test_sender_never_included(cug: Cug) -> None:
    selection = {
        "roles": ["user"],
        "my_country": True,
        "countries": ["VN"],
        "users": [cug.user_vn.id],
    }

    found = await resolved_ids(cug, cug.user_vn, selection)

    assert cug.user_vn.id not in found


async def test_only_self_resolves_to_nobody(cug: Cug) -> None:
    response = await resolve(cug, cug.user_vn, {"users": [cug.user_vn.id]})

    assert response.status_code == 200
    assert response.json() == {"count": 0, "users": []}


async def test_non_member_ids_ignored(cug: Cug) -> None:
    outsider = await cug.api.create_user("outsider", country="TH")
    selection = {"users": [outsider.id, "no-such-user", cug.user_th.id]}

    found = await resolved_ids(cug, cug.user_vn, selection)

    assert found == ids(cug.user_th)


async def test_other_operation_member_ignored(cug: Cug) -> None:
    other = await cug.api.create_operation()
    stranger = await cug.api.create_user("stranger", country="TH")
    await cug.api.add_member(other, stranger, role="user")

    found = await resolved_ids(
        cug, cug.user_vn, {"countries": ["TH"], "users": [stranger.id]}
    )

    assert stranger.id not in found


async def test_removed_member_never_resolved(cug: Cug) -> None:
    await cug.api.remove_member(cug.code, cug.user_th)
    selection = {"roles": ["user"], "countries": ["TH"], "users": [cug.user_th.id]}

    found = await resolved_ids(cug, cug.user_vn, selection)

    assert cug.user_th.id not in found


async def test_deactivated_never_resolved(cug: Cug) -> None:
    await cug.api.deactivate(cug.user_kh)
    selection = {"roles": ["user"], "countries": ["KH"], "users": [cug.user_kh.id]}

    found = await resolved_ids(cug, cug.user_vn, selection)

    assert found == ids(cug.user_vn2, cug.user_th, cug.ncp_kh)


@pytest.mark.parametrize(
    "selection",
    [
        {},
        {"roles": [], "my_country": False, "countries": [], "users": []},
    ],
)
async def test_empty_selection_counts_zero(cug: Cug, selection: Any) -> None:
    response = await resolve(cug, cug.user_vn, selection)

    assert response.status_code == 200
    assert response.json() == {"count": 0, "users": []}


@pytest.mark.parametrize(
    ("selection", "field"),
    [
        ({"groups": ["ocu"]}, "recipients.groups"),
        ({"roles": ["admin"]}, "recipients.roles[0]"),
        ({"roles": ["ocu", "NCP"]}, "recipients.roles[1]"),
        ({"countries": ["XX"]}, "recipients.countries[0]"),
        ({"my_country": []}, "recipients.my_country"),
    ],
)
async def test_resolve_rejects_bad_selector(
    cug: Cug, selection: dict[str, Any], field: str
) -> None:
    response = await resolve(cug, cug.user_vn, selection)

    assert response.status_code == 422
    assert field in field_errors(response)


async def test_send_rejects_unknown_selector(cug: Cug) -> None:
    response = await send(
        cug.client, cug.code, cug.user_vn, recipients={"everyone": True}
    )

    assert response.status_code == 422
    assert "recipients.everyone" in field_errors(response)


async def test_send_rejects_unknown_role(cug: Cug) -> None:
    response = await send(
        cug.client, cug.code, cug.user_vn, recipients={"roles": ["x"]}
    )

    assert response.status_code == 422
    assert "recipients.roles[0]" in field_errors(response)


async def test_resolve_needs_membership(cug: Cug) -> None:
    outsider = await cug.api.create_user("outsider")

    response = await resolve(cug, outsider, {"roles": ["ocu"]})

    assert response.status_code == 404


@pytest.mark.parametrize(
    "recipients",
    [
        {},
        {"users": []},
        {"users": ["no-such-user"]},
    ],
)
async def test_send_to_nobody_rejected(cug: Cug, recipients: Any) -> None:
    response = await send(cug.client, cug.code, cug.user_vn, recipients=recipients)

    assert response.status_code == 422
    assert list(field_errors(response)) == ["recipients"]


async def test_send_without_recipients_rejected(cug: Cug) -> None:
    response = await send(cug.client, cug.code, cug.user_vn)

    assert response.status_code == 422
    assert list(field_errors(response)) == ["recipients"]


async def test_send_to_only_self_rejected(cug: Cug) -> None:
    response = await send(
        cug.client, cug.code, cug.user_vn, recipients={"users": [cug.user_vn.id]}
    )

    assert response.status_code == 422
    assert list(field_errors(response)) == ["recipients"]


async def test_send_to_deactivated_only_rejected(cug: Cug) -> None:
    await cug.api.deactivate(cug.user_kh)

    response = await send(
        cug.client, cug.code, cug.user_vn, recipients={"users": [cug.user_kh.id]}
    )

    assert response.status_code == 422
    assert list(field_errors(response)) == ["recipients"]


async def test_send_reaches_product_case(cug: Cug) -> None:
    selection = {"roles": ["ocu"], "my_country": True, "countries": ["TH"]}

    message = await send_ok(cug.client, cug.code, cug.user_vn, recipients=selection)

    reached = [cug.ocu, cug.ncp_vn, cug.user_vn2, cug.ncp_th, cug.user_th]
    assert message["recipient_count"] == len(reached)
    for account in reached:
        page = await inbox(cug.client, cug.code, account)
        assert [i["message_id"] for i in page["items"]] == [message["id"]], account
    for account in (cug.ncp_kh, cug.user_kh, cug.user_vn):
        page = await inbox(cug.client, cug.code, account)
        assert page["items"] == [], account


async def test_send_gives_one_item_each(cug: Cug) -> None:
    selection = {
        "roles": ["user"],
        "countries": ["TH"],
        "users": [cug.user_th.id, cug.user_th.id],
    }

    message = await send_ok(cug.client, cug.code, cug.user_vn, recipients=selection)

    assert message["recipient_count"] == 4
    page = await inbox(cug.client, cug.code, cug.user_th)
    assert len(page["items"]) == 1


async def test_send_skips_sender_inbox(cug: Cug) -> None:
    await send_ok(cug.client, cug.code, cug.user_vn, recipients={"roles": ["user"]})

    received = await inbox(cug.client, cug.code, cug.user_vn)
    sent = await inbox(cug.client, cug.code, cug.user_vn, folder="sent")

    assert received["items"] == []
    assert len(sent["items"]) == 1


async def test_send_skips_removed_member(cug: Cug) -> None:
    await cug.api.remove_member(cug.code, cug.user_th)

    message = await send_ok(
        cug.client,
        cug.code,
        cug.user_vn,
        recipients={"countries": ["TH"], "users": [cug.user_th.id]},
    )

    assert message["recipient_count"] == 1
    await cug.api.add_member(cug.code, cug.user_th)
    page = await inbox(cug.client, cug.code, cug.user_th)
    assert page["items"] == []


async def test_send_skips_deactivated(cug: Cug) -> None:
    await cug.api.deactivate(cug.user_kh)

    message = await send_ok(
        cug.client, cug.code, cug.user_vn, recipients={"countries": ["KH"]}
    )

    assert message["recipient_count"] == 1
    page = await inbox(cug.client, cug.code, cug.ncp_kh)
    assert [i["message_id"] for i in page["items"]] == [message["id"]]
