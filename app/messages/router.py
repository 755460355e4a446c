"""Routes of sending, reading and recipient resolution."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from app.context import Context
from app.db import Session
from app.errors import DependenciesFirstRoute, NotFound
from app.messages import service
from app.messages.conversation import (
    Receipt,
    receipts_page,
    record_reads,
    thread_page,
)
from app.messages.recipients import resolve_recipients
from app.messages.schemas import (
    ComposeBody,
    MessagePublic,
    ResolvedUser,
    ResolveRequest,
    ResolveResult,
)
from app.messages.visibility import get_visible_message
from app.operations.access import MemberAccessDep
from app.pagination import PageParams, page_params
from app.schemas import Page

router = APIRouter(tags=["messages"], route_class=DependenciesFirstRoute)
MessageId = Annotated[str, Path(max_length=64)]
Pages = Annotated[PageParams, Depends(page_params)]


def message_not_found(message_id: str) -> NotFound:
    return NotFound(f"No message '{message_id}' exists among the messages you can see.")


@router.post("/operations/{code}/recipients/resolve", response_model=ResolveResult)
async def resolve(
    session: Session, access: MemberAccessDep, data: ResolveRequest
) -> ResolveResult:
    """Show whom a send with this selection would reach."""
    recipients = await resolve_recipients(session, access, data.recipients)
    users = [
        ResolvedUser(
            id=r.user_id,
            display_name=r.display_name,
            role=r.role,  # type: ignore[arg-type]
            country=r.country,
        )
        for r in recipients
    ]
    return ResolveResult(count=len(users), users=users)


@router.post(
    "/operations/{code}/messages", status_code=201, response_model=MessagePublic
)
async def send_message(
    session: Session, context: Context, access: MemberAccessDep, data: ComposeBody
) -> MessagePublic:
    """Send a message to the resolved recipients, all of them or none."""
    return await service.send_message(session, context, access, data)


@router.get("/operations/{code}/messages/{message_id}", response_model=MessagePublic)
async def read_message(
    session: Session, access: MemberAccessDep, message_id: MessageId
) -> MessagePublic:
    """Return a message the caller may see."""
    message = await get_visible_message(session, access, message_id)
    if message is None:
        raise message_not_found(message_id)
    record_reads(session, access, [message], via="message")
    return await service.read_message(session, access, message)


@router.get(
    "/operations/{code}/messages/{message_id}/thread",
    response_model=Page[MessagePublic],
)
async def read_thread(
    session: Session,
    context: Context,
    access: MemberAccessDep,
    message_id: MessageId,
    page: Pages,
) -> Page[MessagePublic]:
    """Return the conversation around a message, oldest first, as far as visible."""
    message = await get_visible_message(session, access, message_id)
    if message is None:
        raise message_not_found(message_id)
    items, next_cursor = await thread_page(
        session, context.cursors, access, message, page
    )
    return Page[MessagePublic](items=items, next_cursor=next_cursor)


@router.get(
    "/operations/{code}/messages/{message_id}/receipts",
    response_model=Page[Receipt],
)
async def read_receipts(
    session: Session,
    context: Context,
    access: MemberAccessDep,
    message_id: MessageId,
    page: Pages,
) -> Page[Receipt]:
    """List when each recipient first read the message (sender and OCU)."""
    message = await get_visible_message(session, access, message_id)
    if message is None:
        raise message_not_found(message_id)
    items, next_cursor = await receipts_page(
        session, context.cursors, access, message, page
    )
    return Page[Receipt](items=items, next_cursor=next_cursor)
