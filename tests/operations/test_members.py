"""Members of an operation: who may add, change and remove whom."""

from typing import Any

import httpx

from tests.accounts.helpers import admin_headers, assert_problem, field_errors
from tests.conftest import Account, Api

CODE = "mekong-dragon-2"


def _members_url(code: str = CODE) -> str:
    return f"/api/v1/operations/{code}/members"


async def _put(
    api: Api, headers: dict[str, str], user: Account, body: dict[str, Any]
) -> httpx.Response:
    return await api.client.put(
        f"{_members_url()}/{user.id}", headers=headers, json=body
    )


async def _delete(api: Api, headers: dict[str, str], user: Account) -> httpx.Response:
    return await api.client.delete(f"{_members_url()}/{user.id}", headers=headers)


async def _roles(api: Api) -> dict[str, tuple[str, str]]:
    """Map each member's id to their role and country."""
    response = await api.client.get(_members_url(), headers=admin_headers(api))
    assert response.status_code == 200
    return {
        item["user"]["id"]: (item["role"], item["country"])
        for item in response.json()["items"]
    }


async def _staff(api: Api) -> dict[str, Account]:
    """Create the operation with an OCU, a Thai NCP and a Thai plain user."""
    await api.create_operation(CODE)
    staff = {
        "ocu": await api.create_user("ocu", country="BE"),
        "ncp": await api.create_user("ncp-th", country="TH"),
        "user": await api.create_user("user-th", country="TH"),
    }
    for role, account in staff.items():
        await api.add_member(CODE, account, role=role)
    return staff


async def test_put_adds_member(api: Api) -> None:
    staff = await _staff(api)
    newcomer = await api.create_user("newcomer", country="VN", display_name="Lan")

    response = await _put(api, staff["ocu"].headers, newcomer, {"role": "user"})

    assert response.status_code == 201
    assert response.json() == {
        "user": {"id": newcomer.id, "username": "newcomer", "display_name": "Lan"},
        "role": "user",
        "country": "VN",
    }
    assert (await _roles(api))[newcomer.id] == ("user", "VN")


async def test_put_changes_member(api: Api) -> None:
    staff = await _staff(api)

    response = await _put(api, staff["ocu"].headers, staff["user"], {"role": "ncp"})

    assert response.status_code == 200
    assert response.json()["role"] == "ncp"
    assert response.json()["country"] == "TH"
    assert (await _roles(api))[staff["user"].id] == ("ncp", "TH")


async def test_put_country_given(api: Api) -> None:
    staff = await _staff(api)
    liaison = await api.create_user(country="VN")

    response = await _put(
        api, staff["ocu"].headers, liaison, {"role": "user", "country": "la"}
    )

    assert response.status_code == 201
    assert response.json()["country"] == "LA"


async def test_put_keeps_member_country(api: Api) -> None:
    staff = await _staff(api)
    liaison = await api.create_user(country="VN")
    await api.add_member(CODE, liaison, country="LA")

    response = await _put(api, staff["ocu"].headers, liaison, {"role": "ncp"})

    assert response.status_code == 200
    assert response.json()["country"] == "LA"


async def test_put_bad_role_and_country(api: Api) -> None:
    staff = await _staff(api)
    newcomer = await api.create_user(country="VN")

    response = await _put(
        api, staff["ocu"].headers, newcomer, {"role": "boss", "country": "XX"}
    )

    errors = field_errors(response)
    assert errors == {
        "role": "role is 'boss'; it must be 'ocu', 'ncp' or 'user'",
        "country": "'XX' is not an ISO 3166-1 alpha-2 country code",
    }


async def test_put_unknown_field(api: Api) -> None:
    staff = await _staff(api)
    newcomer = await api.create_user(country="VN")

    response = await _put(
        api, staff["ocu"].headers, newcomer, {"role": "user", "rank": 3}
    )

    assert field_errors(response) == {"rank": "rank is not a known field"}


async def test_put_unknown_user(api: Api) -> None:
    staff = await _staff(api)

    response = await api.client.put(
        f"{_members_url()}/{'0' * 32}",
        headers=staff["ocu"].headers,
        json={"role": "user"},
    )

    assert_problem(response, 404)


async def test_admin_sets_any_role(api: Api) -> None:
    await _staff(api)
    for role in ("ocu", "ncp", "user"):
        account = await api.create_user(country="VN")
        response = await _put(api, admin_headers(api), account, {"role": role})
        assert response.status_code == 201
        assert response.json()["role"] == role


async def test_ocu_sets_any_role(api: Api) -> None:
    staff = await _staff(api)
    for role in ("ocu", "ncp", "user"):
        account = await api.create_user(country="VN")
        response = await _put(api, staff["ocu"].headers, account, {"role": role})
        assert response.status_code == 201
        assert response.json()["role"] == role


async def test_ncp_adds_own_country_user(api: Api) -> None:
    staff = await _staff(api)
    officer = await api.create_user(country="TH")

    response = await _put(api, staff["ncp"].headers, officer, {"role": "user"})

    assert response.status_code == 201
    assert response.json()["country"] == "TH"


async def test_ncp_adds_only_plain_users(api: Api) -> None:
    staff = await _staff(api)
    for role in ("ocu", "ncp"):
        officer = await api.create_user(country="TH")
        response = await _put(api, staff["ncp"].headers, officer, {"role": role})
        assert_problem(response, 403)
        assert officer.id not in await _roles(api)


async def test_ncp_other_account_country(api: Api) -> None:
    staff = await _staff(api)
    foreigner = await api.create_user(country="VN")

    response = await _put(
        api, staff["ncp"].headers, foreigner, {"role": "user", "country": "TH"}
    )

    problem = assert_problem(response, 403)
    assert "VN" in problem["detail"]
    assert foreigner.id not in await _roles(api)


async def test_ncp_other_membership_country(api: Api) -> None:
    staff = await _staff(api)
    officer = await api.create_user(country="TH")

    response = await _put(
        api, staff["ncp"].headers, officer, {"role": "user", "country": "LA"}
    )

    assert_problem(response, 403)
    assert officer.id not in await _roles(api)


async def test_ncp_may_not_change_members(api: Api) -> None:
    staff = await _staff(api)
    changes = [
        (staff["user"], {"role": "ncp"}),
        (staff["user"], {"role": "user", "country": "LA"}),
        (staff["ocu"], {"role": "user"}),
        (staff["ncp"], {"role": "user"}),
    ]
    for account, body in changes:
        response = await _put(api, staff["ncp"].headers, account, body)
        assert_problem(response, 403)
    roles = await _roles(api)
    assert roles[staff["user"].id] == ("user", "TH")
    assert roles[staff["ocu"].id] == ("ocu", "BE")
    assert roles[staff["ncp"].id] == ("ncp", "TH")


async def test_ncp_repeats_unchanged_member(api: Api) -> None:
    staff = await _staff(api)

    response = await _put(api, staff["ncp"].headers, staff["user"], {"role": "user"})

    assert response.status_code == 200
    assert response.json()["role"] == "user"


async def test_plain_user_may_not_add(api: Api) -> None:
    staff = await _staff(api)
    officer = await api.create_user(country="TH")

    response = await _put(api, staff["user"].headers, officer, {"role": "user"})

    assert_problem(response, 403)
    assert officer.id not in await _roles(api)


async def test_non_member_may_not_add(api: Api) -> None:
    await _staff(api)
    outsider = await api.create_user(country="TH")
    officer = await api.create_user(country="TH")

    response = await _put(api, outsider.headers, officer, {"role": "user"})

    assert_problem(response, 404)


async def test_list_members(api: Api) -> None:
    staff = await _staff(api)

    response = await api.client.get(_members_url(), headers=staff["user"].headers)

    assert response.status_code == 200
    page = response.json()
    assert page["next_cursor"] is None
    items = sorted(page["items"], key=lambda item: item["role"])
    assert items == [
        {
            "user": {
                "id": staff["ncp"].id,
                "username": "ncp-th",
                "display_name": "Ncp-Th",
            },
            "role": "ncp",
            "country": "TH",
        },
        {
            "user": {"id": staff["ocu"].id, "username": "ocu", "display_name": "Ocu"},
            "role": "ocu",
            "country": "BE",
        },
        {
            "user": {
                "id": staff["user"].id,
                "username": "user-th",
                "display_name": "User-Th",
            },
            "role": "user",
            "country": "TH",
        },
    ]


async def test_admin_lists_members(api: Api) -> None:
    await _staff(api)

    response = await api.client.get(_members_url(), headers=admin_headers(api))

    assert response.status_code == 200
    assert len(response.json()["items"]) == 3


async def test_delete_by_ocu(api: Api) -> None:
    staff = await _staff(api)

    response = await _delete(api, staff["ocu"].headers, staff["ncp"])

    assert response.status_code == 204
    assert response.content == b""
    assert staff["ncp"].id not in await _roles(api)


async def test_delete_by_admin(api: Api) -> None:
    staff = await _staff(api)

    response = await _delete(api, admin_headers(api), staff["ocu"])

    assert response.status_code == 204
    assert staff["ocu"].id not in await _roles(api)


async def test_delete_by_ncp_own_country_user(api: Api) -> None:
    staff = await _staff(api)

    response = await _delete(api, staff["ncp"].headers, staff["user"])

    assert response.status_code == 204
    assert staff["user"].id not in await _roles(api)


async def test_delete_by_ncp_forbidden(api: Api) -> None:
    staff = await _staff(api)
    vietnamese = await api.create_user(country="VN")
    await api.add_member(CODE, vietnamese)
    thai_ncp = await api.create_user(country="TH")
    await api.add_member(CODE, thai_ncp, role="ncp")
    for target in (vietnamese, thai_ncp, staff["ocu"]):
        response = await _delete(api, staff["ncp"].headers, target)
        assert_problem(response, 403)
    roles = await _roles(api)
    assert vietnamese.id in roles
    assert thai_ncp.id in roles
    assert staff["ocu"].id in roles


async def test_delete_by_ncp_other_membership_country(api: Api) -> None:
    staff = await _staff(api)
    thai_in_laos = await api.create_user(country="TH")
    await api.add_member(CODE, thai_in_laos, country="LA")

    response = await _delete(api, staff["ncp"].headers, thai_in_laos)

    assert_problem(response, 403)


async def test_delete_by_plain_user(api: Api) -> None:
    staff = await _staff(api)
    colleague = await api.create_user(country="TH")
    await api.add_member(CODE, colleague)

    response = await _delete(api, staff["user"].headers, colleague)

    assert_problem(response, 403)
    assert colleague.id in await _roles(api)


async def test_delete_not_a_member(api: Api) -> None:
    staff = await _staff(api)
    outsider = await api.create_user(country="TH")

    response = await _delete(api, staff["ocu"].headers, outsider)

    assert_problem(response, 404)


async def test_removed_member_loses_operation(api: Api) -> None:
    staff = await _staff(api)
    removed = staff["user"]
    assert (await _delete(api, staff["ocu"].headers, removed)).status_code == 204

    read = await api.client.get(f"/api/v1/operations/{CODE}", headers=removed.headers)
    members = await api.client.get(_members_url(), headers=removed.headers)
    listed = await api.client.get("/api/v1/operations", headers=removed.headers)
    me = await api.client.get("/api/v1/me", headers=removed.headers)

    assert_problem(read, 404)
    assert_problem(members, 404)
    assert listed.json()["items"] == []
    assert me.json()["memberships"] == []


async def test_removed_member_can_return(api: Api) -> None:
    staff = await _staff(api)
    await _delete(api, staff["ocu"].headers, staff["user"])

    response = await _put(api, staff["ocu"].headers, staff["user"], {"role": "user"})

    assert response.status_code == 201
    read = await api.client.get(
        f"/api/v1/operations/{CODE}", headers=staff["user"].headers
    )
    assert read.status_code == 200


async def test_member_count_follows_changes(api: Api) -> None:
    staff = await _staff(api)
    await _delete(api, staff["ocu"].headers, staff["user"])

    response = await api.client.get(
        f"/api/v1/operations/{CODE}", headers=staff["ocu"].headers
    )

    assert response.json()["member_count"] == 2


async def _close(api: Api) -> None:
    response = await api.client.patch(
        f"/api/v1/operations/{CODE}",
        headers=admin_headers(api),
        json={"status": "closed"},
    )
    assert response.status_code == 200


async def test_closed_operation_refuses_changes(api: Api) -> None:
    staff = await _staff(api)
    newcomer = await api.create_user(country="TH")
    await _close(api)

    added = await _put(api, staff["ocu"].headers, newcomer, {"role": "user"})
    changed = await _put(api, staff["ocu"].headers, staff["user"], {"role": "ncp"})
    removed = await _delete(api, staff["ocu"].headers, staff["user"])
    by_admin = await _put(api, admin_headers(api), newcomer, {"role": "user"})

    for response in (added, changed, removed, by_admin):
        problem = assert_problem(response, 409)
        assert "closed" in problem["detail"]
    roles = await _roles(api)
    assert newcomer.id not in roles
    assert roles[staff["user"].id] == ("user", "TH")


async def test_reopened_operation_allows_changes(api: Api) -> None:
    staff = await _staff(api)
    newcomer = await api.create_user(country="TH")
    await _close(api)
    reopened = await api.client.patch(
        f"/api/v1/operations/{CODE}",
        headers=staff["ocu"].headers,
        json={"status": "active"},
    )
    assert reopened.status_code == 200

    response = await _put(api, staff["ncp"].headers, newcomer, {"role": "user"})

    assert response.status_code == 201


async def test_non_member_gets_404_everywhere(api: Api) -> None:
    staff = await _staff(api)
    outsider = await api.create_user(country="TH")
    target = staff["user"].id
    requests: list[tuple[str, str, Any]] = [
        ("GET", f"/api/v1/operations/{CODE}", None),
        ("PATCH", f"/api/v1/operations/{CODE}", {"name": "Taken Over"}),
        ("GET", _members_url(), None),
        ("PUT", f"{_members_url()}/{target}", {"role": "user"}),
        ("DELETE", f"{_members_url()}/{target}", None),
    ]
    for method, url, body in requests:
        response = await api.client.request(
            method, url, headers=outsider.headers, json=body
        )
        problem = assert_problem(response, 404)
        assert CODE in problem["detail"], (method, url)


async def test_admin_non_member_uses_routes(api: Api) -> None:
    staff = await _staff(api)
    headers = admin_headers(api)
    newcomer = await api.create_user(country="VN")

    read = await api.client.get(f"/api/v1/operations/{CODE}", headers=headers)
    patched = await api.client.patch(
        f"/api/v1/operations/{CODE}", headers=headers, json={"name": "Renamed"}
    )
    members = await api.client.get(_members_url(), headers=headers)
    added = await _put(api, headers, newcomer, {"role": "user"})
    removed = await _delete(api, headers, staff["user"])

    assert read.status_code == 200
    assert patched.status_code == 200
    assert members.status_code == 200
    assert added.status_code == 201
    assert removed.status_code == 204
    assert api.admin is not None
    assert api.admin.id not in await _roles(api)
