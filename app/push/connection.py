"""One live mailbox socket: authentication, replay, live events and closing.

The connection never receives event data from the hub. A wake only sets a
flag. The pump task then reads the user's events with `seq` above the last
one it read, in `seq` order, and queues their frames. Because a user's events
commit in `seq` order (see `app.mailbox.events`), reading from the last
position misses nothing and repeats nothing, whichever process committed them.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import anyio
import structlog
from starlette.websockets import WebSocketDisconnect

from app.accounts.deps import resolve_access_token
from app.accounts.tokens import TokenError
from app.context import AppContext
from app.errors import Unauthorized
from app.ids import new_id
from app.mailbox.events import current_seq
from app.push import frames
from app.push.hub import CLOSE_DEACTIVATED, CLOSE_UNAUTHORIZED
from app.push.reader import (
    EVENT_BATCH,
    EventFrame,
    LoginState,
    login_state,
    read_events,
)
from app.push.send_queue import OutgoingFrame, SendQueue

logger = structlog.get_logger(__name__)

CLOSE_NORMAL = 1000
CLOSE_INTERNAL_ERROR = 1011
CLOSE_TRY_AGAIN_LATER = 1013
# Reading one batch of events takes milliseconds, so this limit only stops a
# hung database from keeping a socket open.
DB_READ_TIMEOUT_SECONDS = 15.0
CLOSE_TIMEOUT_SECONDS = 5.0
# RFC 6455 limits a close reason to 123 bytes.
MAX_CLOSE_REASON_BYTES = 123
# Exceptions of a send to a peer that is gone. Starlette raises
# WebSocketDisconnect, and uvicorn raises RuntimeError once its keepalive has
# closed the socket.
SEND_ERRORS = (WebSocketDisconnect, OSError, RuntimeError)


class Socket(Protocol):
    """The part of Starlette's WebSocket that a connection uses."""

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def query_params(self) -> Mapping[str, str]: ...

    async def accept(self) -> None: ...

    async def receive(self) -> Mapping[str, Any]: ...

    async def send_text(self, data: str) -> None: ...

    async def close(self, code: int = 1000, reason: str | None = None) -> None: ...


@dataclass(frozen=True, slots=True)
class StartPosition:
    """The pump's first position, and the end of its replay (None: no replay)."""

    after_seq: int
    replay_up_to: int | None
    resync: bool


class Connection:
    """Serves one socket from the handshake to the close."""

    def __init__(self, socket: Socket, context: AppContext) -> None:
        self.socket = socket
        self.context = context
        self.id = new_id()
        self.user_id = ""
        self.session_id = ""
        self.expires_at = datetime.now(UTC)
        settings = context.settings
        self._queue = SendQueue(settings.ws_send_queue_size)
        self._queue_wait = settings.ws_ping_timeout_seconds
        # A send that takes longer than a keepalive round is to a dead peer.
        self._send_timeout = (
            settings.ws_ping_interval_seconds + settings.ws_ping_timeout_seconds
        )
        self._wake = asyncio.Event()
        self._recheck_requested = False
        # Count of event reads, and per removed operation the read in progress
        # when its member removal arrived.
        self._read_count = 0
        self._removed_during_read: dict[str, int] = {}
        self._close_request: tuple[int, str] | None = None
        self._cancel_scope: anyio.CancelScope | None = None
        self._subscribed = False
        self._peer_gone = False
        self._peer_close_code: int | None = None
        self._position = 0
        self._last_cursor: str | None = None
        self._frames_sent = 0
        self._started = time.monotonic()

    # What the hub calls (see app.push.hub.Subscriber).

    def wake(self) -> None:
        self._wake.set()

    def recheck(self) -> None:
        self._recheck_requested = True
        self._wake.set()

    def drop_operation(self, operation_id: str) -> None:
        self._removed_during_read[operation_id] = self._read_count
        discarded = self._queue.discard_operation(operation_id)
        logger.info(
            "ws.operation_dropped",
            connection_id=self.id,
            user_id=self.user_id,
            operation_id=operation_id,
            discarded_frames=discarded,
        )

    def close_soon(self, code: int, reason: str) -> None:
        if self._close_request is None:
            self._close_request = (code, reason)
        if self._cancel_scope is not None:
            self._cancel_scope.cancel()

    # The connection's life.

    async def run(self) -> None:
        await self.socket.accept()
        try:
            try:
                start = await self._authenticate()
            except Exception:
                logger.exception("ws.error", connection_id=self.id)
                self.close_soon(CLOSE_INTERNAL_ERROR, "internal error")
                return
            if start is not None:
                await self._serve(start)
        finally:
            if self._subscribed:
                self.context.hub.unsubscribe(self)
            await self._close()

    async def _authenticate(self) -> StartPosition | None:
        """Check the first auth and queue `ready`. Return None to close the socket."""
        auth = await self._first_auth()
        if auth is None:
            return None

        try:
            claims = self.context.signer.verify_access(auth.token)
        except TokenError:
            self._reject("the access token is malformed or has expired")
            return None

        self.user_id = claims.user_id
        self.session_id = claims.session_id
        # Subscribe before the database check, so that a deactivation or a
        # logout that commits after the check still reaches this socket.
        self.context.hub.subscribe(self)
        self._subscribed = True

        async with self.context.sessionmaker() as session:
            try:
                caller = await resolve_access_token(
                    session, self.context.signer, auth.token
                )
            except Unauthorized as exc:
                self._reject(exc.detail)
                return None
            snapshot = await current_seq(session, self.user_id)

        self.expires_at = caller.claims.expires_at
        start = self._start_position(auth.since, snapshot)
        self._queue.put_nowait(
            OutgoingFrame(frames.ready(self.user_id)), over_limit=True
        )
        if start.resync:
            resync = OutgoingFrame(frames.resync_required())
            self._queue.put_nowait(resync, over_limit=True)

        logger.info(
            "ws.connected",
            connection_id=self.id,
            user_id=self.user_id,
            session_id=self.session_id,
            resumed=auth.since is not None and not start.resync,
            resync=start.resync,
            after_seq=start.after_seq,
            replay_up_to=start.replay_up_to,
        )
        return start

    async def _first_auth(self) -> frames.AuthFrame | None:
        authorization = self.socket.headers.get("authorization")
        if authorization is not None:
            token = frames.bearer_token(authorization)
            if token is None:
                self._reject("the Authorization header must be 'Bearer <token>'")
                return None
            return frames.AuthFrame(token, self.socket.query_params.get("since"))
        timeout = self.context.settings.ws_auth_timeout_seconds
        message: Mapping[str, Any] | None = None
        with anyio.move_on_after(timeout):
            message = await self.socket.receive()
        if message is None:
            self._reject(f"no auth frame within {timeout:g} s")
            return None
        if message["type"] == "websocket.disconnect":
            self._peer_gone = True
            self._peer_close_code = message.get("code")
            return None
        parsed = frames.parse_client_frame(message.get("text") or "")
        auth = frames.parse_auth_frame(parsed) if parsed is not None else None
        if auth is None:
            self._reject('the first frame must be {"type": "auth", "token": "..."}')
        return auth

    def _start_position(self, since: str | None, snapshot: int) -> StartPosition:
        if since is None:
            return StartPosition(snapshot, replay_up_to=None, resync=False)
        since_seq = self.context.event_cursors.decode(self.user_id, since)
        # NOTE: every signed cursor up to the user's current sequence number is
        # resumable because mailbox events are never deleted. Pruning old
        # events must also reject cursors below the oldest event kept.
        if since_seq is None or since_seq > snapshot:
            return StartPosition(snapshot, replay_up_to=None, resync=True)
        self._last_cursor = since
        return StartPosition(since_seq, replay_up_to=snapshot, resync=False)

    def _reject(self, reason: str) -> None:
        logger.info("ws.auth_failed", connection_id=self.id, reason=reason)
        self.close_soon(CLOSE_UNAUTHORIZED, reason)

    async def _serve(self, start: StartPosition) -> None:
        self._position = start.after_seq
        try:
            async with anyio.create_task_group() as tasks:
                self._cancel_scope = tasks.cancel_scope
                if self._close_request is not None:
                    tasks.cancel_scope.cancel()
                tasks.start_soon(self._until_first_ends, self._receive_frames)
                tasks.start_soon(self._until_first_ends, self._send_frames)
                tasks.start_soon(self._until_first_ends, self._pump, start)
                tasks.start_soon(self._until_first_ends, self._expire_login)
        except* Exception:
            logger.exception("ws.error", connection_id=self.id, user_id=self.user_id)
            self.close_soon(CLOSE_INTERNAL_ERROR, "internal error")
        finally:
            self._cancel_scope = None

    async def _until_first_ends(
        self, task: Callable[..., Awaitable[None]], *args: Any
    ) -> None:
        """Run one task, and cancel the others when it ends for any reason."""
        try:
            await task(*args)
        finally:
            if self._cancel_scope is not None:
                self._cancel_scope.cancel()

    async def _close(self) -> None:
        code, reason = self._close_request or (CLOSE_NORMAL, "")
        if not self._peer_gone:
            reason_bytes = reason.encode()[:MAX_CLOSE_REASON_BYTES]
            # The socket may be stuck on a peer that stopped reading. After the
            # timeout the handler returns, and uvicorn closes the transport.
            with (
                anyio.move_on_after(CLOSE_TIMEOUT_SECONDS),
                contextlib.suppress(*SEND_ERRORS),
            ):
                await self.socket.close(code, reason_bytes.decode(errors="ignore"))
        logger.info(
            "ws.disconnected",
            connection_id=self.id,
            user_id=self.user_id or None,
            code=self._peer_close_code if self._peer_gone else code,
            closed_by="client" if self._peer_gone else "server",
            reason=None if self._peer_gone else reason,
            frames_sent=self._frames_sent,
            seconds=round(time.monotonic() - self._started, 3),
        )

    # The four tasks of an authenticated socket.

    async def _receive_frames(self) -> None:
        """Read client frames. An `auth` frame re-authenticates, others are ignored."""
        while True:
            message = await self.socket.receive()
            if message["type"] == "websocket.disconnect":
                self._peer_gone = True
                self._peer_close_code = message.get("code")
                return
            parsed = frames.parse_client_frame(message.get("text") or "")
            if parsed is None:
                continue
            auth = frames.parse_auth_frame(parsed)
            if auth is not None:
                await self._reauthenticate(auth.token)

    async def _reauthenticate(self, token: str) -> None:
        try:
            claims = self.context.signer.verify_access(token)
        except TokenError:
            self._reject("the new access token is malformed or has expired")
            return
        if claims.user_id != self.user_id:
            self._reject("the new access token belongs to another user")
            return
        # Revocation notices name the login, so switch before the database check.
        self.session_id = claims.session_id
        async with self.context.sessionmaker() as session:
            try:
                caller = await resolve_access_token(session, self.context.signer, token)
            except Unauthorized as exc:
                self._reject(exc.detail)
                return
        self.expires_at = caller.claims.expires_at
        logger.info(
            "ws.reauthenticated",
            connection_id=self.id,
            user_id=self.user_id,
            session_id=self.session_id,
        )
        self._queue.put_nowait(
            OutgoingFrame(frames.ready(self.user_id)), over_limit=True
        )

    async def _send_frames(self) -> None:
        while True:
            frame = await self._queue.get()
            if self._read_before_removal(frame):
                continue
            try:
                with anyio.fail_after(self._send_timeout):
                    await self.socket.send_text(frame.text)
            except TimeoutError:
                logger.warning(
                    "ws.send_timeout",
                    connection_id=self.id,
                    user_id=self.user_id,
                    seconds=self._send_timeout,
                )
                self.close_soon(CLOSE_TRY_AGAIN_LATER, "send timed out")
                return
            except SEND_ERRORS:
                self._peer_gone = True
                return
            self._frames_sent += 1

    async def _pump(self, start: StartPosition) -> None:
        """Queue the replay, then the live events of each wake."""
        if start.replay_up_to is not None:
            if not await self._drain(up_to=start.replay_up_to):
                return
            cursor = self._last_cursor
            assert cursor is not None
            if not await self._enqueue(OutgoingFrame(frames.caught_up(cursor))):
                return
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self._recheck_requested:
                self._recheck_requested = False
                if not await self._login_still_valid():
                    return
            if not await self._drain(up_to=None):
                return

    async def _drain(self, up_to: int | None) -> bool:
        """Queue every readable event. Return False if the queue overflowed."""
        while True:
            self._read_count += 1
            read_number = self._read_count
            batch = await self._read_batch(up_to)
            for event in batch:
                self._position = event.seq
                if event.text is None:
                    continue
                frame = OutgoingFrame(event.text, event.operation_id, read_number)
                if self._read_before_removal(frame):
                    continue
                if not await self._enqueue(frame):
                    return False
                self._last_cursor = event.cursor
            if len(batch) < EVENT_BATCH:
                return True

    async def _read_batch(self, up_to: int | None) -> list[EventFrame]:
        # Shielded, so a close never cancels a query half-way. The connection
        # closes as soon as the batch is read.
        batch: list[EventFrame] = []
        with anyio.CancelScope(shield=True), anyio.fail_after(DB_READ_TIMEOUT_SECONDS):
            async with self.context.sessionmaker() as session:
                batch = await read_events(
                    session,
                    self.context.event_cursors,
                    self.user_id,
                    after_seq=self._position,
                    up_to_seq=up_to,
                )
        return batch

    def _read_before_removal(self, frame: OutgoingFrame) -> bool:
        """Tell whether the frame was read before its operation's member removal.

        Reads that start after the removal see the membership gone in the
        database, and a later re-admission makes their frames valid again.
        """
        if frame.operation_id is None:
            return False
        removed_during = self._removed_during_read.get(frame.operation_id)
        return removed_during is not None and frame.read_number <= removed_during

    async def _enqueue(self, frame: OutgoingFrame) -> bool:
        """Queue a frame, waiting for room. On overflow, close and return False.

        The pump reads events only as fast as the client takes them, so one
        slow client costs the others nothing. A client that leaves the queue
        full for the whole `ws_ping_timeout_seconds` is disconnected.
        """
        try:
            with anyio.fail_after(self._queue_wait):
                await self._queue.put(frame)
        except TimeoutError:
            logger.warning(
                "ws.send_queue_overflow",
                connection_id=self.id,
                user_id=self.user_id,
                queued_frames=len(self._queue),
                waited_seconds=self._queue_wait,
            )
            self.close_soon(CLOSE_TRY_AGAIN_LATER, "client too slow: send queue full")
            return False
        return True

    async def _login_still_valid(self) -> bool:
        async with self.context.sessionmaker() as session:
            state = await login_state(session, self.user_id, self.session_id)
        if state is LoginState.DEACTIVATED:
            self.close_soon(CLOSE_DEACTIVATED, "account deactivated")
        elif state is LoginState.REVOKED:
            self.close_soon(CLOSE_UNAUTHORIZED, "login revoked")
        return state is LoginState.VALID

    async def _expire_login(self) -> None:
        while True:
            remaining = (self.expires_at - datetime.now(UTC)).total_seconds()
            if remaining <= 0:
                self.close_soon(CLOSE_UNAUTHORIZED, "access token expired")
                return
            # A re-authentication moves `expires_at`, so the loop sleeps again.
            await anyio.sleep(remaining)
