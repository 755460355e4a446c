"""Typed request bodies: messages, drafts, recipient selections and phases.

Only the shape is checked here; the server checks limits and formats and
names each invalid field in its error response.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict


class RequestModel(BaseModel):
    """Base of the request bodies: a misspelled field name is a ValidationError."""

    model_config = ConfigDict(extra="forbid")


class Recipients(RequestModel):
    """Selectors combined as a union; an empty selector adds nobody."""

    roles: list[str] = []
    my_country: bool = False
    countries: list[str] = []
    users: list[str] = []

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_defaults=True)


class NewMessage(RequestModel):
    """A message to send or a draft to save; fields left None are not sent."""

    type: str | None = None
    subject: str | None = None
    body: str | None = None
    body_format: str | None = None
    fields: dict[str, Any] | None = None
    recipients: Recipients | None = None
    attachment_ids: list[str] | None = None
    in_reply_to: str | None = None
    forward_of: str | None = None

    def to_json(self) -> dict[str, Any]:
        body = self.model_dump(mode="json", exclude_none=True)
        if self.recipients is not None:
            body["recipients"] = self.recipients.to_json()
        return body


class DraftPatch(NewMessage):
    """A JSON merge patch of a draft: only fields that were set are sent.

    A field set to None is sent as null, which clears it on the server.
    """

    def to_json(self) -> dict[str, Any]:
        body = self.model_dump(mode="json", exclude_unset=True)
        if self.recipients is not None:
            body["recipients"] = self.recipients.to_json()
        return body


class Phase(RequestModel):
    start: date
    end: date


class Phases(RequestModel):
    """The dates of an operation's phases; any subset of the three."""

    pre_operational: Phase | None = None
    operational: Phase | None = None
    post_operational: Phase | None = None

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)
