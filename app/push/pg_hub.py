"""The hub between server processes on one PostgreSQL database: LISTEN/NOTIFY.

Notifications carry ids only, never event data. A process that receives one
wakes or closes its own connections, which then read the database. A
notification is not stored when no listener is connected, so after the
listener reconnects every local connection reads again and rechecks its login.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterable, Iterator
from typing import Any

import asyncpg
import structlog
from sqlalchemy.engine import make_url

from app.ids import new_id
from app.push.hub import Hub

logger = structlog.get_logger(__name__)

MAILBOX_CHANNEL = "cencomm_mailbox"
CONTROL_CHANNEL = "cencomm_control"
# PostgreSQL rejects NOTIFY payloads of 8000 bytes or more.
MAX_PAYLOAD_BYTES = 7900
LISTENER_APPLICATION_NAME = "cencomm-push-listener"
NOTIFIER_APPLICATION_NAME = "cencomm-push-notifier"
KEEPALIVE_SECONDS = 10.0
QUERY_TIMEOUT_SECONDS = 5.0
FIRST_LISTEN_TIMEOUT_SECONDS = 10.0
RECONNECT_FIRST_DELAY_SECONDS = 0.5
RECONNECT_MAX_DELAY_SECONDS = 30.0
# Exceptions of a lost or unusable connection: socket errors, timeouts, server
# errors, and asyncpg's own errors for a closed connection.
CONNECTION_ERRORS = (
    OSError,
    TimeoutError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
)


def asyncpg_dsn(database_url: str) -> str:
    """Turn a SQLAlchemy URL (`postgresql+asyncpg://...`) into a libpq DSN."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def chunk_user_ids(origin: str, user_ids: Iterable[str]) -> Iterator[str]:
    """Yield mailbox payloads, each under MAX_PAYLOAD_BYTES, naming every id once."""
    chunk: list[str] = []
    size = len(_mailbox_payload(origin, []).encode())
    for user_id in dict.fromkeys(user_ids):
        # Each id adds its quotes, its comma and its (ASCII) characters.
        added = len(user_id.encode()) + 3
        if chunk and size + added > MAX_PAYLOAD_BYTES:
            yield _mailbox_payload(origin, chunk)
            chunk = []
            size = len(_mailbox_payload(origin, []).encode())
        chunk.append(user_id)
        size += added
    if chunk:
        yield _mailbox_payload(origin, chunk)


def _mailbox_payload(origin: str, user_ids: list[str]) -> str:
    return json.dumps({"origin": origin, "users": user_ids}, separators=(",", ":"))


class PostgresHub(Hub):
    """A hub that also notifies, and listens to, the other server processes."""

    def __init__(self, database_url: str) -> None:
        super().__init__()
        self._dsn = asyncpg_dsn(database_url)
        # Lets this process ignore the echo of its own notifications, which it
        # has already delivered locally.
        self.origin = new_id()
        self._listener_task: asyncio.Task[None] | None = None
        self._listening = asyncio.Event()
        self._notifier: asyncpg.Connection | None = None
        self._notify_lock = asyncio.Lock()
        # Number of times the listener connected, so above one it reconnected.
        self.listen_count = 0
        # The server process id of the listening connection, while it is up.
        self.listener_pid: int | None = None

    @property
    def listening(self) -> bool:
        return self._listening.is_set()

    async def start(self) -> None:
        """Start the listener and wait a while for its first LISTEN."""
        self._listener_task = asyncio.create_task(
            self._listen_forever(), name="push-pg-listener"
        )
        try:
            await asyncio.wait_for(
                self._listening.wait(), timeout=FIRST_LISTEN_TIMEOUT_SECONDS
            )
        except TimeoutError:
            logger.warning(
                "pg_hub.not_listening_yet",
                waited_seconds=FIRST_LISTEN_TIMEOUT_SECONDS,
            )

    async def stop(self) -> None:
        if self._listener_task is not None:
            self._listener_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener_task
            self._listener_task = None
        async with self._notify_lock:
            await _close_quietly(self._notifier)
            self._notifier = None
        await super().stop()

    # Announcements: local delivery first, then the other processes.

    async def publish(self, user_ids: Iterable[str]) -> None:
        ids = list(user_ids)
        self.deliver_local_wake(ids)
        for payload in chunk_user_ids(self.origin, ids):
            await self._notify(MAILBOX_CHANNEL, payload)

    async def user_deactivated(self, user_id: str) -> None:
        self.deliver_local_deactivation(user_id)
        await self._notify_control({"kind": "deactivated", "user_id": user_id})

    async def member_removed(self, user_id: str, operation_id: str) -> None:
        self.deliver_local_removal(user_id, operation_id)
        await self._notify_control(
            {"kind": "removed", "user_id": user_id, "operation_id": operation_id}
        )

    async def session_revoked(self, session_id: str) -> None:
        self.deliver_local_revocation(session_id)
        await self._notify_control({"kind": "revoked", "session_id": session_id})

    async def _notify_control(self, notice: dict[str, str]) -> None:
        payload = json.dumps({"origin": self.origin, **notice}, separators=(",", ":"))
        await self._notify(CONTROL_CHANNEL, payload)

    async def _notify(self, channel: str, payload: str) -> None:
        """Send one notification, reconnecting once if the connection dropped.

        A failure is logged and not raised, because the change has committed
        already. The other processes' connections read it on their next wake.
        """
        async with self._notify_lock:
            for attempt in (1, 2):
                try:
                    if self._notifier is None or self._notifier.is_closed():
                        self._notifier = await asyncpg.connect(
                            self._dsn,
                            timeout=QUERY_TIMEOUT_SECONDS,
                            server_settings={
                                "application_name": NOTIFIER_APPLICATION_NAME
                            },
                        )
                    await self._notifier.execute(
                        "SELECT pg_notify($1, $2)",
                        channel,
                        payload,
                        timeout=QUERY_TIMEOUT_SECONDS,
                    )
                    return
                except CONNECTION_ERRORS as exc:
                    await _close_quietly(self._notifier)
                    self._notifier = None
                    logger.warning(
                        "pg_hub.notify_failed",
                        channel=channel,
                        attempt=attempt,
                        error=repr(exc),
                    )

    # Listening.

    async def _listen_forever(self) -> None:
        """Keep one LISTEN connection open, reconnecting with backoff."""
        delay = RECONNECT_FIRST_DELAY_SECONDS
        while True:
            listens_before = self.listen_count
            try:
                await self._listen_once()
                error = "connection closed"
            except CONNECTION_ERRORS as exc:
                error = repr(exc)
            except Exception as exc:
                logger.exception("pg_hub.listener_failed")
                error = repr(exc)
            if self.listen_count > listens_before:
                delay = RECONNECT_FIRST_DELAY_SECONDS
            logger.warning("pg_hub.listener_lost", error=error, retry_in_seconds=delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, RECONNECT_MAX_DELAY_SECONDS)

    async def _listen_once(self) -> None:
        """Connect, LISTEN, and return when the connection is lost."""
        lost = asyncio.Event()
        connection = await asyncpg.connect(
            self._dsn,
            timeout=QUERY_TIMEOUT_SECONDS,
            server_settings={"application_name": LISTENER_APPLICATION_NAME},
        )
        try:
            connection.add_termination_listener(lambda _: lost.set())
            await connection.add_listener(MAILBOX_CHANNEL, self._on_mailbox)
            await connection.add_listener(CONTROL_CHANNEL, self._on_control)
            self.listen_count += 1
            self.listener_pid = connection.get_server_pid()
            self._listening.set()
            logger.info(
                "pg_hub.listening",
                channels=[MAILBOX_CHANNEL, CONTROL_CHANNEL],
                backend_pid=self.listener_pid,
                reconnected=self.listen_count > 1,
            )
            if self.listen_count > 1:
                self.recheck_all()
            await _watch(connection, lost)
        finally:
            self._listening.clear()
            self.listener_pid = None
            await _close_quietly(connection)

    def _on_mailbox(
        self, connection: Any, pid: int, channel: str, payload: str
    ) -> None:
        notice = _parse(channel, payload)
        if notice is None or notice.get("origin") == self.origin:
            return
        users = notice.get("users")
        if not isinstance(users, list):
            logger.warning("pg_hub.bad_notification", channel=channel)
            return
        self.deliver_local_wake(u for u in users if isinstance(u, str))

    def _on_control(
        self, connection: Any, pid: int, channel: str, payload: str
    ) -> None:
        notice = _parse(channel, payload)
        if notice is None or notice.get("origin") == self.origin:
            return
        kind = notice.get("kind")
        user_id, operation_id = notice.get("user_id"), notice.get("operation_id")
        session_id = notice.get("session_id")
        if kind == "deactivated" and isinstance(user_id, str):
            self.deliver_local_deactivation(user_id)
        elif (
            kind == "removed"
            and isinstance(user_id, str)
            and isinstance(operation_id, str)
        ):
            self.deliver_local_removal(user_id, operation_id)
        elif kind == "revoked" and isinstance(session_id, str):
            self.deliver_local_revocation(session_id)
        else:
            logger.warning("pg_hub.bad_notification", channel=channel, kind=kind)


async def _watch(connection: asyncpg.Connection, lost: asyncio.Event) -> None:
    """Return when the connection is closed or a keepalive query times out."""
    while True:
        try:
            await asyncio.wait_for(lost.wait(), timeout=KEEPALIVE_SECONDS)
            return
        except TimeoutError:
            pass
        await connection.fetchval("SELECT 1", timeout=QUERY_TIMEOUT_SECONDS)


def _parse(channel: str, payload: str) -> dict[str, Any] | None:
    try:
        notice = json.loads(payload)
    except ValueError:
        notice = None
    if not isinstance(notice, dict):
        logger.warning("pg_hub.bad_notification", channel=channel)
        return None
    return notice


async def _close_quietly(connection: asyncpg.Connection | None) -> None:
    if connection is None or connection.is_closed():
        return
    try:
        await asyncio.wait_for(connection.close(), timeout=QUERY_TIMEOUT_SECONDS)
    except CONNECTION_ERRORS:
        connection.terminate()
