"""Request and response bodies of messages and recipient selection."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StrictBool

from app.accounts.schemas import Country, StrictModel
from app.attachments.schemas import AttachmentPublic
from app.timefmt import UtcDatetime

Role = Literal["ocu", "ncp", "user"]
Id = Annotated[str, Field(min_length=1, max_length=64)]
MAX_SELECTED_USERS = 5000


class RecipientSelection(StrictModel):
    """Selectors combined as a union; an omitted or empty selector adds nobody."""

    roles: Annotated[list[Role], Field(max_length=3)] = []
    my_country: StrictBool = False
    countries: Annotated[list[Country], Field(max_length=300)] = []
    users: Annotated[list[Id], Field(max_length=MAX_SELECTED_USERS)] = []

    def is_empty(self) -> bool:
        return not (self.roles or self.my_country or self.countries or self.users)


class ComposeBody(StrictModel):
    """A message being composed: every field optional, checked by `compose`."""

    type: str | None = None
    subject: str | None = None
    body: str | None = None
    body_format: str | None = None
    fields: dict[str, Any] | None = None
    recipients: RecipientSelection | None = None
    attachment_ids: Annotated[list[Id], Field(max_length=1000)] | None = None
    in_reply_to: Id | None = None
    forward_of: Id | None = None


class ResolveRequest(StrictModel):
    recipients: RecipientSelection


class ResolvedUser(BaseModel):
    id: str
    display_name: str
    role: Role
    country: str


class ResolveResult(BaseModel):
    count: int
    users: list[ResolvedUser]


class MessageSender(BaseModel):
    id: str
    display_name: str
    country: str
    role: Role


class MessagePublic(BaseModel):
    id: str
    operation: str
    type: str
    subject: str
    body: str
    body_format: str
    fields: dict[str, Any] | None
    sender: MessageSender
    created_at: UtcDatetime
    recipient_count: int
    attachments: list[AttachmentPublic]
    in_reply_to: str | None
    forward_of: str | None
