"""Who may see a message: the one rule every read path uses.

A member sees a message of their operation when they hold a mailbox item of
it (they sent or received it), when they are the operation's OCU, or when
they are an NCP and the sender's or a recipient's country, as recorded at
send time, is their membership country. A forward's recipients hold an item
of the forward only, so the original stays hidden from them.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import MailboxItem, Message
from app.operations.access import MemberAccess


def visible_condition(access: MemberAccess) -> ColumnElement[bool]:
    """Build a condition on `Message` that holds for the messages the caller may see."""
    in_operation = Message.operation_id == access.operation.id
    if access.role == "ocu":
        return in_operation
    holds_item = exists().where(
        MailboxItem.message_id == Message.id, MailboxItem.user_id == access.user.id
    )
    if access.role != "ncp":
        return and_(in_operation, holds_item)
    country = access.country
    # The operation id keeps PostgreSQL from scanning every operation's items.
    recipient_of_country = exists().where(
        MailboxItem.operation_id == access.operation.id,
        MailboxItem.message_id == Message.id,
        MailboxItem.kind == "received",
        MailboxItem.country == country,
    )
    return and_(
        in_operation,
        or_(Message.sender_country == country, recipient_of_country, holds_item),
    )


async def get_visible_message(
    session: AsyncSession, access: MemberAccess, message_id: str
) -> Message | None:
    """Return the message if the caller may see it, else None (without telling why)."""
    statement = select(Message).where(
        Message.id == message_id, visible_condition(access)
    )
    return await session.scalar(statement)
