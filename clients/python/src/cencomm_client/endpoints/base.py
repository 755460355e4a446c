"""The request machinery that every group of endpoints shares."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel

from cencomm_client.errors import (
    AuthenticationError,
    ConnectionFailed,
    error_from_response,
)
from cencomm_client.models import Page, TokenPair
from cencomm_client.retry import RetryPolicy, may_retry
from cencomm_client.tokens import TokenManager, TokenStore

logger = logging.getLogger("cencomm_client")

# Idle connections are dropped before servers usually close them (uvicorn
# after 5 seconds by default, cencomm serve after 30). A request sent on a
# connection the server is closing at that moment fails with a read error,
# and a POST that failed that way cannot be retried safely.
KEEPALIVE_SECONDS = 2.0

API_PREFIX = "/api/v1"
DEFAULT_SERVER = "http://127.0.0.1:8000"
DEFAULT_PAGE_SIZE = 200
ModelT = TypeVar("ModelT", bound=BaseModel)
ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")
Params = Mapping[str, str | int | bool | None]


class BaseClient:
    """Holds the HTTP connection pool, the tokens and the retry policy."""

    def __init__(
        self,
        server: str = DEFAULT_SERVER,
        *,
        refresh_token: str | None = None,
        token_store: TokenStore | None = None,
        refresh_margin: float | None = None,
        timeout: float = 30.0,
        retry_policy: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.server = server.rstrip("/")
        self.retry_policy = retry_policy or RetryPolicy()
        self._http = httpx.AsyncClient(
            base_url=self.server,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            transport=transport,
            headers={"Accept": "application/json"},
            limits=httpx.Limits(keepalive_expiry=KEEPALIVE_SECONDS),
        )
        self.tokens = TokenManager(
            self._refresh_call,
            refresh_token=refresh_token,
            store=token_store,
            refresh_margin=refresh_margin,
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def _refresh_call(self, refresh_token: str) -> TokenPair:
        # Sent once unless it never left the client: a refresh token that
        # reached the server is used up, and sending it again ends the login.
        response = await self._send(
            "POST",
            api_path("auth", "refresh"),
            {"json": {"refresh_token": refresh_token}},
            retry=None,
            authenticate=False,
        )
        return TokenPair.model_validate(response.json())

    async def _send(
        self,
        method: str,
        path: str,
        options: Mapping[str, Any] | Callable[[], Mapping[str, Any]],
        *,
        retry: bool | None,
        authenticate: bool = True,
    ) -> httpx.Response:
        """Send one request with retries and token refresh; raise ApiError on errors.

        `options` are the keyword arguments of `httpx.AsyncClient.request`, or a
        function that builds them anew for each attempt (an upload reopens its
        file).
        """
        return await self._with_retries(
            method,
            retry,
            lambda: self._send_once(method, path, options, authenticate),
        )

    async def _send_once(
        self,
        method: str,
        path: str,
        options: Mapping[str, Any] | Callable[[], Mapping[str, Any]],
        authenticate: bool,
        *,
        stream: bool = False,
    ) -> httpx.Response:
        """Send one attempt; with `stream`, the caller reads and closes the response."""
        for renewed in (False, True):
            kwargs = dict(options() if callable(options) else options)
            token = await self._authorize(kwargs) if authenticate else None
            request = self._http.build_request(method, path, **kwargs)
            response = await self._http.send(request, stream=stream)
            if response.status_code != 401 or token is None or renewed:
                break
            if not self.tokens.can_refresh:
                break
            await response.aclose()
            # The token expired on the way or was revoked: a 401 means the
            # server did nothing, so one refresh and a second try are safe.
            await self.tokens.refresh(stale=token)
        if response.is_error:
            await response.aread()
            await response.aclose()
            raise error_from_response(response)
        return response

    async def _authorize(self, kwargs: dict[str, Any]) -> str | None:
        token = await self.tokens.valid_access_token()
        if token is None:
            raise AuthenticationError(
                401, "Unauthorized", "Not logged in; log in first."
            )
        headers = dict(kwargs.get("headers") or {})
        headers["Authorization"] = f"Bearer {token}"
        kwargs["headers"] = headers
        return token

    async def _with_retries(
        self,
        method: str,
        retry: bool | None,
        attempt: Callable[[], Awaitable[ResultT]],
    ) -> ResultT:
        failures = 0
        while True:
            try:
                return await attempt()
            except httpx.TransportError as exc:
                failures += 1
                if failures >= self.retry_policy.attempts or not may_retry(
                    method, retry, exc
                ):
                    raise ConnectionFailed(
                        f"{method} {self.server} failed after {failures} "
                        f"attempt(s): {exc!r}"
                    ) from exc
                delay = self.retry_policy.delay(failures)
                logger.info(
                    "request.retry method=%s attempt=%d delay=%.2f error=%r",
                    method,
                    failures,
                    delay,
                    exc,
                )
                await asyncio.sleep(delay)

    async def _get_model(
        self,
        model: type[ModelT],
        path: str,
        params: Params | None = None,
        *,
        authenticate: bool = True,
    ) -> ModelT:
        response = await self._send(
            "GET",
            path,
            {"params": _clean(params)},
            retry=None,
            authenticate=authenticate,
        )
        return model.model_validate(response.json())

    async def _json_model(
        self,
        model: type[ModelT],
        method: str,
        path: str,
        body: Any,
        *,
        retry: bool | None = None,
        content_type: str | None = None,
    ) -> ModelT:
        options: dict[str, Any] = {"json": body}
        if content_type is not None:
            options["headers"] = {"Content-Type": content_type}
        response = await self._send(method, path, options, retry=retry)
        return model.model_validate(response.json())

    async def _no_content(
        self, method: str, path: str, body: Any = None, *, retry: bool | None = None
    ) -> None:
        options = {} if body is None else {"json": body}
        await self._send(method, path, options, retry=retry)


def api_path(*segments: str) -> str:
    """Build an API path, quoting each segment (ids are opaque strings)."""
    return API_PREFIX + "".join("/" + quote(segment, safe="") for segment in segments)


def page_params(
    limit: int | None, cursor: str | None, **filters: str | int | bool | None
) -> dict[str, str | int | bool | None]:
    """Build the query of a list request; None values are left out."""
    return {"limit": limit, "cursor": cursor, **filters}


def _clean(params: Params | None) -> dict[str, str | int]:
    cleaned: dict[str, str | int] = {}
    for name, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, bool):
            cleaned[name] = "true" if value else "false"
        else:
            cleaned[name] = value
    return cleaned


async def iterate_pages(
    fetch: Callable[[str | None], Awaitable[Page[ItemT]]],
) -> AsyncIterator[ItemT]:
    """Yield every item of a list, requesting the next page when one is used up."""
    cursor: str | None = None
    while True:
        page = await fetch(cursor)
        for item in page.items:
            yield item
        if page.next_cursor is None:
            return
        cursor = page.next_cursor
