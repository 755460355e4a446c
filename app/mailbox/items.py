"""The mailbox item as REST responses and WebSocket events show it."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from app.mailbox.cursors import EventCursorCodec
from app.models import MailboxItem, Message, User
from app.timefmt import UtcDatetime

Folder = Literal["inbox", "sent", "archive", "trash"]
HOME_FOLDER = {"received": "inbox", "sent": "sent"}


class ItemSender(BaseModel):
    id: str
    display_name: str
    country: str


class MailboxItemPublic(BaseModel):
    id: str
    message_id: str
    folder: Folder
    type: str
    subject: str
    sender: ItemSender
    created_at: UtcDatetime
    read: bool
    has_attachments: bool
    cursor: str


_sender = aliased(User, name="sender")


def item_select() -> Select[MailboxItem, str, str, str, str, int, str]:
    """Select what one item line shows: the item, its message and its sender."""
    return (
        select(
            MailboxItem,
            Message.type,
            Message.subject,
            Message.sender_id,
            Message.sender_country,
            Message.attachment_count,
            _sender.display_name,
        )
        .join(Message, Message.id == MailboxItem.message_id)
        .join(_sender, _sender.id == Message.sender_id)
    )


def item_public(row: Any, codec: EventCursorCodec) -> MailboxItemPublic:
    """Build the public item from a row of `item_select()`."""
    item: MailboxItem = row[0]
    return MailboxItemPublic(
        id=item.id,
        message_id=item.message_id,
        folder=item.folder,  # type: ignore[arg-type]
        type=row[1],
        subject=row[2],
        sender=ItemSender(id=row[3], display_name=row[6], country=row[4]),
        created_at=item.created_at,
        read=item.read,
        has_attachments=row[5] > 0,
        cursor=codec.encode(item.user_id, item.last_seq),
    )
