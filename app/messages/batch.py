"""Build full messages for a page at once: a fixed number of queries per page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.messages.schemas import MessagePublic
from app.messages.service import message_public
from app.models import Attachment, Message, MessageAttachment, User


async def messages_public(
    session: AsyncSession, operation_code: str, messages: Sequence[Message]
) -> list[MessagePublic]:
    """Return the messages as the API shows them, in the order given."""
    if not messages:
        return []
    sender_ids = sorted({m.sender_id for m in messages})
    names = dict(
        (
            await session.execute(
                select(User.id, User.display_name).where(User.id.in_(sender_ids))
            )
        ).all()
    )
    attachments = await attachments_by_message(session, messages)
    return [
        message_public(
            m, operation_code, names.get(m.sender_id, ""), attachments.get(m.id, [])
        )
        for m in messages
    ]


async def attachments_by_message(
    session: AsyncSession, messages: Sequence[Message]
) -> dict[str, list[Attachment]]:
    """Load the attachments of every message in one query, in their order."""
    with_attachments = [m.id for m in messages if m.attachment_count]
    attachments: dict[str, list[Attachment]] = defaultdict(list)
    if not with_attachments:
        return attachments
    statement = (
        select(MessageAttachment.message_id, Attachment)
        .join(Attachment, Attachment.id == MessageAttachment.attachment_id)
        .where(MessageAttachment.message_id.in_(with_attachments))
        .order_by(MessageAttachment.message_id, MessageAttachment.position)
    )
    for message_id, attachment in (await session.execute(statement)).all():
        attachments[message_id].append(attachment)
    return attachments
