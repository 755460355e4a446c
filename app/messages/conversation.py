"""Threads of replies and forwards, and read receipts."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record
from app.errors import Forbidden
from app.messages.batch import messages_public
from app.messages.schemas import MessagePublic
from app.messages.visibility import visible_condition
from app.models import MailboxItem, Message, User
from app.operations.access import MemberAccess
from app.pagination import CursorCodec, PageParams
from app.timefmt import UtcDatetime


def record_reads(
    session: AsyncSession, access: MemberAccess, messages: list[Message], via: str
) -> None:
    """Audit that the caller opened these messages (and a forward's original)."""
    for message in messages:
        record(
            session,
            access.operation.id,
            access.user.id,
            "message.read",
            {"message_id": message.id, "via": via},
        )
        if message.forward_of_id:
            # A forward quotes its original, so opening it reads the original too.
            record(
                session,
                access.operation.id,
                access.user.id,
                "message.read",
                {
                    "message_id": message.forward_of_id,
                    "via": "forward",
                    "forward_id": message.id,
                },
            )


async def thread_page(
    session: AsyncSession,
    cursors: CursorCodec,
    access: MemberAccess,
    message: Message,
    page: PageParams,
) -> tuple[list[MessagePublic], str | None]:
    """List the visible messages of the message's conversation, oldest first."""
    statement = (
        select(Message)
        .where(Message.thread_id == message.thread_id, visible_condition(access))
        .order_by(Message.created_at, Message.id)
        .limit(page.limit + 1)
    )
    scope = f"thread:{access.user.id}:{message.thread_id}"
    if page.cursor:
        created_at, message_id = cursors.decode(scope, page.cursor)
        after = datetime.fromisoformat(str(created_at))
        statement = statement.where(
            or_(
                Message.created_at > after,
                and_(Message.created_at == after, Message.id > str(message_id)),
            )
        )
    messages = list(await session.scalars(statement))
    next_cursor = None
    if len(messages) > page.limit:
        messages = messages[: page.limit]
        last = messages[-1]
        next_cursor = cursors.encode(scope, [last.created_at.isoformat(), last.id])
    record_reads(session, access, messages, via="thread")
    return await messages_public(session, access.operation.code, messages), next_cursor


class ReceiptUser(BaseModel):
    id: str
    display_name: str
    country: str


class Receipt(BaseModel):
    user: ReceiptUser
    read_at: UtcDatetime | None


async def receipts_page(
    session: AsyncSession,
    cursors: CursorCodec,
    access: MemberAccess,
    message: Message,
    page: PageParams,
) -> tuple[list[Receipt], str | None]:
    """List each recipient with the time they first read the message."""
    if message.sender_id != access.user.id and access.role != "ocu":
        raise Forbidden(
            "Only the sender and the operation's OCU may see read receipts."
        )
    statement = (
        select(MailboxItem, User.display_name)
        .join(User, User.id == MailboxItem.user_id)
        .where(MailboxItem.message_id == message.id, MailboxItem.kind == "received")
        .order_by(MailboxItem.id)
        .limit(page.limit + 1)
    )
    scope = f"receipts:{message.id}"
    if page.cursor:
        (after,) = cursors.decode(scope, page.cursor)
        statement = statement.where(MailboxItem.id > str(after))
    rows = (await session.execute(statement)).all()
    next_cursor = None
    if len(rows) > page.limit:
        rows = rows[: page.limit]
        next_cursor = cursors.encode(scope, [rows[-1][0].id])
    receipts = [
        Receipt(
            user=ReceiptUser(id=item.user_id, display_name=name, country=item.country),
            read_at=item.read_at,
        )
        for item, name in rows
    ]
    return receipts, next_cursor
