"""Opaque, URL-safe, roughly time-ordered identifiers."""

import secrets
import time


def new_id() -> str:
    """Return 32 hex digits: 12 of milliseconds since the epoch, 20 random.

    Ids of rows created later sort later (within a millisecond, at random), which
    keeps B-tree inserts local; nothing may rely on that order for correctness.
    """
    return f"{time.time_ns() // 1_000_000:012x}{secrets.token_hex(10)}"
