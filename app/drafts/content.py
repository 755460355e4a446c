"""The stored content of a draft: checked, normalized, and turned back into a body.

A draft's `content` contains the fields of a `ComposeBody` that are set, in the
normalized form `check_format` returns, so a draft never contains a value that a
send would reject for its format. Keys with no value are left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.context import AppContext
from app.drafts.schemas import DraftPublic
from app.errors import InvalidInput, validation_errors
from app.messages.compose import Composed, check_format
from app.messages.references import check_references
from app.messages.schemas import ComposeBody, RecipientSelection
from app.models import Draft
from app.operations.access import MemberAccess


def compose_body_of(document: Mapping[str, Any]) -> ComposeBody:
    """Validate a JSON object as a message body, in which unknown keys are invalid."""
    try:
        return ComposeBody.model_validate(document)
    except ValidationError as exc:
        errors = [dict(error) for error in exc.errors()]
        raise InvalidInput(validation_errors(errors)) from None


async def checked_content(
    session: AsyncSession,
    context: AppContext,
    access: MemberAccess,
    data: ComposeBody,
) -> dict[str, Any]:
    """Check every field present and return the content to store, or raise 422.

    Besides the format, the ids a draft names are checked as a send checks
    them (the original message, feedback targets and the author's own
    uploads), so a draft cannot contain an id the author could never send. They
    are checked again when the draft is sent.
    """
    settings = context.settings
    composed = check_format(
        data,
        complete=False,
        max_body_chars=settings.max_body_chars,
        max_attachments=settings.max_attachments,
    )
    await check_references(
        session, access, composed, max_attachments=settings.max_attachments
    )
    return _content_of(composed)


def _content_of(composed: Composed) -> dict[str, Any]:
    recipients = None
    if composed.recipients is not None:
        recipients = composed.recipients.model_dump(mode="json")
    content: dict[str, Any] = {
        "type": composed.type,
        "subject": composed.subject,
        "body": composed.body,
        "body_format": composed.body_format,
        "fields": composed.fields,
        "recipients": recipients,
        "attachment_ids": composed.attachment_ids or None,
        "in_reply_to": composed.in_reply_to,
        "forward_of": composed.forward_of,
    }
    return {key: value for key, value in content.items() if value is not None}


def draft_public(draft: Draft) -> DraftPublic:
    content = draft.content
    recipients = content.get("recipients")
    return DraftPublic(
        id=draft.id,
        type=content.get("type"),
        subject=content.get("subject"),
        body=content.get("body"),
        body_format=content.get("body_format"),
        fields=content.get("fields"),
        recipients=(
            RecipientSelection.model_validate(recipients)
            if recipients is not None
            else None
        ),
        attachment_ids=list(content.get("attachment_ids") or []),
        in_reply_to=content.get("in_reply_to"),
        forward_of=content.get("forward_of"),
        created_at=draft.created_at,
        updated_at=draft.updated_at,
    )
