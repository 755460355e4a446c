"""The one validator of a composed message, shared by sends and drafts.

`check_format` checks the limits, types and format of every field present and
collects every error. With `complete=True`, as for a send, it also checks what
a message needs before it can go out. References to other rows (replies,
forwards, feedback targets, uploads) need the database and are checked by
`app.messages.references`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from app.errors import FieldError, InvalidInput
from app.messages.field_specs import MESSAGE_TYPES
from app.messages.fields import validate_fields
from app.messages.schemas import ComposeBody, RecipientSelection
from app.messages.text import normalize_body, normalize_subject, quote_value

T = TypeVar("T")


@dataclass
class Composed:
    """A composed message after format checks, normalized as it will be stored."""

    type: str | None
    subject: str | None
    body: str | None
    body_format: str | None
    fields: dict[str, Any] | None
    recipients: RecipientSelection | None
    attachment_ids: list[str] = field(default_factory=list)
    in_reply_to: str | None = None
    forward_of: str | None = None

    @property
    def effective_type(self) -> str | None:
        if self.type is None and (self.in_reply_to or self.forward_of):
            return "message"
        return self.type


def _collect(errors: list[FieldError], check: Callable[[], T]) -> T | None:
    try:
        return check()
    except InvalidInput as exc:
        errors.extend(exc.errors)
        return None


def check_format(
    data: ComposeBody, *, complete: bool, max_body_chars: int, max_attachments: int
) -> Composed:
    """Return the normalized message or raise one InvalidInput with every error."""
    errors: list[FieldError] = []
    body_format = data.body_format
    if body_format is not None and body_format not in ("text", "html"):
        errors.append(
            FieldError(
                "body_format",
                f"{quote_value(body_format)} is invalid; use text or html",
            )
        )
        body_format = None
    subject = None
    if data.subject is not None:
        subject = _collect(errors, lambda: normalize_subject(data.subject or ""))
    body = None
    if data.body is not None:
        body = _collect(
            errors,
            lambda: normalize_body(
                data.body or "", body_format or "text", max_chars=max_body_chars
            ),
        )
    if data.type is not None and data.type not in MESSAGE_TYPES:
        errors.append(
            FieldError(
                "type",
                f"{quote_value(data.type)} is not a message type; use one of "
                f"{', '.join(MESSAGE_TYPES)}",
            )
        )
    if data.in_reply_to and data.forward_of:
        errors.append(
            FieldError("forward_of", "a message is a reply or a forward, not both")
        )
    attachment_ids = list(data.attachment_ids or [])
    if len(attachment_ids) > max_attachments:
        errors.append(
            FieldError(
                "attachment_ids",
                f"has {len(attachment_ids)} attachments; at most {max_attachments} "
                "are allowed",
            )
        )
    composed = Composed(
        type=data.type if data.type in MESSAGE_TYPES else None,
        subject=subject,
        body=body,
        body_format=body_format,
        fields=None,
        recipients=data.recipients,
        attachment_ids=attachment_ids,
        in_reply_to=data.in_reply_to,
        forward_of=data.forward_of,
    )
    message_type = composed.effective_type
    if data.type is None or data.type in MESSAGE_TYPES:
        if message_type is None:
            if complete:
                errors.append(
                    FieldError(
                        "type",
                        "is required; use one of " + ", ".join(MESSAGE_TYPES),
                    )
                )
            elif data.fields is not None:
                errors.append(
                    FieldError("fields", "needs a type: warning, feedback or seizure")
                )
        else:
            composed.fields = _collect(
                errors,
                lambda: validate_fields(message_type, data.fields, complete=complete),
            )
    is_reference = bool(data.in_reply_to or data.forward_of)
    if complete and data.subject is None and not is_reference:
        errors.append(FieldError("subject", "is required (1 to 255 characters)"))
    if errors:
        raise InvalidInput(errors)
    return composed
