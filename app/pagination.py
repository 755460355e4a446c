"""Signed keyset cursors and the `limit`/`cursor` query parameters of every list."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Query

from app.errors import InvalidInput

MAC_BYTES = 12


@dataclass(frozen=True, slots=True)
class PageParams:
    limit: int
    cursor: str | None


def page_params(
    limit: Annotated[int, Query(ge=1, le=200, description="Items per page.")] = 50,
    cursor: Annotated[
        str | None,
        Query(max_length=512, description="`next_cursor` of the previous page."),
    ] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


class CursorCodec:
    """Encodes keyset positions as opaque, URL-safe, tamper-evident strings.

    Each cursor carries an HMAC over the list's name and scope (for example the
    operation and the caller), so a cursor issued for one list is rejected by
    another.
    """

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(b"cencomm-cursor:" + secret.encode()).digest()

    def _mac(self, scope: str, payload: bytes) -> bytes:
        message = scope.encode() + b"\x00" + payload
        return hmac.new(self._key, message, hashlib.sha256).digest()[:MAC_BYTES]

    def encode(self, scope: str, position: list[Any]) -> str:
        payload = json.dumps(position, separators=(",", ":")).encode()
        token = payload + self._mac(scope, payload)
        return base64.urlsafe_b64encode(token).rstrip(b"=").decode()

    def decode(self, scope: str, cursor: str, *, field: str = "cursor") -> list[Any]:
        invalid = InvalidInput.single(
            field, "is not a cursor issued for this list; start again without it"
        )
        try:
            token = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        except (ValueError, TypeError):
            raise invalid from None
        payload, mac = token[:-MAC_BYTES], token[-MAC_BYTES:]
        if len(token) <= MAC_BYTES or not hmac.compare_digest(
            mac, self._mac(scope, payload)
        ):
            raise invalid
        try:
            position = json.loads(payload)
        except ValueError:
            raise invalid from None
        if not isinstance(position, list):
            raise invalid
        return position
