"""The typed events of the live mailbox, read from the server's frames."""

from __future__ import annotations

import json
from typing import Literal

from cencomm_client.models import ApiModel, MailboxItem


class MailboxEvent(ApiModel):
    """A new mailbox item (`mailbox.item`) or a change of one (`mailbox.updated`)."""

    type: str
    operation: str
    cursor: str
    item: MailboxItem


class CaughtUp(ApiModel):
    """Every missed event was replayed; live events follow."""

    type: Literal["caught_up"] = "caught_up"
    cursor: str


class ResyncRequired(ApiModel):
    """Events may have been missed: reload the mailbox over REST.

    The server sends it for a cursor it cannot resume from. The watcher also
    yields it after a reconnect that had no cursor to resume from.
    """

    type: Literal["resync_required"] = "resync_required"


WatchEvent = MailboxEvent | CaughtUp | ResyncRequired


def parse_frame(text: str | bytes) -> WatchEvent | None:
    """Return the event of a server frame, or None for other frames (`ready`)."""
    try:
        frame = json.loads(text)
    except ValueError:
        return None
    if not isinstance(frame, dict):
        return None
    kind = frame.get("type")
    if kind in ("mailbox.item", "mailbox.updated"):
        return MailboxEvent.model_validate(frame)
    if kind == "caught_up":
        return CaughtUp.model_validate(frame)
    if kind == "resync_required":
        return ResyncRequired()
    return None
