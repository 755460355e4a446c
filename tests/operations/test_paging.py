"""Paging of the user, operation and member lists by `limit` and `cursor`."""

import re
from typing import Any

from tests.accounts.helpers import admin_headers, field_errors
from tests.conftest import Api

USERS_URL = "/api/v1/users"
OPERATIONS_URL = "/api/v1/operations"
CODE = "paged"
MEMBERS_URL = f"/api/v1/operations/{CODE}/members"
URL_SAFE = re.compile(r"^[A-Za-z0-9_-]+$")


async def _page(
    api: Api, url: str, limit: int, cursor: str | None = None
) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": limit}
    if cursor is not None:
        params["cursor"] = cursor
    response = await api.client.get(url, headers=admin_headers(api), params=params)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


def _user_key(item: dict[str, Any]) -> str:
    return str(item["username"])


def _operation_key(item: dict[str, Any]) -> str:
    return str(item["code"])


def _member_key(item: dict[str, Any]) -> str:
    return str(item["user"]["username"])


async def _walk(api: Api, url: str, limit: int, key: Any) -> list[str]:
    """Read every page and return the items' keys in order."""
    keys: list[str] = []
    cursor = None
    for _ in range(100):
        page = await _page(api, url, limit, cursor)
        keys.extend(key(item) for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return keys
        assert URL_SAFE.match(cursor), cursor
    raise AssertionError("the list did not end within 100 pages")


async def test_users_pages_cover_all(api: Api) -> None:
    for name in ("bee", "cat", "dog", "eel", "fox"):
        await api.create_user(name, country="TH")

    keys = await _walk(api, USERS_URL, 2, _user_key)

    assert keys == ["admin", "bee", "cat", "dog", "eel", "fox"]


async def test_users_last_full_page_ends(api: Api) -> None:
    for name in ("bee", "cat", "dog"):
        await api.create_user(name, country="TH")

    first = await _page(api, USERS_URL, 2)
    second = await _page(api, USERS_URL, 2, first["next_cursor"])
    exact = await _page(api, USERS_URL, 4)

    assert first["next_cursor"] is not None
    assert [_user_key(item) for item in second["items"]] == ["cat", "dog"]
    assert second["next_cursor"] is None
    assert len(exact["items"]) == 4
    assert exact["next_cursor"] is None


async def test_users_pages_stable_under_inserts(api: Api) -> None:
    for name in ("bee", "dog", "fox", "hen"):
        await api.create_user(name, country="TH")
    first = await _page(api, USERS_URL, 2)
    assert [_user_key(item) for item in first["items"]] == ["admin", "bee"]

    await api.create_user("ant", country="TH")
    await api.create_user("cat", country="TH")
    await api.create_user("zebu", country="TH")
    keys = [_user_key(item) for item in first["items"]]
    cursor = first["next_cursor"]
    while cursor is not None:
        page = await _page(api, USERS_URL, 2, cursor)
        keys.extend(_user_key(item) for item in page["items"])
        cursor = page["next_cursor"]

    for name in ("admin", "bee", "dog", "fox", "hen"):
        assert keys.count(name) == 1, keys
    assert len(keys) == len(set(keys))
    assert "ant" not in keys
    assert keys[-1] == "zebu"


async def test_operations_pages_stable_under_inserts(api: Api) -> None:
    for code in ("op-b", "op-d", "op-f"):
        await api.create_operation(code)
    first = await _page(api, OPERATIONS_URL, 2)

    await api.create_operation("op-a")
    await api.create_operation("op-c")
    keys = [_operation_key(item) for item in first["items"]]
    second = await _page(api, OPERATIONS_URL, 2, first["next_cursor"])
    keys.extend(_operation_key(item) for item in second["items"])

    assert keys == ["op-b", "op-d", "op-f"]
    assert second["next_cursor"] is None


async def test_member_pages_cover_all(api: Api) -> None:
    await api.create_operation(CODE)
    names = ["Anan", "Boon", "Chai", "Chai", "Dao"]
    for name in names:
        await api.add_member(CODE, await api.create_user(display_name=name))

    keys = await _walk(api, MEMBERS_URL, 2, _member_key)

    assert len(keys) == 5
    assert len(set(keys)) == 5


async def test_member_pages_stable_under_inserts(api: Api) -> None:
    await api.create_operation(CODE)
    for name in ("Boon", "Dao", "Fah"):
        await api.add_member(
            CODE, await api.create_user(name.lower(), display_name=name)
        )
    first = await _page(api, MEMBERS_URL, 2)

    await api.add_member(CODE, await api.create_user("anan", display_name="Anan"))
    second = await _page(api, MEMBERS_URL, 2, first["next_cursor"])

    keys = [_member_key(item) for item in first["items"] + second["items"]]
    assert keys == ["boon", "dao", "fah"]
    assert second["next_cursor"] is None


async def test_limit_out_of_range(api: Api) -> None:
    await api.create_operation(CODE)
    for url in (USERS_URL, OPERATIONS_URL, MEMBERS_URL):
        for limit in (0, 201):
            response = await api.client.get(
                url, headers=admin_headers(api), params={"limit": limit}
            )
            errors = field_errors(response)
            assert errors == {
                "limit": f"limit is {limit}; it must be between 1 and 200"
            }, url


async def test_limit_bounds_accepted(api: Api) -> None:
    for limit in (1, 200):
        page = await _page(api, USERS_URL, limit)
        assert len(page["items"]) == 1


async def test_default_limit_is_50(api: Api) -> None:
    await api.create_operation(CODE)
    for index in range(51):
        await api.client.post(
            OPERATIONS_URL,
            headers=admin_headers(api),
            json={"code": f"bulk-{index:02d}", "name": "Bulk"},
        )

    response = await api.client.get(OPERATIONS_URL, headers=admin_headers(api))

    page = response.json()
    assert len(page["items"]) == 50
    assert page["next_cursor"] is not None


async def test_forged_cursor(api: Api) -> None:
    for name in ("bee", "cat"):
        await api.create_user(name, country="TH")
    real = (await _page(api, USERS_URL, 1))["next_cursor"]
    flipped = real[:-1] + ("A" if real[-1] != "A" else "B")
    forged = ["garbage", "!!!", flipped, real[:-4], "x" * 400, "x" * 600]

    for cursor in forged:
        response = await api.client.get(
            USERS_URL, headers=admin_headers(api), params={"cursor": cursor}
        )
        errors = field_errors(response)
        assert list(errors) == ["cursor"], cursor


async def test_cursor_of_other_list(api: Api) -> None:
    for name in ("bee", "cat"):
        await api.create_user(name, country="TH")
    for code in ("op-a", "op-b"):
        await api.create_operation(code)
    users_cursor = (await _page(api, USERS_URL, 1))["next_cursor"]
    operations_cursor = (await _page(api, OPERATIONS_URL, 1))["next_cursor"]

    on_operations = await api.client.get(
        OPERATIONS_URL, headers=admin_headers(api), params={"cursor": users_cursor}
    )
    on_users = await api.client.get(
        USERS_URL, headers=admin_headers(api), params={"cursor": operations_cursor}
    )

    assert list(field_errors(on_operations)) == ["cursor"]
    assert list(field_errors(on_users)) == ["cursor"]


async def test_cursor_of_other_caller(api: Api) -> None:
    member = await api.create_user("member", country="TH")
    for code in ("op-a", "op-b"):
        await api.create_operation(code)
        await api.add_member(code, member)
    admin_cursor = (await _page(api, OPERATIONS_URL, 1))["next_cursor"]

    response = await api.client.get(
        OPERATIONS_URL, headers=member.headers, params={"cursor": admin_cursor}
    )

    assert list(field_errors(response)) == ["cursor"]
