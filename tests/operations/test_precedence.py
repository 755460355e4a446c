"""When several error statuses apply, the first of 401, 404, 403, 422, 409 wins."""

from typing import Any

import httpx

from tests.accounts.helpers import admin_headers, assert_problem
from tests.conftest import Account, Api

CODE = "precedence"
OPERATION_URL = f"/api/v1/operations/{CODE}"
INVALID_JSON = b'{"role": '
JSON_TYPE = {"content-type": "application/json"}


async def _setup(api: Api) -> dict[str, Account]:
    await api.create_operation(CODE)
    accounts = {
        "ocu": await api.create_user("ocu", country="BE"),
        "ncp": await api.create_user("ncp", country="TH"),
        "user": await api.create_user("user", country="TH"),
        "outsider": await api.create_user("outsider", country="TH"),
        "target": await api.create_user("target", country="TH"),
    }
    for role in ("ocu", "ncp", "user"):
        await api.add_member(CODE, accounts[role], role=role)
    return accounts


async def _send(
    api: Api,
    method: str,
    url: str,
    headers: dict[str, str],
    body: Any = None,
    raw: bytes | None = None,
) -> httpx.Response:
    if raw is not None:
        return await api.client.request(
            method, url, headers={**headers, **JSON_TYPE}, content=raw
        )
    return await api.client.request(method, url, headers=headers, json=body)


async def test_no_token_beats_invalid_json(api: Api) -> None:
    accounts = await _setup(api)
    requests = [
        ("POST", "/api/v1/operations"),
        ("POST", "/api/v1/users"),
        ("PATCH", OPERATION_URL),
        ("PATCH", "/api/v1/operations/no-such-op"),
        ("PUT", f"{OPERATION_URL}/members/{accounts['target'].id}"),
        ("PATCH", f"/api/v1/users/{accounts['target'].id}"),
        ("POST", "/api/v1/me/password"),
    ]
    for method, url in requests:
        response = await _send(api, method, url, {}, raw=INVALID_JSON)
        assert_problem(response, 401)


async def test_bad_token_beats_invalid_body(api: Api) -> None:
    await _setup(api)
    headers = {"Authorization": "Bearer not-a-token"}

    response = await _send(api, "PATCH", OPERATION_URL, headers, {"name": 5})

    assert_problem(response, 401)


async def test_non_member_invalid_body_is_404(api: Api) -> None:
    accounts = await _setup(api)
    headers = accounts["outsider"].headers
    target = accounts["target"].id
    cases = [
        ("PATCH", OPERATION_URL, {"status": "archived"}),
        ("PUT", f"{OPERATION_URL}/members/{target}", {"role": "boss"}),
        ("PUT", f"{OPERATION_URL}/members/{target}", ["not", "an", "object"]),
    ]
    for method, url, body in cases:
        response = await _send(api, method, url, headers, body)
        assert_problem(response, 404)


async def test_non_member_invalid_json_is_404(api: Api) -> None:
    accounts = await _setup(api)
    url = f"{OPERATION_URL}/members/{accounts['target'].id}"

    response = await _send(
        api, "PUT", url, accounts["outsider"].headers, raw=INVALID_JSON
    )

    assert_problem(response, 404)


async def test_non_member_bad_limit_is_404(api: Api) -> None:
    accounts = await _setup(api)

    response = await api.client.get(
        f"{OPERATION_URL}/members?limit=0", headers=accounts["outsider"].headers
    )

    assert_problem(response, 404)


async def test_unknown_operation_invalid_body_is_404(api: Api) -> None:
    response = await _send(
        api,
        "PATCH",
        "/api/v1/operations/no-such-op",
        admin_headers(api),
        {"name": ""},
    )

    assert_problem(response, 404)


async def test_overlong_code_is_404(api: Api) -> None:
    accounts = await _setup(api)
    url = f"/api/v1/operations/{'a' * 65}"

    as_member = await api.client.get(url, headers=accounts["user"].headers)
    as_admin = await api.client.get(f"{url}/members", headers=admin_headers(api))

    assert_problem(as_member, 404)
    assert_problem(as_admin, 404)


async def test_unknown_user_beats_role(api: Api) -> None:
    accounts = await _setup(api)
    for user_id in ("0" * 32, "x" * 100):
        url = f"{OPERATION_URL}/members/{user_id}"
        response = await _send(
            api, "PUT", url, accounts["user"].headers, {"role": "boss"}
        )
        assert_problem(response, 404)


async def test_role_beats_invalid_body(api: Api) -> None:
    accounts = await _setup(api)
    target = accounts["target"].id
    cases = [
        ("user", "PATCH", OPERATION_URL, {"status": "archived"}),
        ("ncp", "PATCH", OPERATION_URL, {"name": ""}),
        ("user", "PUT", f"{OPERATION_URL}/members/{target}", {"role": "boss"}),
        ("user", "PUT", f"{OPERATION_URL}/members/{target}", {}),
    ]
    for actor, method, url, body in cases:
        response = await _send(api, method, url, accounts[actor].headers, body)
        assert_problem(response, 403)


async def test_role_beats_invalid_json(api: Api) -> None:
    accounts = await _setup(api)
    target = accounts["target"].id
    cases = [
        ("user", "PATCH", OPERATION_URL),
        ("ncp", "PATCH", OPERATION_URL),
        ("user", "PUT", f"{OPERATION_URL}/members/{target}"),
        ("user", "POST", "/api/v1/operations"),
        ("user", "POST", "/api/v1/users"),
        ("user", "PATCH", f"/api/v1/users/{target}"),
    ]
    for actor, method, url in cases:
        response = await _send(
            api, method, url, accounts[actor].headers, raw=INVALID_JSON
        )
        assert_problem(response, 403)


async def test_non_admin_bad_limit_is_403(api: Api) -> None:
    accounts = await _setup(api)

    response = await api.client.get(
        "/api/v1/users?limit=0", headers=accounts["user"].headers
    )

    assert_problem(response, 403)


async def test_ncp_invalid_body_is_422(api: Api) -> None:
    accounts = await _setup(api)
    url = f"{OPERATION_URL}/members/{accounts['target'].id}"

    response = await _send(
        api, "PUT", url, accounts["ncp"].headers, {"role": "user", "country": "XX"}
    )

    assert_problem(response, 422)


async def _close(api: Api) -> None:
    response = await api.client.patch(
        OPERATION_URL, headers=admin_headers(api), json={"status": "closed"}
    )
    assert response.status_code == 200


async def test_closed_invalid_body_is_422(api: Api) -> None:
    accounts = await _setup(api)
    await _close(api)
    url = f"{OPERATION_URL}/members/{accounts['target'].id}"

    invalid = await _send(api, "PUT", url, accounts["ocu"].headers, {"role": "boss"})
    broken = await _send(api, "PUT", url, accounts["ocu"].headers, raw=INVALID_JSON)

    assert_problem(invalid, 422)
    assert_problem(broken, 422)


async def test_closed_forbidden_is_403(api: Api) -> None:
    accounts = await _setup(api)
    vietnamese = await api.create_user(country="VN")
    await _close(api)

    ncp_adds = await _send(
        api,
        "PUT",
        f"{OPERATION_URL}/members/{vietnamese.id}",
        accounts["ncp"].headers,
        {"role": "user"},
    )
    user_removes = await api.client.delete(
        f"{OPERATION_URL}/members/{accounts['ncp'].id}",
        headers=accounts["user"].headers,
    )

    assert_problem(ncp_adds, 403)
    assert_problem(user_removes, 403)


async def test_closed_missing_member_is_404(api: Api) -> None:
    accounts = await _setup(api)
    await _close(api)

    response = await api.client.delete(
        f"{OPERATION_URL}/members/{accounts['outsider'].id}",
        headers=accounts["ocu"].headers,
    )

    assert_problem(response, 404)


async def test_duplicate_code_invalid_body_is_422(api: Api) -> None:
    await _setup(api)

    response = await _send(
        api,
        "POST",
        "/api/v1/operations",
        admin_headers(api),
        {"code": CODE, "name": ""},
    )

    assert_problem(response, 422)


async def test_duplicate_username_invalid_body_is_422(api: Api) -> None:
    await _setup(api)
    body = {
        "username": "OCU",
        "display_name": "Again",
        "country": "XX",
        "password": "a-good-password",
    }

    response = await _send(api, "POST", "/api/v1/users", admin_headers(api), body)

    assert_problem(response, 422)
