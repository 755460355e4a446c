"""Request and response bodies of the mailbox."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictBool

from app.accounts.schemas import StrictModel
from app.mailbox.items import MailboxItemPublic

MAX_BULK_IDS = 500


class MailboxList(BaseModel):
    items: list[MailboxItemPublic]
    next_cursor: str | None
    unread_count: int


class ItemPatch(StrictModel):
    read: StrictBool | None = None
    folder: Literal["archive", "trash", "restore"] | None = None


class BulkRequest(StrictModel):
    # The count is checked before the ids, so an oversized request is 422 first.
    item_ids: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=64)]],
        Field(min_length=1, max_length=MAX_BULK_IDS),
    ]
    action: Literal["read", "unread", "archive", "trash", "restore"]


class BulkResult(BaseModel):
    updated: int
