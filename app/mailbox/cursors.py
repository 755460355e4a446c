"""Event cursors: a user's sequence number, signed for that user.

A cursor is the zero-padded sequence number followed by a MAC, so cursors of
one user also sort as strings in event order.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

SEQ_DIGITS = 15


class EventCursorCodec:
    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(b"cencomm-event-cursor:" + secret.encode()).digest()

    def _mac(self, user_id: str, digits: str) -> str:
        message = f"{user_id}:{digits}".encode()
        mac = hmac.new(self._key, message, hashlib.sha256).digest()[:12]
        return base64.urlsafe_b64encode(mac).decode()

    def encode(self, user_id: str, seq: int) -> str:
        digits = f"{seq:0{SEQ_DIGITS}d}"
        return f"{digits}_{self._mac(user_id, digits)}"

    def decode(self, user_id: str, cursor: str) -> int | None:
        """Return the sequence number, or None for a cursor not issued to this user."""
        digits, separator, mac = cursor.partition("_")
        if not separator or len(digits) != SEQ_DIGITS or not digits.isdigit():
            return None
        if not hmac.compare_digest(mac, self._mac(user_id, digits)):
            return None
        return int(digits)
