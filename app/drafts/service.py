"""Saving, listing, changing, deleting and sending a member's drafts.

A draft belongs to its author alone: every lookup filters on the author and
the operation, so anyone else, the operation's OCU included, gets 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.context import AppContext
from app.drafts.content import checked_content, compose_body_of, draft_public
from app.drafts.merge_patch import apply_merge_patch
from app.drafts.schemas import DraftList, DraftPublic
from app.errors import InvalidInput, InvalidJsonBody, NotFound
from app.messages.schemas import ComposeBody, MessagePublic
from app.messages.service import send_message
from app.models import Draft, utcnow
from app.operations.access import MemberAccess
from app.pagination import PageParams

logger = structlog.get_logger(__name__)


def draft_not_found(draft_id: str) -> NotFound:
    return NotFound(f"No draft '{draft_id}' exists among your drafts here.")


async def _load(
    session: AsyncSession, access: MemberAccess, draft_id: str, *, for_update: bool
) -> Draft:
    """Return the caller's draft, locked for a write on PostgreSQL, or raise 404.

    The lock makes concurrent writes of one draft apply one after the other,
    so a draft is sent at most once and no merge patch is lost. SQLite takes
    its write lock when the transaction begins, so it needs none.
    """
    statement = select(Draft).where(
        Draft.id == draft_id,
        Draft.operation_id == access.operation.id,
        Draft.author_id == access.user.id,
    )
    if for_update:
        statement = statement.with_for_update()
    draft = await session.scalar(statement)
    if draft is None:
        raise draft_not_found(draft_id)
    return draft


async def create_draft(
    session: AsyncSession,
    context: AppContext,
    access: MemberAccess,
    data: ComposeBody,
) -> DraftPublic:
    content = await checked_content(session, context, access, data)
    access.require_open()
    now = utcnow()
    draft = Draft(
        operation_id=access.operation.id,
        author_id=access.user.id,
        content=content,
        created_at=now,
        updated_at=now,
    )
    session.add(draft)
    await session.flush()
    logger.info(
        "draft.created",
        draft_id=draft.id,
        operation_id=access.operation.id,
        author_id=access.user.id,
    )
    return draft_public(draft)


async def list_drafts(
    session: AsyncSession,
    context: AppContext,
    access: MemberAccess,
    page: PageParams,
) -> DraftList:
    """List the caller's drafts, keyset-paged on (updated_at, id), newest first.

    NOTE: a draft changed while a client pages moves to the front of the list,
    so that client's later pages skip it, and a draft changed after its page
    was read is not repeated. The order stays "newest change first", as the
    list promises, and drafts created meanwhile are neither skipped nor repeated.
    """
    owned = and_(
        Draft.operation_id == access.operation.id,
        Draft.author_id == access.user.id,
    )
    statement = (
        select(Draft)
        .where(owned)
        .order_by(Draft.updated_at.desc(), Draft.id.desc())
        .limit(page.limit + 1)
    )
    scope = f"drafts:{access.operation.id}:{access.user.id}"
    if page.cursor:
        updated_at, draft_id = _decode_position(context, scope, page.cursor)
        statement = statement.where(
            or_(
                Draft.updated_at < updated_at,
                and_(Draft.updated_at == updated_at, Draft.id < draft_id),
            )
        )
    drafts = list(await session.scalars(statement))
    next_cursor = None
    if len(drafts) > page.limit:
        drafts = drafts[: page.limit]
        last = drafts[-1]
        next_cursor = context.cursors.encode(
            scope, [last.updated_at.isoformat(), last.id]
        )
    count = await session.scalar(select(func.count()).select_from(Draft).where(owned))
    return DraftList(
        items=[draft_public(draft) for draft in drafts],
        next_cursor=next_cursor,
        count=int(count or 0),
    )


def _decode_position(
    context: AppContext, scope: str, cursor: str
) -> tuple[datetime, str]:
    position = context.cursors.decode(scope, cursor)
    try:
        return datetime.fromisoformat(position[0]), str(position[1])
    except (IndexError, TypeError, ValueError):
        raise InvalidInput.single(
            "cursor", "is not a cursor issued for this list; start again without it"
        ) from None


async def get_draft(
    session: AsyncSession, access: MemberAccess, draft_id: str
) -> DraftPublic:
    draft = await _load(session, access, draft_id, for_update=False)
    return draft_public(draft)


async def update_draft(
    session: AsyncSession,
    context: AppContext,
    access: MemberAccess,
    draft_id: str,
    patch: Any,
) -> DraftPublic:
    """Apply a JSON merge patch and check the result as a whole before saving it.

    A patch that leaves the stored content as it was keeps `updated_at`, so
    saving an unchanged draft does not move it to the front of the list.
    """
    draft = await _load(session, access, draft_id, for_update=True)
    if isinstance(patch, InvalidJsonBody):
        raise InvalidInput.single("body", patch.message)
    if not isinstance(patch, dict):
        raise InvalidInput.single(
            "body",
            f"must be a JSON object with the draft fields to change (a JSON merge "
            f"patch, in which null clears a field), got {_json_type(patch)}",
        )
    merged = apply_merge_patch(draft.content, patch)
    content = await checked_content(session, context, access, compose_body_of(merged))
    access.require_open()
    if content != draft.content:
        draft.content = content
        draft.updated_at = utcnow()
        await session.flush()
        logger.info(
            "draft.updated",
            draft_id=draft.id,
            operation_id=access.operation.id,
            author_id=access.user.id,
        )
    return draft_public(draft)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array"


async def delete_draft(
    session: AsyncSession, access: MemberAccess, draft_id: str
) -> None:
    draft = await _load(session, access, draft_id, for_update=True)
    access.require_open()
    await session.delete(draft)
    await session.flush()
    logger.info(
        "draft.deleted",
        draft_id=draft_id,
        operation_id=access.operation.id,
        author_id=access.user.id,
    )


async def send_draft(
    session: AsyncSession,
    context: AppContext,
    access: MemberAccess,
    draft_id: str,
) -> MessagePublic:
    """Send the draft as a message and delete it, in the one open transaction.

    Every check of a send applies. When one fails, the request's transaction
    rolls back and the draft stays as it was.
    """
    draft = await _load(session, access, draft_id, for_update=True)
    data = compose_body_of(draft.content)
    message = await send_message(session, context, access, data)
    await session.delete(draft)
    await session.flush()
    logger.info(
        "draft.sent",
        draft_id=draft_id,
        message_id=message.id,
        operation_id=access.operation.id,
        author_id=access.user.id,
    )
    return message
