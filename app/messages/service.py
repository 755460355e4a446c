"""Sending and reading messages.

A send is one transaction: the message, its attachment links, its container
index rows, every mailbox item (the recipients' inbox copies and the sender's
sent copy), their events and the audit row are written together, each kind
with one multi-row insert, so every recipient has the message or nobody does.
The push happens only after the commit.
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.attachments.schemas import AttachmentPublic
from app.audit.service import record
from app.context import AppContext
from app.db import after_commit
from app.errors import InvalidInput
from app.ids import new_id
from app.mailbox.events import (
    INSERT_CHUNK_ROWS,
    ITEM_CREATED,
    NewEvent,
    allocate_one_each,
    insert_events,
)
from app.messages import forwarding
from app.messages.compose import Composed, check_format
from app.messages.fields import container_numbers_of, text_fields_of
from app.messages.recipients import Recipient, resolve_recipients
from app.messages.references import References, check_references
from app.messages.schemas import ComposeBody, MessagePublic, MessageSender
from app.messages.search_text import fold_for_search
from app.messages.text import html_text_content
from app.models import (
    Attachment,
    MailboxItem,
    Message,
    MessageAttachment,
    MessageContainer,
    User,
    utcnow,
)
from app.operations.access import MemberAccess

logger = structlog.get_logger(__name__)


def body_text(body: str, body_format: str) -> str:
    return html_text_content(body) if body_format == "html" else body


def build_search_text(message: Message) -> str:
    parts = [message.subject, body_text(message.body, message.body_format)]
    parts.extend(text_fields_of(message.fields))
    return fold_for_search("\n".join(parts))


async def prepare_send(
    session: AsyncSession,
    context: AppContext,
    access: MemberAccess,
    data: ComposeBody,
) -> tuple[Composed, References, list[Recipient]]:
    """Check everything a send needs; raise 422 naming each problem, then 409."""
    settings = context.settings
    composed = check_format(
        data,
        complete=True,
        max_body_chars=settings.max_body_chars,
        max_attachments=settings.max_attachments,
    )
    references = await check_references(
        session, access, composed, max_attachments=settings.max_attachments
    )
    # The quote is added here, so a forward too long for it is 422 before the 409.
    if references.original is not None and composed.forward_of:
        composed.body = await _quote_original(
            session, composed, references.original, settings.max_body_chars
        )
    recipients: list[Recipient] = []
    if composed.recipients is not None:
        recipients = await resolve_recipients(session, access, composed.recipients)
    if not recipients:
        raise InvalidInput.single(
            "recipients",
            "the selection reaches nobody; choose roles, my_country, countries or "
            "users that name current members other than yourself",
        )
    access.require_open()
    return composed, references, recipients


async def _quote_original(
    session: AsyncSession, composed: Composed, original: Message, max_chars: int
) -> str:
    """Return the forward's body with the original quoted below it."""
    sender_name = await session.scalar(
        select(User.display_name).where(User.id == original.sender_id)
    )
    return forwarding.quote_forward(
        composed.body or "",
        composed.body_format or "text",
        original,
        sender_name or "",
        max_chars=max_chars,
    )


async def send_message(
    session: AsyncSession,
    context: AppContext,
    access: MemberAccess,
    data: ComposeBody,
) -> MessagePublic:
    composed, references, recipients = await prepare_send(
        session, context, access, data
    )
    return await write_message(
        session, context, access, composed, references, recipients
    )


async def write_message(
    session: AsyncSession,
    context: AppContext,
    access: MemberAccess,
    composed: Composed,
    references: References,
    recipients: Sequence[Recipient],
) -> MessagePublic:
    """Write a checked message and its mailbox items in the open transaction."""
    original = references.original
    message_type = composed.effective_type or "message"
    body_format = composed.body_format or "text"
    subject = composed.subject
    body = composed.body or ""
    if original is not None and subject is None:
        prefix = "re: " if composed.in_reply_to else "fwd: "
        subject = forwarding.prefixed_subject(prefix, original.subject)
    now = utcnow()
    message = Message(
        id=new_id(),
        operation_id=access.operation.id,
        sender_id=access.user.id,
        sender_role=access.role,
        sender_country=access.country,
        type=message_type,
        subject=subject or "",
        body=body,
        body_format=body_format,
        fields=composed.fields,
        commodity=(composed.fields or {}).get("commodity"),
        in_reply_to_id=composed.in_reply_to if original is not None else None,
        forward_of_id=composed.forward_of if original is not None else None,
        recipient_count=len(recipients),
        attachment_count=len(references.attachments),
        created_at=now,
    )
    message.thread_id = original.thread_id if original is not None else message.id
    message.search_text = build_search_text(message)
    session.add(message)
    await session.flush()

    await _link_attachments(session, message, references.attachments)
    await _index_containers(session, message)
    user_ids = await _write_mailbox_items(session, access, message, recipients)
    record(
        session,
        access.operation.id,
        access.user.id,
        "message.send",
        {"message_id": message.id, "type": message.type, "recipients": len(recipients)},
    )
    hub = context.hub
    after_commit(session, lambda: hub.publish(user_ids))
    logger.info(
        "message.sent",
        message_id=message.id,
        operation_id=access.operation.id,
        sender_id=access.user.id,
        type=message.type,
        recipients=len(recipients),
        attachments=len(references.attachments),
    )
    return message_public(
        message,
        access.operation.code,
        access.user.display_name,
        references.attachments,
    )


async def _link_attachments(
    session: AsyncSession, message: Message, attachments: Sequence[Attachment]
) -> None:
    if not attachments:
        return
    rows = [
        {"message_id": message.id, "attachment_id": a.id, "position": position}
        for position, a in enumerate(attachments)
    ]
    await session.execute(insert(MessageAttachment).values(rows))


async def _index_containers(session: AsyncSession, message: Message) -> None:
    numbers = container_numbers_of(message.fields)
    if not numbers:
        return
    rows = [
        {
            "message_id": message.id,
            "container_number": number,
            "operation_id": message.operation_id,
        }
        for number in numbers
    ]
    await session.execute(insert(MessageContainer).values(rows))


async def _write_mailbox_items(
    session: AsyncSession,
    access: MemberAccess,
    message: Message,
    recipients: Sequence[Recipient],
) -> list[str]:
    """Insert every copy and its event; return the owners' ids."""
    owners = [(access.user.id, "sent", access.role, access.country)]
    owners += [(r.user_id, "received", r.role, r.country) for r in recipients]
    seqs = await allocate_one_each(session, [owner[0] for owner in owners])
    rows = []
    events = []
    for user_id, kind, role, country in owners:
        item_id = new_id()
        rows.append(
            {
                "id": item_id,
                "user_id": user_id,
                "operation_id": message.operation_id,
                "message_id": message.id,
                "kind": kind,
                "folder": "sent" if kind == "sent" else "inbox",
                "read": kind == "sent",
                "read_at": None,
                "role": role,
                "country": country,
                "last_seq": seqs[user_id],
                "created_at": message.created_at,
                "updated_at": message.created_at,
            }
        )
        events.append(
            NewEvent(
                user_id, seqs[user_id], item_id, message.operation_id, ITEM_CREATED
            )
        )
    for start in range(0, len(rows), INSERT_CHUNK_ROWS):
        await session.execute(
            insert(MailboxItem).values(rows[start : start + INSERT_CHUNK_ROWS])
        )
    await insert_events(session, events)
    return [owner[0] for owner in owners]


def message_public(
    message: Message,
    operation_code: str,
    sender_name: str,
    attachments: Sequence[Attachment],
) -> MessagePublic:
    return MessagePublic(
        id=message.id,
        operation=operation_code,
        type=message.type,
        subject=message.subject,
        body=message.body,
        body_format=message.body_format,
        fields=message.fields,
        sender=MessageSender(
            id=message.sender_id,
            display_name=sender_name,
            country=message.sender_country,
            role=message.sender_role,  # type: ignore[arg-type]
        ),
        created_at=message.created_at,
        recipient_count=message.recipient_count,
        attachments=[attachment_public(a) for a in attachments],
        in_reply_to=message.in_reply_to_id,
        forward_of=message.forward_of_id,
    )


def attachment_public(attachment: Attachment) -> AttachmentPublic:
    return AttachmentPublic(
        id=attachment.id,
        filename=attachment.filename,
        size=attachment.size,
        content_type=attachment.content_type,
        sha256=attachment.sha256,
    )


async def read_message(
    session: AsyncSession, access: MemberAccess, message: Message
) -> MessagePublic:
    """Build the full message the caller opened; the router records the read."""
    from app.messages.references import original_attachments

    sender_name = await session.scalar(
        select(User.display_name).where(User.id == message.sender_id)
    )
    attachments = await original_attachments(session, message.id)
    return message_public(
        message, access.operation.code, sender_name or "", attachments
    )
