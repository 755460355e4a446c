"""A small client of `/api/v1/ws` for the end-to-end tests, on `websockets`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.conftest import Account

FRAME_WAIT_SECONDS = 5.0


def token_of(account: Account) -> str:
    return account.headers["Authorization"].removeprefix("Bearer ")


class LiveSocket:
    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection

    async def send(self, frame: dict[str, Any] | str | bytes) -> None:
        if isinstance(frame, dict):
            frame = json.dumps(frame)
        await self.connection.send(frame)

    async def auth(self, token: str, since: str | None = None) -> None:
        frame: dict[str, Any] = {"type": "auth", "token": token}
        if since is not None:
            frame["since"] = since
        await self.send(frame)

    async def frame(self, wait: float = FRAME_WAIT_SECONDS) -> dict[str, Any]:
        """Return the next frame; fail if none comes within `wait` seconds."""
        text = await asyncio.wait_for(self.connection.recv(), timeout=wait)
        value: dict[str, Any] = json.loads(text)
        return value

    async def ready(self) -> dict[str, Any]:
        frame = await self.frame()
        assert frame["type"] == "ready", frame
        return frame

    async def frames_until(self, frame_type: str) -> list[dict[str, Any]]:
        """Return the frames up to and including the first of `frame_type`."""
        frames = [await self.frame()]
        while frames[-1]["type"] != frame_type:
            frames.append(await self.frame())
        return frames

    async def nothing_for(self, seconds: float) -> None:
        """Fail if a frame arrives or the socket closes within `seconds`."""
        try:
            frame = await asyncio.wait_for(self.connection.recv(), timeout=seconds)
        except TimeoutError:
            return
        raise AssertionError(f"expected no frame for {seconds} s, got {frame!r}")

    async def close_code(self, wait: float = FRAME_WAIT_SECONDS) -> int | None:
        """Wait for the server to close; fail if a frame arrives first."""
        try:
            frame = await asyncio.wait_for(self.connection.recv(), timeout=wait)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
        raise AssertionError(f"expected the socket to close, got {frame!r}")

    @property
    def close_reason(self) -> str | None:
        return self.connection.close_reason


@asynccontextmanager
async def live(
    ws_url: str,
    *,
    headers: dict[str, str] | None = None,
    since: str | None = None,
) -> AsyncIterator[LiveSocket]:
    """Open a socket; `since` goes in the query, as with header authentication."""
    url = ws_url if since is None else f"{ws_url}?since={quote(since)}"
    async with connect(
        url,
        additional_headers=headers,
        proxy=None,
        open_timeout=FRAME_WAIT_SECONDS,
        ping_interval=None,
        max_queue=None,
    ) as connection:
        yield LiveSocket(connection)


@asynccontextmanager
async def authed(
    ws_url: str, account: Account, since: str | None = None
) -> AsyncIterator[LiveSocket]:
    """Open a socket, send the auth frame and wait for `ready`."""
    async with live(ws_url) as socket:
        await socket.auth(token_of(account), since)
        await socket.ready()
        yield socket
