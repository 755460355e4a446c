"""Refresh-token rotation, logout, and access tokens the server must reject."""

import base64
import json
import time
from typing import Any

import httpx
from jose import jwt

from tests.accounts.helpers import admin_headers, assert_problem, field_errors
from tests.conftest import TEST_SECRET, USER_PASSWORD, Api

TOKEN_URL = "/api/v1/auth/token"
REFRESH_URL = "/api/v1/auth/refresh"
LOGOUT_URL = "/api/v1/auth/logout"
ME_URL = "/api/v1/me"


async def _login(api: Api, username: str) -> dict[str, Any]:
    response = await api.client.post(
        TOKEN_URL, data={"username": username, "password": USER_PASSWORD}
    )
    assert response.status_code == 200, response.text
    pair: dict[str, Any] = response.json()
    return pair


async def _me(api: Api, access_token: str) -> httpx.Response:
    return await api.client.get(
        ME_URL, headers={"Authorization": f"Bearer {access_token}"}
    )


async def _refresh(api: Api, refresh_token: str) -> httpx.Response:
    return await api.client.post(REFRESH_URL, json={"refresh_token": refresh_token})


def _b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


async def test_refresh_returns_new_pair(api: Api) -> None:
    await api.create_user("linh", country="VN")
    first = await _login(api, "linh")

    response = await _refresh(api, first["refresh_token"])

    assert response.status_code == 200
    second = response.json()
    assert second["token_type"] == "bearer"
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert (await _me(api, second["access_token"])).status_code == 200


async def test_refresh_token_works_once(api: Api) -> None:
    await api.create_user("minh", country="VN")
    first = await _login(api, "minh")
    assert (await _refresh(api, first["refresh_token"])).status_code == 200

    again = await _refresh(api, first["refresh_token"])

    assert_problem(again, 401)


async def test_refresh_reuse_revokes_session(api: Api) -> None:
    await api.create_user("nga", country="VN")
    first = await _login(api, "nga")
    second = (await _refresh(api, first["refresh_token"])).json()
    assert (await _me(api, second["access_token"])).status_code == 200

    reuse = await _refresh(api, first["refresh_token"])
    newer_refresh = await _refresh(api, second["refresh_token"])
    newer_access = await _me(api, second["access_token"])
    older_access = await _me(api, first["access_token"])

    assert_problem(reuse, 401)
    assert_problem(newer_refresh, 401)
    assert_problem(newer_access, 401)
    assert_problem(older_access, 401)


async def test_refresh_reuse_spares_other_logins(api: Api) -> None:
    await api.create_user("oanh", country="VN")
    phone = await _login(api, "oanh")
    laptop = await _login(api, "oanh")
    assert (await _refresh(api, phone["refresh_token"])).status_code == 200

    assert_problem(await _refresh(api, phone["refresh_token"]), 401)

    assert (await _me(api, laptop["access_token"])).status_code == 200
    assert (await _refresh(api, laptop["refresh_token"])).status_code == 200


async def test_refresh_unknown_token(api: Api) -> None:
    response = await _refresh(api, "not-a-token-the-server-issued")

    assert_problem(response, 401)


async def test_refresh_missing_token(api: Api) -> None:
    response = await api.client.post(REFRESH_URL, json={})

    errors = field_errors(response)
    assert errors == {"refresh_token": "refresh_token is required"}


async def test_refresh_deactivated_account(api: Api) -> None:
    user = await api.create_user("phuong", country="VN")
    pair = await _login(api, "phuong")
    patched = await api.client.patch(
        f"/api/v1/users/{user.id}",
        headers=admin_headers(api),
        json={"is_active": False},
    )
    assert patched.status_code == 200

    response = await _refresh(api, pair["refresh_token"])

    assert_problem(response, 401)


async def test_logout_revokes_refresh_token(api: Api) -> None:
    await api.create_user("quang", country="VN")
    pair = await _login(api, "quang")

    response = await api.client.post(
        LOGOUT_URL, json={"refresh_token": pair["refresh_token"]}
    )

    assert response.status_code == 204
    assert response.content == b""
    assert_problem(await _refresh(api, pair["refresh_token"]), 401)


async def test_logout_revokes_access_tokens(api: Api) -> None:
    await api.create_user("thao", country="VN")
    pair = await _login(api, "thao")
    rotated = (await _refresh(api, pair["refresh_token"])).json()

    response = await api.client.post(
        LOGOUT_URL, json={"refresh_token": rotated["refresh_token"]}
    )

    assert response.status_code == 204
    assert_problem(await _me(api, pair["access_token"]), 401)
    assert_problem(await _me(api, rotated["access_token"]), 401)


async def test_logout_keeps_other_logins(api: Api) -> None:
    await api.create_user("tuan", country="VN")
    phone = await _login(api, "tuan")
    laptop = await _login(api, "tuan")

    await api.client.post(LOGOUT_URL, json={"refresh_token": phone["refresh_token"]})

    assert (await _me(api, laptop["access_token"])).status_code == 200


async def test_logout_unknown_token(api: Api) -> None:
    response = await api.client.post(
        LOGOUT_URL, json={"refresh_token": "not-a-token-the-server-issued"}
    )

    assert_problem(response, 401)


async def test_access_without_token(api: Api) -> None:
    response = await api.client.get(ME_URL)

    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


async def test_access_malformed_tokens(api: Api) -> None:
    for token in ("garbage", "a.b.c", "", "Bearer", "x" * 5000):
        response = await _me(api, token)
        assert_problem(response, 401)


async def test_access_wrong_scheme(api: Api) -> None:
    await api.create_user("uyen", country="VN")
    pair = await _login(api, "uyen")

    response = await api.client.get(
        ME_URL, headers={"Authorization": f"Basic {pair['access_token']}"}
    )

    assert_problem(response, 401)


async def test_access_expired_token(api: Api) -> None:
    await api.create_user("vinh", country="VN")
    pair = await _login(api, "vinh")
    claims = jwt.get_unverified_claims(pair["access_token"])
    now = int(time.time())
    expired = jwt.encode(
        {**claims, "iat": now - 3600, "exp": now - 60}, TEST_SECRET, algorithm="HS256"
    )

    response = await _me(api, expired)

    assert_problem(response, 401)


async def test_access_resigned_token_accepted(api: Api) -> None:
    """The forged-token tests below would pass for any bad token without this."""
    await api.create_user("xuan", country="VN")
    pair = await _login(api, "xuan")
    claims = jwt.get_unverified_claims(pair["access_token"])

    resigned = jwt.encode(claims, TEST_SECRET, algorithm="HS256")

    assert (await _me(api, resigned)).status_code == 200


async def test_access_alg_none(api: Api) -> None:
    await api.create_user("yen", country="VN")
    pair = await _login(api, "yen")
    claims = jwt.get_unverified_claims(pair["access_token"])

    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."

    assert_problem(await _me(api, unsigned), 401)


async def test_access_hs512_same_key(api: Api) -> None:
    await api.create_user("bao", country="VN")
    pair = await _login(api, "bao")
    claims = jwt.get_unverified_claims(pair["access_token"])

    token = jwt.encode(claims, TEST_SECRET, algorithm="HS512")

    assert_problem(await _me(api, token), 401)


async def test_access_other_key(api: Api) -> None:
    await api.create_user("cuong", country="VN")
    pair = await _login(api, "cuong")
    claims = jwt.get_unverified_claims(pair["access_token"])

    token = jwt.encode(claims, "another-secret-" + "y" * 40, algorithm="HS256")

    assert_problem(await _me(api, token), 401)


async def test_access_token_not_access_type(api: Api) -> None:
    await api.create_user("duc", country="VN")
    pair = await _login(api, "duc")
    claims = jwt.get_unverified_claims(pair["access_token"])

    token = jwt.encode({**claims, "typ": "refresh"}, TEST_SECRET, algorithm="HS256")

    assert_problem(await _me(api, token), 401)


async def test_access_unknown_session(api: Api) -> None:
    await api.create_user("giang", country="VN")
    pair = await _login(api, "giang")
    claims = jwt.get_unverified_claims(pair["access_token"])

    token = jwt.encode({**claims, "sid": "0" * 32}, TEST_SECRET, algorithm="HS256")

    assert_problem(await _me(api, token), 401)


async def test_access_refresh_token_as_bearer(api: Api) -> None:
    await api.create_user("hieu", country="VN")
    pair = await _login(api, "hieu")

    assert_problem(await _me(api, pair["refresh_token"]), 401)
