"""Response bodies of drafts, which are saved with the message's `ComposeBody`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from app.messages.schemas import RecipientSelection
from app.timefmt import UtcDatetime


class DraftPublic(BaseModel):
    """A saved draft, in which a field never saved or since cleared is null."""

    id: str
    type: str | None
    subject: str | None
    body: str | None
    body_format: str | None
    fields: dict[str, Any] | None
    recipients: RecipientSelection | None
    attachment_ids: list[str]
    in_reply_to: str | None
    forward_of: str | None
    created_at: UtcDatetime
    updated_at: UtcDatetime


class DraftList(BaseModel):
    items: list[DraftPublic]
    next_cursor: str | None
    count: int
