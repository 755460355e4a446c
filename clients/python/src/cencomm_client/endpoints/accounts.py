"""Authentication, the caller's own account and the admin's account management."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from cencomm_client.endpoints.base import (
    DEFAULT_PAGE_SIZE,
    BaseClient,
    api_path,
    iterate_pages,
    page_params,
)
from cencomm_client.models import Me, Page, TokenPair, User


class AccountsEndpoints(BaseClient):
    async def login(self, username: str, password: str) -> TokenPair:
        """Log in with the OAuth2 password form and keep the tokens."""
        response = await self._send(
            "POST",
            api_path("auth", "token"),
            {"data": {"username": username, "password": password}},
            retry=None,
            authenticate=False,
        )
        pair = TokenPair.model_validate(response.json())
        self.tokens.accept(pair)
        return pair

    async def refresh(self) -> TokenPair:
        """Exchange the refresh token for a new pair now, whatever time is left."""
        await self.tokens.refresh()
        assert self.tokens.access_token is not None
        assert self.tokens.refresh_token is not None
        return TokenPair(
            access_token=self.tokens.access_token,
            expires_in=max(0, int(self.tokens.seconds_left())),
            refresh_token=self.tokens.refresh_token,
        )

    async def logout(self) -> None:
        """Revoke the refresh token and the login's access tokens, then forget them."""
        refresh_token = self.tokens.newest_refresh_token()
        if refresh_token is not None:
            await self._send(
                "POST",
                api_path("auth", "logout"),
                {"json": {"refresh_token": refresh_token}},
                retry=None,
                authenticate=False,
            )
        self.tokens.forget()

    async def me(self) -> Me:
        """Return the caller's account and memberships."""
        return await self._get_model(Me, api_path("me"))

    async def change_password(self, current_password: str, new_password: str) -> None:
        """Change the caller's password."""
        body = {"current_password": current_password, "new_password": new_password}
        await self._no_content("POST", api_path("me", "password"), body)

    async def create_user(
        self,
        username: str,
        display_name: str,
        country: str,
        password: str,
        *,
        email: str = "",
        is_admin: bool = False,
        retry: bool | None = None,
    ) -> User:
        """Create an account (admin)."""
        body = {
            "username": username,
            "display_name": display_name,
            "email": email,
            "country": country,
            "password": password,
            "is_admin": is_admin,
        }
        return await self._json_model(
            User, "POST", api_path("users"), body, retry=retry
        )

    async def list_users(
        self, *, limit: int | None = None, cursor: str | None = None
    ) -> Page[User]:
        """Return one page of accounts, by username (admin)."""
        return await self._get_model(
            Page[User], api_path("users"), page_params(limit, cursor)
        )

    def iter_users(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[User]:
        """Iterate over every account (admin)."""
        return iterate_pages(
            lambda cursor: self.list_users(limit=page_size, cursor=cursor)
        )

    async def get_user(self, user_id: str) -> User:
        """Return one account (admin)."""
        return await self._get_model(User, api_path("users", user_id))

    async def update_user(
        self,
        user_id: str,
        *,
        display_name: str | None = None,
        email: str | None = None,
        country: str | None = None,
        is_active: bool | None = None,
        is_admin: bool | None = None,
    ) -> User:
        """Change the given fields of an account; deactivating ends its logins."""
        body: dict[str, Any] = {
            name: value
            for name, value in (
                ("display_name", display_name),
                ("email", email),
                ("country", country),
                ("is_active", is_active),
                ("is_admin", is_admin),
            )
            if value is not None
        }
        return await self._json_model(User, "PATCH", api_path("users", user_id), body)
