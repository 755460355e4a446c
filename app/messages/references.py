"""Checks of the ids a message names: the original, feedback targets, uploads.

An id that does not exist, is not visible to the sender, or names the wrong
kind of row gets one and the same message, so a 422 never reveals whether a
message of someone else exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import FieldError, InvalidInput
from app.messages.compose import Composed
from app.messages.visibility import get_visible_message
from app.models import Attachment, Message, MessageAttachment
from app.operations.access import MemberAccess

NOT_VISIBLE = "does not name a message of this operation that you can see"
NOT_VISIBLE_OF_TYPE = "does not name a {kind} of this operation that you can see"
NOT_YOUR_UPLOAD = "does not name a file you uploaded to this operation"


@dataclass
class References:
    original: Message | None
    attachments: list[Attachment]


async def _visible_of_type(
    session: AsyncSession, access: MemberAccess, message_id: str, kind: str
) -> bool:
    message = await get_visible_message(session, access, message_id)
    return message is not None and message.type == kind


async def _own_uploads(
    session: AsyncSession, access: MemberAccess, ids: list[str]
) -> dict[str, Attachment]:
    if not ids:
        return {}
    statement = select(Attachment).where(
        Attachment.id.in_(ids),
        Attachment.operation_id == access.operation.id,
        Attachment.uploader_id == access.user.id,
    )
    return {a.id: a for a in await session.scalars(statement)}


async def original_attachments(
    session: AsyncSession, message_id: str
) -> list[Attachment]:
    statement = (
        select(Attachment)
        .join(MessageAttachment, MessageAttachment.attachment_id == Attachment.id)
        .where(MessageAttachment.message_id == message_id)
        .order_by(MessageAttachment.position)
    )
    return list(await session.scalars(statement))


async def check_references(
    session: AsyncSession,
    access: MemberAccess,
    composed: Composed,
    *,
    max_attachments: int,
) -> References:
    """Check every id the message names and return the rows they name."""
    errors: list[FieldError] = []
    original = None
    reference_field = "in_reply_to" if composed.in_reply_to else "forward_of"
    original_id = composed.in_reply_to or composed.forward_of
    if original_id:
        original = await get_visible_message(session, access, original_id)
        if original is None:
            errors.append(FieldError(reference_field, NOT_VISIBLE))

    fields = composed.fields or {}
    if composed.effective_type == "feedback":
        for name, kind in (("warning_id", "warning"), ("seizure_id", "seizure")):
            target = fields.get(name)
            if target and not await _visible_of_type(session, access, target, kind):
                errors.append(
                    FieldError(f"fields.{name}", NOT_VISIBLE_OF_TYPE.format(kind=kind))
                )

    requested = list(dict.fromkeys(composed.attachment_ids))
    uploads = await _own_uploads(session, access, requested)
    for index, attachment_id in enumerate(composed.attachment_ids):
        if attachment_id not in uploads:
            errors.append(FieldError(f"attachment_ids[{index}]", NOT_YOUR_UPLOAD))
    attachments = [uploads[i] for i in requested if i in uploads]

    if original is not None and composed.forward_of:
        carried = await original_attachments(session, original.id)
        known = {a.id for a in attachments}
        attachments = [a for a in carried if a.id not in known] + attachments
    if len(attachments) > max_attachments:
        errors.append(
            FieldError(
                "attachment_ids",
                f"the message would carry {len(attachments)} attachments; at most "
                f"{max_attachments} are allowed",
            )
        )
    if errors:
        raise InvalidInput(errors)
    return References(original=original, attachments=attachments)
