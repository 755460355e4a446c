"""The access and refresh tokens of one login, refreshed before they expire.

The server rotates refresh tokens: each refresh returns a new one and a second
use of an old one ends the whole login. So one refresh runs at a time, the
newest refresh token is always the one kept, and a `TokenStore` shared by
several processes is read again under its lock before each refresh.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from cencomm_client.errors import AuthenticationError
from cencomm_client.models import TokenPair

# Without an explicit margin, a token is refreshed when less than a fifth of
# its lifetime is left, but no earlier than a minute before it expires.
MAX_DEFAULT_MARGIN_SECONDS = 60.0
DEFAULT_MARGIN_SHARE = 0.2


class TokenStore(Protocol):
    """Storage that keeps a refresh token beyond the process, such as the CLI's file."""

    def hold(self) -> AbstractAsyncContextManager[None]:
        """Hold the store exclusively, across processes, for one refresh."""
        ...

    def load(self) -> str | None:
        """Return the newest stored refresh token."""
        ...

    def save(self, refresh_token: str | None) -> None:
        """Store a new refresh token, or forget it when None."""
        ...


RefreshCall = Callable[[str], Awaitable[TokenPair]]


class TokenManager:
    """Keeps the tokens of one login and refreshes them through `refresh_call`."""

    def __init__(
        self,
        refresh_call: RefreshCall,
        *,
        refresh_token: str | None = None,
        store: TokenStore | None = None,
        refresh_margin: float | None = None,
    ) -> None:
        self._refresh_call = refresh_call
        self._store = store
        self.refresh_margin = refresh_margin
        self._lock = asyncio.Lock()
        self.access_token: str | None = None
        self.refresh_token = refresh_token
        self.expires_at = 0.0
        self.lifetime = 0.0
        self.refresh_count = 0

    @property
    def can_refresh(self) -> bool:
        return self.refresh_token is not None or self._store is not None

    def seconds_left(self) -> float:
        """Return the seconds until the access token expires (negative: expired)."""
        return self.expires_at - time.monotonic()

    def refresh_due_in(self) -> float:
        """Return the seconds until the access token should be refreshed."""
        return self.seconds_left() - self._margin_seconds()

    def accept(self, pair: TokenPair) -> None:
        """Take a new pair from a login or a refresh and store its refresh token."""
        self.access_token = pair.access_token
        self.refresh_token = pair.refresh_token
        self.lifetime = float(pair.expires_in)
        self.expires_at = time.monotonic() + self.lifetime
        if self._store is not None:
            self._store.save(pair.refresh_token)

    def forget(self) -> None:
        """Drop every token, and the stored one."""
        self.access_token = None
        self.refresh_token = None
        self.expires_at = 0.0
        if self._store is not None:
            self._store.save(None)

    async def valid_access_token(self) -> str | None:
        """Return an access token that is not about to expire, refreshing if due."""
        if self.access_token is not None and self.refresh_due_in() > 0:
            return self.access_token
        if not self.can_refresh:
            return self.access_token
        await self.refresh(stale=self.access_token)
        return self.access_token

    async def refresh(self, *, stale: str | None = None) -> None:
        """Exchange the newest refresh token for a new pair.

        With `stale`, the refresh is skipped when another task already replaced
        that access token while this one waited for the lock.
        """
        async with self._lock:
            if stale is not None and self.access_token != stale:
                return
            async with self._hold_store():
                refresh_token = self.newest_refresh_token()
                if refresh_token is None:
                    raise AuthenticationError(
                        401, "Unauthorized", "Not logged in; log in first."
                    )
                pair = await self._refresh_call(refresh_token)
                self.accept(pair)
                self.refresh_count += 1

    def newest_refresh_token(self) -> str | None:
        """Return the stored refresh token, or the one in memory."""
        if self._store is not None:
            stored = self._store.load()
            if stored is not None:
                return stored
        return self.refresh_token

    def _hold_store(self) -> AbstractAsyncContextManager[None]:
        if self._store is None:
            return _nothing()
        return self._store.hold()

    def _margin_seconds(self) -> float:
        if self.refresh_margin is not None:
            return self.refresh_margin
        return min(MAX_DEFAULT_MARGIN_SECONDS, self.lifetime * DEFAULT_MARGIN_SHARE)


@contextlib.asynccontextmanager
async def _nothing() -> AsyncIterator[None]:
    yield
