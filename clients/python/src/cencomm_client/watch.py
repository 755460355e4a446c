"""The live mailbox over `/api/v1/ws`: events, reconnects and resumption.

The watcher resumes from the cursor of the last event it yielded, and writes
that cursor to the cursor file just before it yields the event. So a program
that stops while handling an event does not get that event again. A program
that must handle each event at least once stores `event.cursor` itself after
handling it, and passes it as `since` when it starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

import websockets
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from cencomm_client.cursor_file import CursorFile
from cencomm_client.errors import (
    AccountDeactivated,
    AuthenticationError,
    CencommError,
    ConnectionFailed,
)
from cencomm_client.events import ResyncRequired, WatchEvent, parse_frame
from cencomm_client.retry import DEFAULT_RECONNECT, RetryPolicy

if TYPE_CHECKING:
    from cencomm_client.endpoints.base import BaseClient

logger = logging.getLogger("cencomm_client.watch")

CLOSE_UNAUTHORIZED = 4401
CLOSE_DEACTIVATED = 4403
READY_TIMEOUT_SECONDS = 15.0
# A connection that stayed up this long counts as healthy: the next drop
# starts the backoff from its first step again.
HEALTHY_CONNECTION_SECONDS = 10.0
# After a failed refresh the watcher tries again this much later; the server
# closes the socket with 4401 if the token expires meanwhile.
REAUTH_RETRY_SECONDS = 5.0


def _is_ready(text: str | bytes) -> bool:
    try:
        frame = json.loads(text)
    except ValueError:
        return False
    return isinstance(frame, dict) and frame.get("type") == "ready"


def websocket_url(server: str) -> str:
    """Return the live mailbox URL of an `http(s)://` server address."""
    if server.startswith("https://"):
        return "wss://" + server[len("https://") :] + "/api/v1/ws"
    if server.startswith("http://"):
        return "ws://" + server[len("http://") :] + "/api/v1/ws"
    raise ValueError(f"server {server!r} must start with http:// or https://")


class Watcher:
    """Yields the caller's mailbox events, reconnecting after every drop."""

    def __init__(
        self,
        client: BaseClient,
        *,
        since: str | None = None,
        cursor_file: str | None = None,
        reconnect: RetryPolicy = DEFAULT_RECONNECT,
    ) -> None:
        self._client = client
        self._file = CursorFile(cursor_file) if cursor_file else None
        stored = self._file.load() if self._file else None
        self.cursor = stored or since
        self._reconnect = reconnect
        self._url = websocket_url(client.server)
        self.connections = 0

    async def events(self) -> AsyncGenerator[WatchEvent, None]:
        """Yield events forever; raise AuthenticationError or AccountDeactivated."""
        failures = 0
        refreshed_for_4401 = False
        while True:
            started = time.monotonic()
            try:
                async with websockets.connect(self._url, open_timeout=10) as socket:
                    await self._authenticate(socket)
                    refreshed_for_4401 = False
                    async with contextlib.aclosing(self._serve(socket)) as served:
                        async for event in served:
                            yield event
            except ConnectionClosed as exc:
                code = exc.rcvd.code if exc.rcvd is not None else None
                reason = exc.rcvd.reason if exc.rcvd is not None else ""
                if code == CLOSE_DEACTIVATED:
                    raise AccountDeactivated(
                        403, "Forbidden", reason or "The account was deactivated."
                    ) from exc
                if code == CLOSE_UNAUTHORIZED:
                    if refreshed_for_4401:
                        raise AuthenticationError(
                            401, "Unauthorized", reason or "The login ended."
                        ) from exc
                    logger.info("watch.unauthorized reason=%r; refreshing", reason)
                    if await self._refresh_after_4401():
                        refreshed_for_4401 = True
                        continue
                else:
                    logger.info("watch.closed code=%s reason=%r", code, reason)
            except (OSError, TimeoutError, InvalidHandshake, ConnectionFailed) as exc:
                logger.info("watch.connect_failed error=%r", exc)
            if time.monotonic() - started >= HEALTHY_CONNECTION_SECONDS:
                failures = 0
            failures += 1
            delay = self._reconnect.delay(failures)
            logger.info("watch.reconnect attempt=%d delay=%.2f", failures, delay)
            await asyncio.sleep(delay)

    async def _refresh_after_4401(self) -> bool:
        """Refresh the tokens; return False when the server could not be reached."""
        try:
            await self._client.tokens.refresh()
        except ConnectionFailed as exc:
            logger.info("watch.refresh_failed error=%r", exc)
            return False
        return True

    async def _authenticate(self, socket: ClientConnection) -> None:
        token = await self._client.tokens.valid_access_token()
        if token is None:
            raise AuthenticationError(
                401, "Unauthorized", "Not logged in; log in first."
            )
        frame: dict[str, Any] = {"type": "auth", "token": token}
        if self.cursor is not None:
            frame["since"] = self.cursor
        await socket.send(json.dumps(frame))
        async with asyncio.timeout(READY_TIMEOUT_SECONDS):
            while not _is_ready(await socket.recv()):
                pass

    async def _serve(
        self, socket: ClientConnection
    ) -> AsyncGenerator[WatchEvent, None]:
        resumable = self.cursor is not None
        self.connections += 1
        if not resumable and self.connections > 1:
            # Nothing to resume from: events during the drop cannot be replayed.
            yield ResyncRequired()
        keeper = asyncio.create_task(self._keep_authenticated(socket))
        try:
            while True:
                event = parse_frame(await socket.recv())
                if event is None:
                    continue
                if isinstance(event, ResyncRequired):
                    self.cursor = None
                else:
                    self._remember(event.cursor)
                yield event
        finally:
            keeper.cancel()
            (outcome,) = await asyncio.gather(keeper, return_exceptions=True)
            if isinstance(outcome, Exception):
                logger.warning("watch.reauth_task_failed error=%r", outcome)

    def _remember(self, cursor: str) -> None:
        self.cursor = cursor
        if self._file is not None:
            self._file.save(cursor)

    async def _keep_authenticated(self, socket: ClientConnection) -> None:
        """Send a fresh access token on the open socket before the old one expires."""
        tokens = self._client.tokens
        sent = tokens.access_token
        while True:
            await asyncio.sleep(max(tokens.refresh_due_in(), 1.0))
            try:
                token = await tokens.valid_access_token()
            except AuthenticationError:
                logger.warning("watch.reauth_failed; the server will end the socket")
                return
            except CencommError as exc:
                logger.info("watch.reauth_retry error=%r", exc)
                await asyncio.sleep(REAUTH_RETRY_SECONDS)
                continue
            if token is not None and token != sent:
                try:
                    await socket.send(json.dumps({"type": "auth", "token": token}))
                except ConnectionClosed:
                    return
                sent = token
                logger.info("watch.reauthenticated")
