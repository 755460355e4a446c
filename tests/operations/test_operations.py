"""Creating, listing, reading, editing, closing and reopening operations."""

from typing import Any

from tests.accounts.helpers import admin_headers, assert_problem, field_errors
from tests.conftest import Api

OPERATIONS_URL = "/api/v1/operations"
PHASES = {
    "pre_operational": {"start": "2024-04-01", "end": "2024-04-30"},
    "operational": {"start": "2024-05-01", "end": "2024-05-31"},
}


async def _create(api: Api, body: dict[str, Any]) -> Any:
    return await api.client.post(OPERATIONS_URL, headers=admin_headers(api), json=body)


async def test_create_operation(api: Api) -> None:
    response = await _create(
        api,
        {
            "code": "mekong-dragon-2",
            "name": "Mekong Dragon II",
            "description": "Wildlife trafficking on the Mekong.",
            "phases": PHASES,
        },
    )

    assert response.status_code == 201
    assert response.json() == {
        "code": "mekong-dragon-2",
        "name": "Mekong Dragon II",
        "description": "Wildlife trafficking on the Mekong.",
        "phases": PHASES,
        "status": "active",
        "member_count": 0,
    }


async def test_create_operation_defaults(api: Api) -> None:
    response = await _create(api, {"code": "ab", "name": "Short"})

    assert response.status_code == 201
    body = response.json()
    assert body["description"] == ""
    assert body["phases"] == {}
    assert body["status"] == "active"


async def test_create_operation_longest_code(api: Api) -> None:
    code = "a" * 64

    response = await _create(api, {"code": code, "name": "Long"})

    assert response.status_code == 201
    assert (
        await api.client.get(f"{OPERATIONS_URL}/{code}", headers=admin_headers(api))
    ).status_code == 200


async def test_create_operation_bad_codes(api: Api) -> None:
    for code in ("Ab", "a", "a" * 65, "with space", "under_score", "ä-b", ""):
        response = await _create(api, {"code": code, "name": "Bad"})
        errors = field_errors(response)
        assert list(errors) == ["code"], code
        assert errors["code"].startswith("code "), code


async def test_create_operation_code_messages(api: Api) -> None:
    upper = field_errors(await _create(api, {"code": "Ab", "name": "Bad"}))
    short = field_errors(await _create(api, {"code": "a", "name": "Bad"}))
    long = field_errors(await _create(api, {"code": "a" * 65, "name": "Bad"}))

    assert upper["code"] == (
        "code 'Ab' contains 'A'; it may contain only lowercase letters, digits "
        "and hyphens (mekong-dragon-2)"
    )
    assert short["code"].startswith("code has 1 character; it must have 2 to 64")
    assert long["code"].startswith("code has 65 characters; it must have 2 to 64")


async def test_create_operation_phase_order(api: Api) -> None:
    phases = {"operational": {"start": "2024-05-02", "end": "2024-05-01"}}

    response = await _create(api, {"code": "late", "name": "Late", "phases": phases})

    errors = field_errors(response)
    assert errors == {
        "phases.operational": "start 2024-05-02 is after end 2024-05-01; "
        "start must be no later than end"
    }


async def test_create_operation_phase_one_day(api: Api) -> None:
    phases = {"post_operational": {"start": "2024-06-01", "end": "2024-06-01"}}

    response = await _create(api, {"code": "day", "name": "Day", "phases": phases})

    assert response.status_code == 201
    assert response.json()["phases"] == phases


async def test_create_operation_bad_phases(api: Api) -> None:
    phases = {
        "planning": {"start": "2024-05-01", "end": "2024-05-02"},
        "operational": {"start": "2024-02-30", "end": "2024-05-02"},
    }

    response = await _create(api, {"code": "bad", "name": "Bad", "phases": phases})

    errors = field_errors(response)
    assert set(errors) == {"phases.planning", "phases.operational.start"}
    assert errors["phases.planning"] == "phases.planning is not a known field"
    assert "'2024-02-30'" in errors["phases.operational.start"]


async def test_create_operation_unknown_field(api: Api) -> None:
    response = await _create(api, {"code": "odd", "name": "Odd", "colour": "red"})

    assert field_errors(response) == {"colour": "colour is not a known field"}


async def test_create_operation_missing_name(api: Api) -> None:
    response = await _create(api, {"code": "nameless"})

    assert field_errors(response) == {"name": "name is required"}


async def test_create_operation_duplicate_code(api: Api) -> None:
    await api.create_operation("twice")

    response = await _create(api, {"code": "twice", "name": "Again"})

    problem = assert_problem(response, 409)
    assert "twice" in problem["detail"]


async def test_create_operation_non_admin(api: Api) -> None:
    user = await api.create_user("ocu-person", country="TH")

    response = await api.client.post(
        OPERATIONS_URL, headers=user.headers, json={"code": "mine", "name": "Mine"}
    )

    assert_problem(response, 403)


async def test_list_operations_member_sees_own(api: Api) -> None:
    user = await api.create_user("somchai", country="TH")
    for code in ("charlie", "alpha", "bravo"):
        await api.create_operation(code)
    await api.add_member("charlie", user)
    await api.add_member("alpha", user, role="ocu")

    response = await api.client.get(OPERATIONS_URL, headers=user.headers)

    assert response.status_code == 200
    page = response.json()
    assert [item["code"] for item in page["items"]] == ["alpha", "charlie"]
    assert page["next_cursor"] is None


async def test_list_operations_admin_sees_all(api: Api) -> None:
    for code in ("charlie", "alpha", "bravo"):
        await api.create_operation(code)

    response = await api.client.get(OPERATIONS_URL, headers=admin_headers(api))

    codes = [item["code"] for item in response.json()["items"]]
    assert codes == ["alpha", "bravo", "charlie"]


async def test_list_operations_none(api: Api) -> None:
    user = await api.create_user("lonely", country="TH")
    await api.create_operation("elsewhere")

    response = await api.client.get(OPERATIONS_URL, headers=user.headers)

    assert response.json() == {"items": [], "next_cursor": None}


async def test_read_operation_member_count(api: Api) -> None:
    code = await api.create_operation("counted", phases=PHASES)
    for country in ("TH", "VN", "LA"):
        await api.add_member(code, await api.create_user(country=country))
    member = await api.create_user(country="KH")
    await api.add_member(code, member)

    response = await api.client.get(f"{OPERATIONS_URL}/{code}", headers=member.headers)

    assert response.status_code == 200
    body = response.json()
    assert body["member_count"] == 4
    assert body["phases"] == PHASES
    assert body["status"] == "active"
    listed = await api.client.get(OPERATIONS_URL, headers=member.headers)
    assert listed.json()["items"][0]["member_count"] == 4


async def test_read_operation_unknown(api: Api) -> None:
    response = await api.client.get(
        f"{OPERATIONS_URL}/no-such-op", headers=admin_headers(api)
    )

    assert_problem(response, 404)


async def test_patch_by_ocu(api: Api) -> None:
    code = await api.create_operation("editable", phases=PHASES)
    ocu = await api.create_user(country="TH")
    await api.add_member(code, ocu, role="ocu")

    response = await api.client.patch(
        f"{OPERATIONS_URL}/{code}",
        headers=ocu.headers,
        json={"name": "Renamed", "description": "Now described."},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Renamed"
    assert body["description"] == "Now described."
    assert body["phases"] == PHASES
    assert body["member_count"] == 1


async def test_patch_by_admin_non_member(api: Api) -> None:
    code = await api.create_operation("admin-edit")
    phases = {"operational": {"start": "2025-01-01", "end": "2025-02-01"}}

    response = await api.client.patch(
        f"{OPERATIONS_URL}/{code}", headers=admin_headers(api), json={"phases": phases}
    )

    assert response.status_code == 200
    assert response.json()["phases"] == phases


async def test_patch_clears_phases(api: Api) -> None:
    code = await api.create_operation("phased", phases=PHASES)

    response = await api.client.patch(
        f"{OPERATIONS_URL}/{code}", headers=admin_headers(api), json={"phases": None}
    )

    assert response.json()["phases"] == {}


async def test_patch_null_name(api: Api) -> None:
    code = await api.create_operation("named")

    response = await api.client.patch(
        f"{OPERATIONS_URL}/{code}", headers=admin_headers(api), json={"name": None}
    )

    assert field_errors(response) == {
        "name": "name must not be null; leave it out to keep its value"
    }


async def test_patch_bad_status(api: Api) -> None:
    code = await api.create_operation("statused")

    response = await api.client.patch(
        f"{OPERATIONS_URL}/{code}",
        headers=admin_headers(api),
        json={"status": "archived"},
    )

    assert field_errors(response) == {
        "status": "status is 'archived'; it must be 'active' or 'closed'"
    }


async def test_patch_forbidden_roles(api: Api) -> None:
    code = await api.create_operation("guarded")
    for role in ("ncp", "user"):
        member = await api.create_user(country="TH")
        await api.add_member(code, member, role=role)

        response = await api.client.patch(
            f"{OPERATIONS_URL}/{code}", headers=member.headers, json={"name": "Mine"}
        )

        assert_problem(response, 403)
    unchanged = await api.client.get(
        f"{OPERATIONS_URL}/{code}", headers=admin_headers(api)
    )
    assert unchanged.json()["name"] == "Guarded"


async def test_close_and_reopen(api: Api) -> None:
    code = await api.create_operation("seasonal")
    ocu = await api.create_user(country="TH")
    await api.add_member(code, ocu, role="ocu")

    closed = await api.client.patch(
        f"{OPERATIONS_URL}/{code}", headers=ocu.headers, json={"status": "closed"}
    )
    renamed = await api.client.patch(
        f"{OPERATIONS_URL}/{code}", headers=ocu.headers, json={"name": "Still Editable"}
    )
    reopened = await api.client.patch(
        f"{OPERATIONS_URL}/{code}", headers=ocu.headers, json={"status": "active"}
    )

    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert renamed.status_code == 200
    assert renamed.json()["status"] == "closed"
    assert reopened.status_code == 200
    assert reopened.json()["status"] == "active"
    assert reopened.json()["name"] == "Still Editable"


async def test_closed_operation_readable(api: Api) -> None:
    code = await api.create_operation("archive-me")
    member = await api.create_user(country="TH")
    await api.add_member(code, member)
    await api.client.patch(
        f"{OPERATIONS_URL}/{code}",
        headers=admin_headers(api),
        json={"status": "closed"},
    )

    read = await api.client.get(f"{OPERATIONS_URL}/{code}", headers=member.headers)
    members = await api.client.get(
        f"{OPERATIONS_URL}/{code}/members", headers=member.headers
    )
    listed = await api.client.get(OPERATIONS_URL, headers=member.headers)

    assert read.status_code == 200
    assert read.json()["status"] == "closed"
    assert members.status_code == 200
    assert len(members.json()["items"]) == 1
    assert listed.json()["items"][0]["status"] == "closed"
