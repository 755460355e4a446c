"""The resources built in the app's lifespan and shared by every request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.requests import HTTPConnection

from app.accounts.tokens import TokenSigner
from app.config import Settings
from app.mailbox.cursors import EventCursorCodec
from app.pagination import CursorCodec

if TYPE_CHECKING:
    from app.push.hub import Hub


@dataclass
class AppContext:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    signer: TokenSigner
    cursors: CursorCodec
    event_cursors: EventCursorCodec
    hub: Hub


def get_context(connection: HTTPConnection) -> AppContext:
    context: AppContext = connection.state.context
    return context


def get_request_context(request: Request) -> AppContext:
    return get_context(request)


Context = Annotated[AppContext, Depends(get_request_context)]
