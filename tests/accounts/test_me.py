"""The caller's own account: `/me` and the password change."""

from tests.accounts.helpers import assert_problem, field_errors
from tests.conftest import USER_PASSWORD, Api

ME_URL = "/api/v1/me"
PASSWORD_URL = "/api/v1/me/password"
TOKEN_URL = "/api/v1/auth/token"


async def test_me_shows_account(api: Api) -> None:
    user = await api.create_user("lan", country="VN", display_name="Nguyen Thi Lan")

    response = await api.client.get(ME_URL, headers=user.headers)

    assert response.status_code == 200
    assert response.json() == {
        "id": user.id,
        "username": "lan",
        "display_name": "Nguyen Thi Lan",
        "email": "lan@example.org",
        "country": "VN",
        "is_admin": False,
        "memberships": [],
    }


async def test_me_lists_memberships(api: Api) -> None:
    user = await api.create_user("mai", country="VN")
    first = await api.create_operation("mekong-test")
    second = await api.create_operation("annam-watch")
    await api.add_member(first, user, role="ncp")
    await api.add_member(second, user, role="user", country="LA")
    await api.create_operation("not-mine")

    response = await api.client.get(ME_URL, headers=user.headers)

    assert response.status_code == 200
    assert response.json()["memberships"] == [
        {
            "operation": {
                "code": "annam-watch",
                "name": "Annam Watch",
                "status": "active",
            },
            "role": "user",
            "country": "LA",
        },
        {
            "operation": {
                "code": "mekong-test",
                "name": "Mekong Test",
                "status": "active",
            },
            "role": "ncp",
            "country": "VN",
        },
    ]


async def test_me_shows_closed_operation(api: Api) -> None:
    user = await api.create_user("hoa", country="VN")
    code = await api.create_operation("old-case")
    await api.add_member(code, user)
    assert api.admin is not None
    closed = await api.client.patch(
        f"/api/v1/operations/{code}",
        headers=api.admin.headers,
        json={"status": "closed"},
    )
    assert closed.status_code == 200

    response = await api.client.get(ME_URL, headers=user.headers)

    [membership] = response.json()["memberships"]
    assert membership["operation"]["status"] == "closed"


async def test_password_change(api: Api) -> None:
    user = await api.create_user("khanh", country="VN")

    response = await api.client.post(
        PASSWORD_URL,
        headers=user.headers,
        json={"current_password": USER_PASSWORD, "new_password": "a-new-password-2"},
    )

    assert response.status_code == 204
    old = await api.client.post(
        TOKEN_URL, data={"username": "khanh", "password": USER_PASSWORD}
    )
    new = await api.client.post(
        TOKEN_URL, data={"username": "khanh", "password": "a-new-password-2"}
    )
    assert_problem(old, 401)
    assert new.status_code == 200


async def test_password_wrong_current(api: Api) -> None:
    user = await api.create_user("long", country="VN")

    response = await api.client.post(
        PASSWORD_URL,
        headers=user.headers,
        json={"current_password": "a-wrong-guess", "new_password": "new-password-3"},
    )

    errors = field_errors(response)
    assert list(errors) == ["current_password"]
    assert "a-wrong-guess" not in response.text
    still = await api.client.post(
        TOKEN_URL, data={"username": "long", "password": USER_PASSWORD}
    )
    assert still.status_code == 200


async def test_password_too_short(api: Api) -> None:
    user = await api.create_user("nam", country="VN")

    response = await api.client.post(
        PASSWORD_URL,
        headers=user.headers,
        json={"current_password": USER_PASSWORD, "new_password": "short"},
    )

    errors = field_errors(response)
    assert errors == {
        "new_password": "new_password has 5 characters; it must have at least 8"
    }


async def test_password_needs_token(api: Api) -> None:
    response = await api.client.post(
        PASSWORD_URL,
        json={"current_password": USER_PASSWORD, "new_password": "new-password-3"},
    )

    assert_problem(response, 401)
