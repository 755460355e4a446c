"""When a failed request is sent again, and how long the client waits first."""

from __future__ import annotations

import random
from dataclasses import dataclass

import httpx

# The methods HTTP defines as idempotent: PUT, DELETE and the safe methods.
# PATCH is not one of them, so it is sent once unless the caller passes retry=True.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# Errors raised before any byte of the request left the client.
NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounded attempts with exponential backoff and full jitter."""

    attempts: int = 4
    base_delay: float = 0.25
    max_delay: float = 5.0

    def delay(self, failed_attempts: int) -> float:
        """Return the seconds to wait after `failed_attempts` failures (1 or more)."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (failed_attempts - 1))
        return random.uniform(0, ceiling)


# Reconnects of the live mailbox go on for as long as the watch runs, so
# `attempts` is not used there.
DEFAULT_RECONNECT = RetryPolicy(attempts=0, base_delay=0.5, max_delay=30.0)


def may_retry(method: str, retry: bool | None, error: httpx.TransportError) -> bool:
    """Tell whether a request that failed with `error` may be sent again.

    `retry=True` allows it for any method, `retry=False` forbids it, and None
    allows it for idempotent methods. A request that never left the client
    (connection refused, connect timeout) is retried unless `retry` is False,
    because the server cannot have acted on it.
    """
    if retry is not None:
        return retry
    if method.upper() in IDEMPOTENT_METHODS:
        return True
    return isinstance(error, NOT_SENT_ERRORS)
