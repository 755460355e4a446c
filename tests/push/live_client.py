"""Helpers of the end-to-end push tests: accounts, raw sockets and a relay.

An account talks REST through its own `CencommClient`. Tests of the WebSocket
protocol itself open raw `websockets` connections with `live` and `authed`,
and `TcpRelay` sits between a client and a server to cut their connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.e2e_server import CencommClient

FRAME_WAIT_SECONDS = 5.0
RELAY_READ_BYTES = 65536


@dataclass
class LiveAccount:
    """An account of a server process, logged in with a `CencommClient` of its own."""

    id: str
    username: str
    password: str
    country: str
    client: CencommClient

    @property
    def token(self) -> str:
        """The current access token of the client's login, for raw auth frames."""
        token = self.client.tokens.access_token
        assert token is not None, f"{self.username} is not logged in"
        return token

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


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
    ws_url: str, account: LiveAccount, since: str | None = None
) -> AsyncIterator[LiveSocket]:
    """Open a socket, send the auth frame and wait for `ready`."""
    async with live(ws_url) as socket:
        await socket.auth(account.token, since)
        await socket.ready()
        yield socket


class TcpRelay:
    """A TCP relay on 127.0.0.1 that forwards to a server and can cut the line.

    `cut()` aborts every relayed connection, as a dropped network does (no
    close handshake), and makes the relay reset new connections until
    `restore()`.
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self.is_open = True
        self._server: asyncio.Server | None = None
        self._pipes: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])

    def cut(self) -> int:
        """Abort every relayed connection; return how many there were."""
        self.is_open = False
        pipes = list(self._pipes)
        for client_side, server_side in pipes:
            client_side.transport.abort()
            server_side.transport.abort()
        return len(pipes)

    def restore(self) -> None:
        self.is_open = True

    async def aclose(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _relay(
        self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        if not self.is_open:
            client_writer.transport.abort()
            return
        try:
            server_reader, server_writer = await asyncio.open_connection(
                "127.0.0.1", self.target_port
            )
        except OSError:
            client_writer.transport.abort()
            return
        pipe = (client_writer, server_writer)
        self._pipes.add(pipe)
        directions = [
            asyncio.create_task(_forward(client_reader, server_writer)),
            asyncio.create_task(_forward(server_reader, client_writer)),
        ]
        try:
            # When one side is done, the connection is over for both.
            await asyncio.wait(directions, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in directions:
                task.cancel()
            await asyncio.gather(*directions, return_exceptions=True)
            self._pipes.discard(pipe)
            client_writer.transport.abort()
            server_writer.transport.abort()


async def _forward(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy bytes until the reader reaches its end, then flush and close the writer."""
    with contextlib.suppress(OSError):
        while data := await reader.read(RELAY_READ_BYTES):
            writer.write(data)
            await writer.drain()
        writer.close()
        await writer.wait_closed()
