"""The live mailbox endpoint, `/api/v1/ws`."""

from __future__ import annotations

from fastapi import APIRouter, WebSocket

from app.context import get_context
from app.push.connection import Connection

router = APIRouter(tags=["push"])


@router.websocket("/ws")
async def live_mailbox(websocket: WebSocket) -> None:
    """Stream the caller's mailbox events: replay from a cursor, then live."""
    await Connection(websocket, get_context(websocket)).run()
