"""Login, token refresh and rotation, logout, `/me` and account management."""

from __future__ import annotations

import asyncio
import secrets

import pytest
from support import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    LOGIN_MAX_FAILURES,
    USER_PASSWORD,
    Person,
    Server,
    make_client,
)

from cencomm_client import ApiError, AuthenticationError, CencommClient


async def test_login_wrong_password(server: Server) -> None:
    async with make_client(server) as client:
        with pytest.raises(AuthenticationError) as raised:
            await client.login(ADMIN_USERNAME, "not-the-password")
    assert raised.value.status == 401
    assert raised.value.title


async def test_login_throttled(server: Server) -> None:
    username = f"nobody-{secrets.token_hex(3)}"
    async with make_client(server) as client:
        for _ in range(LOGIN_MAX_FAILURES):
            with pytest.raises(AuthenticationError):
                await client.login(username, "wrong-password")
        with pytest.raises(ApiError) as raised:
            await client.login(username, "wrong-password")
    assert raised.value.status == 429
    assert raised.value.retry_after is not None
    assert raised.value.retry_after > 0


async def test_me_after_login(admin: CencommClient) -> None:
    me = await admin.me()
    assert me.username == ADMIN_USERNAME
    assert me.is_admin is True


async def test_request_without_login(server: Server) -> None:
    async with make_client(server) as client:
        with pytest.raises(AuthenticationError):
            await client.me()


async def test_refresh_rotates_token(server: Server) -> None:
    async with make_client(server) as client:
        first = await client.login(ADMIN_USERNAME, ADMIN_PASSWORD)
        second = await client.refresh()
        assert second.refresh_token != first.refresh_token
        assert client.tokens.refresh_token == second.refresh_token
        assert (await client.me()).username == ADMIN_USERNAME


async def test_old_refresh_token_rejected(server: Server) -> None:
    async with make_client(server) as client:
        first = await client.login(ADMIN_USERNAME, ADMIN_PASSWORD)
        await client.refresh()
    async with make_client(server, refresh_token=first.refresh_token) as stale:
        with pytest.raises(AuthenticationError):
            await stale.me()


async def test_resume_from_refresh_token(server: Server) -> None:
    async with make_client(server) as client:
        pair = await client.login(ADMIN_USERNAME, ADMIN_PASSWORD)
    async with make_client(server, refresh_token=pair.refresh_token) as resumed:
        me = await resumed.me()
        assert me.username == ADMIN_USERNAME
        assert resumed.tokens.refresh_token != pair.refresh_token


async def test_expired_token_refreshed(admin: CencommClient) -> None:
    # Pretend the access token ran out: the client refreshes before the call.
    admin.tokens.expires_at = 0.0
    before = admin.tokens.refresh_count
    await admin.me()
    assert admin.tokens.refresh_count == before + 1


async def test_concurrent_calls_refresh_once(admin: CencommClient) -> None:
    admin.tokens.expires_at = 0.0
    before = admin.tokens.refresh_count
    results = await asyncio.gather(*(admin.me() for _ in range(8)))
    assert all(me.username == ADMIN_USERNAME for me in results)
    assert admin.tokens.refresh_count == before + 1


async def test_revoked_access_token_renewed(server: Server) -> None:
    async with make_client(server) as client:
        await client.login(ADMIN_USERNAME, ADMIN_PASSWORD)
        # A token the server rejects with 401 is refreshed once and the call
        # is sent again.
        client.tokens.access_token = "not-a-token"
        me = await client.me()
        assert me.username == ADMIN_USERNAME
        assert client.tokens.refresh_count == 1


async def test_logout_revokes_refresh(server: Server) -> None:
    async with make_client(server) as client:
        pair = await client.login(ADMIN_USERNAME, ADMIN_PASSWORD)
        await client.logout()
        assert client.tokens.access_token is None
    async with make_client(server, refresh_token=pair.refresh_token) as revoked:
        with pytest.raises(AuthenticationError):
            await revoked.me()


async def test_create_and_read_user(admin: CencommClient) -> None:
    username = f"user-{secrets.token_hex(3)}"
    created = await admin.create_user(
        username, "Nguyễn Thị Hoa", "vn", USER_PASSWORD, email="hoa@example.org"
    )
    fetched = await admin.get_user(created.id)
    assert fetched.username == username
    assert fetched.display_name == "Nguyễn Thị Hoa"
    assert fetched.country == "VN"
    assert fetched.is_active is True


async def test_duplicate_username_conflict(admin: CencommClient) -> None:
    username = f"user-{secrets.token_hex(3)}"
    await admin.create_user(username, "First", "TH", USER_PASSWORD)
    with pytest.raises(ApiError) as raised:
        await admin.create_user(username.upper(), "Second", "TH", USER_PASSWORD)
    assert raised.value.status == 409


async def test_invalid_user_field_errors(admin: CencommClient) -> None:
    with pytest.raises(ApiError) as raised:
        await admin.create_user(f"u-{secrets.token_hex(3)}", "X", "XX", "short")
    fields = {error.field for error in raised.value.errors}
    assert raised.value.status == 422
    assert "country" in fields
    assert "password" in fields
    assert all(error.message for error in raised.value.errors)


async def test_iter_users_across_pages(
    admin: CencommClient, people: list[Person]
) -> None:
    # The admin and the four people of the session make at least five.
    page = await admin.list_users(limit=2)
    everyone = [user.username async for user in admin.iter_users(page_size=2)]
    assert len(page.items) == 2
    assert page.next_cursor is not None
    assert len(everyone) == len(set(everyone))
    assert len(everyone) >= 5
    assert everyone == sorted(everyone, key=str.lower)


async def test_update_user_fields(admin: CencommClient) -> None:
    user = await admin.create_user(
        f"upd-{secrets.token_hex(3)}", "Old", "KH", USER_PASSWORD
    )
    updated = await admin.update_user(user.id, display_name="New", country="MM")
    assert updated.display_name == "New"
    assert updated.country == "MM"
    assert updated.email == user.email


async def test_deactivated_user_cannot_login(
    server: Server, admin: CencommClient
) -> None:
    username = f"gone-{secrets.token_hex(3)}"
    user = await admin.create_user(username, "Gone", "TH", USER_PASSWORD)
    updated = await admin.update_user(user.id, is_active=False)
    assert updated.is_active is False
    async with make_client(server) as client:
        with pytest.raises(AuthenticationError):
            await client.login(username, USER_PASSWORD)


async def test_change_password(server: Server, admin: CencommClient) -> None:
    username = f"pw-{secrets.token_hex(3)}"
    await admin.create_user(username, "Pw", "CN", USER_PASSWORD)
    async with make_client(server) as client:
        await client.login(username, USER_PASSWORD)
        with pytest.raises(ApiError) as raised:
            await client.change_password("wrong-password", "new-password-2")
        await client.change_password(USER_PASSWORD, "new-password-2")
    assert [error.field for error in raised.value.errors] == ["current_password"]
    async with make_client(server) as client:
        await client.login(username, "new-password-2")
        assert (await client.me()).username == username


async def test_service_endpoints(server: Server) -> None:
    async with make_client(server) as client:
        health = await client.healthz()
        ready = await client.readyz()
    assert health.status == "ok"
    assert ready.status == "ok"
    assert ready.database == "sqlite"
