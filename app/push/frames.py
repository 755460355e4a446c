"""The frames of the live mailbox protocol, both directions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

# An `auth` frame contains a token of a few hundred bytes and a cursor, so a
# much larger text is not a frame of this protocol.
MAX_CLIENT_FRAME_CHARS = 16 * 1024


@dataclass(frozen=True, slots=True)
class AuthFrame:
    token: str
    since: str | None


def parse_client_frame(text: str) -> dict[str, Any] | None:
    """Return the JSON object of a text frame, or None if it is not one."""
    if len(text) > MAX_CLIENT_FRAME_CHARS:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def parse_auth_frame(frame: dict[str, Any]) -> AuthFrame | None:
    """Return the auth frame, or None if `frame` is not a well-formed one."""
    if frame.get("type") != "auth":
        return None
    token, since = frame.get("token"), frame.get("since")
    if not isinstance(token, str) or not token:
        return None
    if since is not None and not isinstance(since, str):
        return None
    return AuthFrame(token=token, since=since or None)


def bearer_token(authorization: str | None) -> str | None:
    """Return the token of an `Authorization: Bearer` header value."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def encode(frame: dict[str, Any]) -> str:
    return json.dumps(frame, separators=(",", ":"), ensure_ascii=False)


def ready(user_id: str) -> str:
    return encode({"type": "ready", "user_id": user_id})


def caught_up(cursor: str) -> str:
    return encode({"type": "caught_up", "cursor": cursor})


def resync_required() -> str:
    return encode({"type": "resync_required"})
