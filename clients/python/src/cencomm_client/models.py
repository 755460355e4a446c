"""Typed responses of the server.

Every model keeps fields the server adds later (`extra="allow"`), so a newer
server does not break an older client.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

ItemT = TypeVar("ItemT")


class ApiModel(BaseModel):
    """Base of the responses: unknown fields are kept as extra attributes."""

    model_config = ConfigDict(extra="allow")


class Page(ApiModel, Generic[ItemT]):
    """One page of a list; `next_cursor` is None exactly when no item follows."""

    items: list[ItemT]
    next_cursor: str | None = None


class TokenPair(ApiModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    refresh_token: str


class User(ApiModel):
    id: str
    username: str
    display_name: str
    email: str = ""
    country: str
    is_admin: bool = False
    is_active: bool = True
    created_at: datetime | None = None


class MembershipOperation(ApiModel):
    code: str
    name: str
    status: str


class Membership(ApiModel):
    operation: MembershipOperation
    role: str
    country: str


class Me(ApiModel):
    id: str
    username: str
    display_name: str
    email: str = ""
    country: str
    is_admin: bool = False
    memberships: list[Membership] = []


class PhaseDates(ApiModel):
    start: date
    end: date


class Operation(ApiModel):
    code: str
    name: str
    description: str = ""
    phases: dict[str, PhaseDates] = {}
    status: str
    member_count: int = 0


class MemberUser(ApiModel):
    id: str
    username: str
    display_name: str


class Member(ApiModel):
    user: MemberUser
    role: str
    country: str


class Attachment(ApiModel):
    id: str
    filename: str
    size: int
    content_type: str
    sha256: str


class ResolvedUser(ApiModel):
    id: str
    display_name: str
    role: str
    country: str


class Resolution(ApiModel):
    """The people a send with a recipient selection would reach."""

    count: int
    users: list[ResolvedUser]


class MessageSender(ApiModel):
    id: str
    display_name: str
    country: str
    role: str


class Message(ApiModel):
    id: str
    operation: str
    type: str
    subject: str
    body: str
    body_format: str = "text"
    fields: dict[str, Any] | None = None
    sender: MessageSender
    created_at: datetime
    recipient_count: int = 0
    attachments: list[Attachment] = []
    in_reply_to: str | None = None
    forward_of: str | None = None


class ReceiptUser(ApiModel):
    id: str
    display_name: str
    country: str


class Receipt(ApiModel):
    """When one recipient first read a message; `read_at` is None while unread."""

    user: ReceiptUser
    read_at: datetime | None = None


class ItemSender(ApiModel):
    id: str
    display_name: str
    country: str


class MailboxItem(ApiModel):
    """One user's copy of one message, as mailbox lists and live events show it."""

    id: str
    message_id: str
    folder: str
    type: str
    subject: str
    sender: ItemSender
    created_at: datetime
    read: bool
    has_attachments: bool = False
    cursor: str


class MailboxPage(Page[MailboxItem]):
    unread_count: int = 0


class BulkResult(ApiModel):
    """The number of items whose state a bulk action changed."""

    updated: int


class RecipientSelection(ApiModel):
    roles: list[str] = []
    my_country: bool = False
    countries: list[str] = []
    users: list[str] = []


class Draft(ApiModel):
    """A saved draft; a field never saved, or cleared, is None."""

    id: str
    type: str | None = None
    subject: str | None = None
    body: str | None = None
    body_format: str | None = None
    fields: dict[str, Any] | None = None
    recipients: RecipientSelection | None = None
    attachment_ids: list[str] = []
    in_reply_to: str | None = None
    forward_of: str | None = None
    created_at: datetime
    updated_at: datetime


class DraftPage(Page[Draft]):
    count: int = 0


class ContainerPage(Page[Message]):
    """Messages naming one container; `container_number` is the normalized form."""

    container_number: str


class AuditActor(ApiModel):
    id: str
    display_name: str


class AuditEvent(ApiModel):
    at: datetime
    actor: AuditActor
    action: str
    target: dict[str, Any] = {}


class ServiceStatus(ApiModel):
    status: str
    database: str | None = None


class Download(ApiModel):
    """A downloaded attachment: its bytes in `content`, or the file in `path`."""

    filename: str
    content_type: str
    size: int
    content: bytes | None = None
    path: Path | None = None
