"""The in-process hub that wakes the WebSocket connections of this process.

Services call the hub only after their transaction committed (through
`app.db.after_commit`). The hub carries no event data: a woken connection
reads the user's new events from the database itself, in sequence order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Protocol

import structlog

logger = structlog.get_logger(__name__)

CLOSE_SHUTDOWN = 1001
CLOSE_UNAUTHORIZED = 4401
CLOSE_DEACTIVATED = 4403


class Subscriber(Protocol):
    """The interface of a live connection that the hub calls."""

    user_id: str
    session_id: str

    def wake(self) -> None:
        """Read and send the user's events that committed since the last read."""
        ...

    def drop_operation(self, operation_id: str) -> None:
        """Stop sending this operation's events, queued ones included."""
        ...

    def close_soon(self, code: int, reason: str) -> None:
        """Close the socket with this code without sending queued frames."""
        ...

    def recheck(self) -> None:
        """Verify the login again and read new events, as notices may be lost."""
        ...


class Hub:
    def __init__(self) -> None:
        self._by_user: dict[str, set[Subscriber]] = defaultdict(set)

    async def start(self) -> None:
        """Start listening for other processes' announcements (none here)."""

    async def stop(self) -> None:
        for subscribers in list(self._by_user.values()):
            for subscriber in list(subscribers):
                subscriber.close_soon(CLOSE_SHUTDOWN, "server shutting down")
        self._by_user.clear()

    def subscribe(self, subscriber: Subscriber) -> None:
        self._by_user[subscriber.user_id].add(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        subscribers = self._by_user.get(subscriber.user_id)
        if subscribers is None:
            return
        subscribers.discard(subscriber)
        if not subscribers:
            del self._by_user[subscriber.user_id]

    def connection_count(self) -> int:
        return sum(len(s) for s in self._by_user.values())

    # Announcements, called after a commit. Subclasses also tell other processes.

    async def publish(self, user_ids: Iterable[str]) -> None:
        """New mailbox events of these users have committed."""
        self.deliver_local_wake(user_ids)

    async def user_deactivated(self, user_id: str) -> None:
        self.deliver_local_deactivation(user_id)

    async def member_removed(self, user_id: str, operation_id: str) -> None:
        self.deliver_local_removal(user_id, operation_id)

    async def session_revoked(self, session_id: str) -> None:
        self.deliver_local_revocation(session_id)

    # Local delivery, shared by this process's calls and other processes' notices.

    def deliver_local_wake(self, user_ids: Iterable[str]) -> None:
        for user_id in user_ids:
            for subscriber in list(self._by_user.get(user_id, ())):
                subscriber.wake()

    def deliver_local_deactivation(self, user_id: str) -> None:
        for subscriber in list(self._by_user.get(user_id, ())):
            subscriber.close_soon(CLOSE_DEACTIVATED, "account deactivated")

    def deliver_local_removal(self, user_id: str, operation_id: str) -> None:
        for subscriber in list(self._by_user.get(user_id, ())):
            subscriber.drop_operation(operation_id)

    def deliver_local_revocation(self, session_id: str) -> None:
        for subscribers in list(self._by_user.values()):
            for subscriber in list(subscribers):
                if subscriber.session_id == session_id:
                    subscriber.close_soon(CLOSE_UNAUTHORIZED, "login revoked")

    def recheck_all(self) -> None:
        """Make every local connection verify its login and read new events."""
        count = 0
        for subscribers in list(self._by_user.values()):
            for subscriber in list(subscribers):
                subscriber.recheck()
                count += 1
        logger.info("push.recheck_all", connections=count)
