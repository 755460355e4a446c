"""Response bodies of the messages database and the container search."""

from __future__ import annotations

from pydantic import BaseModel

from app.messages.schemas import MessagePublic


class MessageList(BaseModel):
    items: list[MessagePublic]
    next_cursor: str | None


class ContainerMessages(BaseModel):
    container_number: str
    items: list[MessagePublic]
    next_cursor: str | None
