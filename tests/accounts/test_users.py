"""Account management by administrators: `/users`."""

from typing import Any

from tests.accounts.helpers import admin_headers, assert_problem, field_errors
from tests.conftest import USER_PASSWORD, Api

USERS_URL = "/api/v1/users"


def _new_user(username: str, **changes: Any) -> dict[str, Any]:
    return {
        "username": username,
        "display_name": username.title(),
        "email": f"{username}@example.org",
        "country": "th",
        "password": "a-good-password",
        "is_admin": False,
        **changes,
    }


async def test_create_user(api: Api) -> None:
    response = await api.client.post(
        USERS_URL, headers=admin_headers(api), json=_new_user("Pim")
    )

    assert response.status_code == 201
    user = response.json()
    assert set(user) == {
        "id",
        "username",
        "display_name",
        "email",
        "country",
        "is_admin",
        "is_active",
        "created_at",
    }
    assert user["username"] == "Pim"
    assert user["country"] == "TH"
    assert user["is_active"] is True
    assert user["is_admin"] is False
    assert user["created_at"].endswith("Z")


async def test_create_user_hides_password(api: Api) -> None:
    response = await api.client.post(
        USERS_URL, headers=admin_headers(api), json=_new_user("Pan")
    )

    assert "a-good-password" not in response.text
    assert "password" not in response.text
    assert "argon2" not in response.text


async def test_create_user_duplicate_any_case(api: Api) -> None:
    first = await api.client.post(
        USERS_URL, headers=admin_headers(api), json=_new_user("Lek")
    )
    assert first.status_code == 201

    for username in ("Lek", "lek", "LEK"):
        response = await api.client.post(
            USERS_URL, headers=admin_headers(api), json=_new_user(username)
        )
        problem = assert_problem(response, 409)
        assert username in problem["detail"]


async def test_create_user_invalid_fields(api: Api) -> None:
    body = _new_user("x", country="XX", email="not-an-email", password="short")

    response = await api.client.post(USERS_URL, headers=admin_headers(api), json=body)

    errors = field_errors(response)
    assert set(errors) == {"username", "country", "email", "password"}
    assert errors["country"] == "'XX' is not an ISO 3166-1 alpha-2 country code"
    assert errors["password"] == "password has 5 characters; it must have at least 8"
    assert "short" not in response.text


async def test_create_user_unknown_field(api: Api) -> None:
    body = _new_user("noi", role="ocu")

    response = await api.client.post(USERS_URL, headers=admin_headers(api), json=body)

    assert field_errors(response) == {"role": "role is not a known field"}


async def test_create_user_missing_fields(api: Api) -> None:
    response = await api.client.post(
        USERS_URL, headers=admin_headers(api), json={"username": "ohm"}
    )

    errors = field_errors(response)
    assert errors == {
        "display_name": "display_name is required",
        "country": "country is required",
        "password": "password is required",
    }


async def test_create_user_body_not_object(api: Api) -> None:
    response = await api.client.post(
        USERS_URL, headers=admin_headers(api), json=["username"]
    )

    assert field_errors(response) == {
        "body": "body is a list; it must be a JSON object"
    }


async def test_create_user_non_admin(api: Api) -> None:
    user = await api.create_user("joy", country="TH")

    response = await api.client.post(
        USERS_URL, headers=user.headers, json=_new_user("other")
    )

    assert_problem(response, 403)


async def test_create_user_admin_can_log_in(api: Api) -> None:
    created = await api.client.post(
        USERS_URL,
        headers=admin_headers(api),
        json=_new_user("boss", is_admin=True, password=USER_PASSWORD),
    )
    assert created.status_code == 201
    login = await api.client.post(
        "/api/v1/auth/token", data={"username": "boss", "password": USER_PASSWORD}
    )
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

    response = await api.client.get(USERS_URL, headers=headers)

    assert response.status_code == 200


async def test_list_users(api: Api) -> None:
    await api.create_user("Zed", country="TH")
    await api.create_user("amy", country="TH")

    response = await api.client.get(USERS_URL, headers=admin_headers(api))

    assert response.status_code == 200
    page = response.json()
    assert [u["username"] for u in page["items"]] == ["admin", "amy", "Zed"]
    assert page["next_cursor"] is None


async def test_list_users_non_admin(api: Api) -> None:
    user = await api.create_user("kim", country="TH")

    response = await api.client.get(USERS_URL, headers=user.headers)

    assert_problem(response, 403)


async def test_read_user(api: Api) -> None:
    user = await api.create_user("fon", country="TH")

    response = await api.client.get(
        f"{USERS_URL}/{user.id}", headers=admin_headers(api)
    )

    assert response.status_code == 200
    assert response.json()["username"] == "fon"


async def test_read_user_unknown_id(api: Api) -> None:
    for user_id in ("0" * 32, "x" * 100):
        response = await api.client.get(
            f"{USERS_URL}/{user_id}", headers=admin_headers(api)
        )
        assert_problem(response, 404)


async def test_read_user_non_admin(api: Api) -> None:
    user = await api.create_user("gift", country="TH")

    response = await api.client.get(f"{USERS_URL}/{user.id}", headers=user.headers)

    assert_problem(response, 403)


async def test_update_user(api: Api) -> None:
    user = await api.create_user("ice", country="TH")

    response = await api.client.patch(
        f"{USERS_URL}/{user.id}",
        headers=admin_headers(api),
        json={"display_name": "Ice Cream", "email": "", "country": "la"},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["display_name"] == "Ice Cream"
    assert body["email"] == ""
    assert body["country"] == "LA"
    assert body["username"] == "ice"


async def test_update_user_null_field(api: Api) -> None:
    user = await api.create_user("jam", country="TH")

    response = await api.client.patch(
        f"{USERS_URL}/{user.id}", headers=admin_headers(api), json={"country": None}
    )

    errors = field_errors(response)
    assert errors == {
        "country": "country must not be null; leave it out to keep its value"
    }


async def test_update_user_grants_admin(api: Api) -> None:
    user = await api.create_user("kob", country="TH")

    response = await api.client.patch(
        f"{USERS_URL}/{user.id}", headers=admin_headers(api), json={"is_admin": True}
    )

    assert response.status_code == 200
    assert response.json()["is_admin"] is True
    listing = await api.client.get(USERS_URL, headers=user.headers)
    assert listing.status_code == 200


async def test_update_user_non_admin(api: Api) -> None:
    user = await api.create_user("lukpla", country="TH")

    response = await api.client.patch(
        f"{USERS_URL}/{user.id}", headers=user.headers, json={"is_admin": True}
    )

    assert_problem(response, 403)


async def test_update_user_unknown_id(api: Api) -> None:
    response = await api.client.patch(
        f"{USERS_URL}/{'0' * 32}", headers=admin_headers(api), json={"email": ""}
    )

    assert_problem(response, 404)


async def test_deactivation_ends_tokens(api: Api) -> None:
    user = await api.create_user("mew", country="TH")
    assert (await api.client.get("/api/v1/me", headers=user.headers)).status_code == 200

    patched = await api.client.patch(
        f"{USERS_URL}/{user.id}", headers=admin_headers(api), json={"is_active": False}
    )

    assert patched.status_code == 200
    assert patched.json()["is_active"] is False
    response = await api.client.get("/api/v1/me", headers=user.headers)
    problem = assert_problem(response, 401)
    assert "revoked" in problem["detail"] or "deactivated" in problem["detail"]


async def test_deactivated_admin_loses_access(api: Api) -> None:
    other_admin = await api.create_user("nok", country="TH", is_admin=True)

    await api.client.patch(
        f"{USERS_URL}/{other_admin.id}",
        headers=admin_headers(api),
        json={"is_active": False},
    )

    response = await api.client.get(USERS_URL, headers=other_admin.headers)
    assert_problem(response, 401)
