"""Logging in with the OAuth2 password form."""

from tests.accounts.helpers import admin_headers, assert_problem, field_errors
from tests.conftest import USER_PASSWORD, Api

TOKEN_URL = "/api/v1/auth/token"


async def test_login_is_case_insensitive(api: Api) -> None:
    await api.create_user("Somchai", country="TH")

    response = await api.client.post(
        TOKEN_URL, data={"username": "SOMCHAI", "password": USER_PASSWORD}
    )

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 15 * 60
    assert body["refresh_token"]


async def test_login_token_opens_me(api: Api) -> None:
    user = await api.create_user("somsak", country="TH")
    response = await api.client.post(
        TOKEN_URL, data={"username": "Somsak", "password": USER_PASSWORD}
    )
    token = response.json()["access_token"]

    me = await api.client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    )

    assert me.status_code == 200
    assert me.json()["id"] == user.id


async def test_login_wrong_password(api: Api) -> None:
    await api.create_user("dara", country="KH")

    response = await api.client.post(
        TOKEN_URL, data={"username": "dara", "password": "not-the-password"}
    )

    problem = assert_problem(response, 401)
    assert problem["detail"] == "Invalid username or password."
    assert response.headers["www-authenticate"] == "Bearer"


async def test_login_unknown_username(api: Api) -> None:
    response = await api.client.post(
        TOKEN_URL, data={"username": "nobody", "password": USER_PASSWORD}
    )

    problem = assert_problem(response, 401)
    assert problem["detail"] == "Invalid username or password."


async def test_login_overlong_username(api: Api) -> None:
    response = await api.client.post(
        TOKEN_URL, data={"username": "x" * 500, "password": USER_PASSWORD}
    )

    assert_problem(response, 401)


async def test_login_deactivated_account(api: Api) -> None:
    user = await api.create_user("vanna", country="KH")
    patched = await api.client.patch(
        f"/api/v1/users/{user.id}",
        headers=admin_headers(api),
        json={"is_active": False},
    )
    assert patched.status_code == 200

    response = await api.client.post(
        TOKEN_URL, data={"username": "vanna", "password": USER_PASSWORD}
    )

    problem = assert_problem(response, 401)
    assert "deactivated" in problem["detail"]


async def test_login_reactivated_account(api: Api) -> None:
    user = await api.create_user("sokha", country="KH")
    for is_active in (False, True):
        patched = await api.client.patch(
            f"/api/v1/users/{user.id}",
            headers=admin_headers(api),
            json={"is_active": is_active},
        )
        assert patched.status_code == 200

    response = await api.client.post(
        TOKEN_URL, data={"username": "sokha", "password": USER_PASSWORD}
    )

    assert response.status_code == 200


async def test_login_missing_password(api: Api) -> None:
    response = await api.client.post(TOKEN_URL, data={"username": "admin"})

    errors = field_errors(response)
    assert errors == {"password": "password is required"}


async def test_login_json_body_rejected(api: Api) -> None:
    response = await api.client.post(
        TOKEN_URL, json={"username": "admin", "password": USER_PASSWORD}
    )

    errors = field_errors(response)
    assert "username" in errors
    assert "password" in errors
