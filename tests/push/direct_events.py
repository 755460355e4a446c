"""Mailbox events written straight to the database, for cases the API cannot make.

The send endpoint only reaches current members, so an event of an operation
the user has just left (committed before the removal, read after it) is
written here with the same building blocks the services use. Nothing is
published; the caller wakes the connections it wants to test.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import commit
from app.ids import new_id
from app.mailbox.events import ITEM_CREATED, NewEvent, allocate_block, insert_events
from app.models import MailboxItem, Message, utcnow


@dataclass(frozen=True, slots=True)
class Delivery:
    """Where one message lands: operation, sender and subject."""

    operation_id: str
    sender_id: str
    subject: str


@dataclass(frozen=True, slots=True)
class WrittenEvent:
    seq: int
    item_id: str
    operation_id: str
    subject: str


async def write_received(
    sessionmaker: async_sessionmaker[AsyncSession],
    user_id: str,
    deliveries: Sequence[Delivery],
) -> list[WrittenEvent]:
    """Give the user one received item per delivery, in one transaction, in order."""
    now = utcnow()
    messages: list[dict[str, object]] = []
    items: list[dict[str, object]] = []
    written: list[WrittenEvent] = []
    async with sessionmaker() as session:
        first_seq = await allocate_block(session, user_id, len(deliveries))
        for offset, delivery in enumerate(deliveries):
            seq = first_seq + offset
            message_id, item_id = new_id(), new_id()
            messages.append(_message_row(message_id, delivery, now))
            items.append(_item_row(item_id, message_id, user_id, delivery, seq, now))
            written.append(
                WrittenEvent(seq, item_id, delivery.operation_id, delivery.subject)
            )
        await session.execute(insert(Message), messages)
        await session.execute(insert(MailboxItem), items)
        await insert_events(
            session,
            [
                NewEvent(user_id, w.seq, w.item_id, w.operation_id, ITEM_CREATED)
                for w in written
            ],
        )
        await commit(session)
    return written


def _message_row(
    message_id: str, delivery: Delivery, now: datetime
) -> dict[str, object]:
    return {
        "id": message_id,
        "operation_id": delivery.operation_id,
        "sender_id": delivery.sender_id,
        "sender_role": "user",
        "sender_country": "VN",
        "type": "message",
        "subject": delivery.subject,
        "body": "Written by the push tests.",
        "body_format": "text",
        "thread_id": message_id,
        "search_text": "",
        "recipient_count": 1,
        "attachment_count": 0,
        "created_at": now,
    }


def _item_row(
    item_id: str,
    message_id: str,
    user_id: str,
    delivery: Delivery,
    seq: int,
    now: datetime,
) -> dict[str, object]:
    return {
        "id": item_id,
        "user_id": user_id,
        "operation_id": delivery.operation_id,
        "message_id": message_id,
        "kind": "received",
        "folder": "inbox",
        "read": False,
        "role": "user",
        "country": "VN",
        "last_seq": seq,
        "created_at": now,
        "updated_at": now,
    }
