"""Mailbox items written straight to the database, for tests that need hundreds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update

from app.ids import new_id
from app.models import MailboxItem, Membership, Message, Operation, User
from tests.conftest import Account
from tests.messages.sending import context_of


async def seed_received(
    app: Any, code: str, sender: Account, owner: Account, count: int
) -> list[str]:
    """Give `owner` `count` unread received items from `sender`; return their ids.

    The messages are a minute apart, oldest first. Each item takes the owner's
    next mailbox sequence number, as a send would, but no event row is written.
    """
    context = context_of(app)
    async with context.sessionmaker() as session:
        operation_id = await session.scalar(
            select(Operation.id).where(Operation.code == code)
        )
        membership = await session.scalar(
            select(Membership).where(
                Membership.operation_id == operation_id,
                Membership.user_id == sender.id,
            )
        )
        assert operation_id is not None
        assert membership is not None
        first_seq = 1 + int(
            await session.scalar(select(User.mailbox_seq).where(User.id == owner.id))
            or 0
        )
        start = datetime.now(UTC) - timedelta(minutes=count)
        messages = []
        items = []
        for n in range(count):
            message_id = new_id()
            created_at = start + timedelta(minutes=n)
            messages.append(
                {
                    "id": message_id,
                    "operation_id": operation_id,
                    "sender_id": sender.id,
                    "sender_role": membership.role,
                    "sender_country": membership.country,
                    "type": "message",
                    "subject": f"Seeded {n}",
                    "body": "",
                    "body_format": "text",
                    "thread_id": message_id,
                    "search_text": "",
                    "recipient_count": 1,
                    "attachment_count": 0,
                    "created_at": created_at,
                }
            )
            items.append(
                {
                    "id": new_id(),
                    "user_id": owner.id,
                    "operation_id": operation_id,
                    "message_id": message_id,
                    "kind": "received",
                    "folder": "inbox",
                    "read": False,
                    "role": "user",
                    "country": owner.country,
                    "last_seq": first_seq + n,
                    "created_at": created_at,
                    "updated_at": created_at,
                }
            )
        await session.execute(insert(Message), messages)
        await session.execute(insert(MailboxItem), items)
        await session.execute(
            update(User)
            .where(User.id == owner.id)
            .values(mailbox_seq=first_seq + count - 1)
        )
        await session.commit()
    return [str(item["id"]) for item in items]
