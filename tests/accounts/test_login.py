"""Login, refresh rotation, logout and the current-user checks."""

from tests.conftest import USER_PASSWORD, Api


async def test_login_is_case_insensitive(api: Api) -> None:
    await api.create_user("Somchai", country="TH")

    response = await api.client.post(
        "/api/v1/auth/token", data={"username": "SOMCHAI", "password": USER_PASSWORD}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] > 0
    assert body["refresh_token"]


async def test_me_lists_memberships(api: Api) -> None:
    user = await api.create_user("lan", country="VN")
    code = await api.create_operation("mekong-test")
    await api.add_member(code, user, role="ncp")

    response = await api.client.get("/api/v1/me", headers=user.headers)

    assert response.status_code == 200
    memberships = response.json()["memberships"]
    assert memberships == [
        {
            "operation": {
                "code": "mekong-test",
                "name": "Mekong Test",
                "status": "active",
            },
            "role": "ncp",
            "country": "VN",
        }
    ]
