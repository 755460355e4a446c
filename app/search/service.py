"""Search of the messages a member may see: free text, filters and containers.

Both searches list full messages newest first, keyset-paged on
(created_at, id), and record an audit event in the request's transaction. A
page takes two queries whatever its size: the messages with their senders'
names, and the attachments of all of them. On SQLite a text search may take
one more, to count its candidates (see `sqlite_plans`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Row, Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record
from app.context import AppContext
from app.errors import InvalidInput
from app.messages.batch import attachments_by_message
from app.messages.schemas import MessagePublic
from app.messages.service import message_public
from app.messages.visibility import visible_condition
from app.models import Message, MessageContainer, User
from app.operations.access import MemberAccess
from app.pagination import PageParams
from app.search.filters import MessageFilters
from app.search.sqlite_plans import are_few, messages_from
from app.search.text_match import fts_message_ids, substring_conditions


@dataclass(frozen=True, slots=True)
class MessagePage:
    items: list[MessagePublic]
    next_cursor: str | None


def _container_message_ids(operation_id: str, number: str) -> Select[str]:
    return select(MessageContainer.message_id).where(
        MessageContainer.operation_id == operation_id,
        MessageContainer.container_number == number,
    )


def filter_conditions(
    dialect: str, operation_id: str, filters: MessageFilters
) -> list[ColumnElement[bool]]:
    """Translate the filters into conditions on `Message`."""
    conditions: list[ColumnElement[bool]] = []
    conditions.extend(substring_conditions(dialect, filters.terms))
    if filters.type is not None:
        conditions.append(Message.type == filters.type)
    if filters.country is not None:
        conditions.append(Message.sender_country == filters.country)
    if filters.sender_id is not None:
        conditions.append(Message.sender_id == filters.sender_id)
    if filters.commodity is not None:
        conditions.append(Message.commodity == filters.commodity)
    if filters.container is not None:
        ids = _container_message_ids(operation_id, filters.container)
        conditions.append(Message.id.in_(ids))
    created_from = filters.created_from()
    if created_from is not None:
        conditions.append(Message.created_at >= created_from)
    created_before = filters.created_before()
    if created_before is not None:
        conditions.append(Message.created_at < created_before)
    return conditions


async def search_messages(
    session: AsyncSession,
    context: AppContext,
    access: MemberAccess,
    filters: MessageFilters,
    page: PageParams,
) -> MessagePage:
    """List the visible messages that match every filter, newest first."""
    dialect = context.engine.dialect.name
    operation_id = access.operation.id
    conditions = filter_conditions(dialect, operation_id, filters)
    candidates = None
    if dialect == "sqlite":
        candidates, narrowing = await _sqlite_plan(session, operation_id, filters)
        conditions.extend(narrowing)
    scope = f"messages.search:{access.user.id}:{operation_id}:{filters.fingerprint()}"
    result = await _visible_page(
        session, context, access, conditions, candidates, scope, page
    )
    record(
        session,
        access.operation.id,
        access.user.id,
        "message.search",
        filters.audit_target(),
    )
    return result


async def search_container(
    session: AsyncSession,
    context: AppContext,
    access: MemberAccess,
    container_number: str,
    page: PageParams,
) -> MessagePage:
    """List the visible messages whose fields name a normalized container number."""
    message_ids = _container_message_ids(access.operation.id, container_number)
    conditions = [Message.id.in_(message_ids)]
    candidates = message_ids if context.engine.dialect.name == "sqlite" else None
    scope = f"containers:{access.user.id}:{access.operation.id}:{container_number}"
    result = await _visible_page(
        session, context, access, conditions, candidates, scope, page
    )
    record(
        session,
        access.operation.id,
        access.user.id,
        "container.search",
        {"container_number": container_number},
    )
    return result


async def _sqlite_plan(
    session: AsyncSession, operation_id: str, filters: MessageFilters
) -> tuple[Select[str] | None, list[ColumnElement[bool]]]:
    """Choose the messages a SQLite search starts from, and the FTS5 condition.

    Returns the candidates (None to read the operation newest first) and the
    conditions to add. A container number gives the fewest candidates. The
    FTS5 matches are the candidates when they are few, and otherwise narrow
    the search as a condition.
    """
    matching_ids = fts_message_ids(filters.terms)
    if filters.container is not None:
        container_ids = _container_message_ids(operation_id, filters.container)
        if matching_ids is None:
            return container_ids, []
        return container_ids, [Message.id.in_(matching_ids)]
    if matching_ids is None:
        return None, []
    if await are_few(session, matching_ids):
        return matching_ids, []
    return None, [Message.id.in_(matching_ids)]


def _decode_position(
    context: AppContext, scope: str, cursor: str
) -> tuple[datetime, str]:
    position = context.cursors.decode(scope, cursor)
    try:
        created_at = datetime.fromisoformat(position[0])
        message_id = str(position[1])
    except (IndexError, TypeError, ValueError):
        raise InvalidInput.single(
            "cursor", "is not a cursor issued for this list; start again without it"
        ) from None
    return created_at, message_id


async def _visible_page(
    session: AsyncSession,
    context: AppContext,
    access: MemberAccess,
    conditions: Sequence[ColumnElement[bool]],
    candidates: Select[str] | None,
    scope: str,
    page: PageParams,
) -> MessagePage:
    """Select a page of visible messages; start from `candidates` when given."""
    statement = (
        select(Message, User.display_name)
        .select_from(messages_from(candidates))
        .join(User, User.id == Message.sender_id)
        .where(visible_condition(access), *conditions)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(page.limit + 1)
    )
    if page.cursor:
        created_at, message_id = _decode_position(context, scope, page.cursor)
        statement = statement.where(
            or_(
                Message.created_at < created_at,
                and_(Message.created_at == created_at, Message.id < message_id),
            )
        )

    rows = (await session.execute(statement)).all()
    next_cursor = None
    if len(rows) > page.limit:
        rows = rows[: page.limit]
        last: Message = rows[-1][0]
        next_cursor = context.cursors.encode(
            scope, [last.created_at.isoformat(), last.id]
        )
    items = await messages_public(session, access.operation.code, rows)
    return MessagePage(items=items, next_cursor=next_cursor)


async def messages_public(
    session: AsyncSession,
    operation_code: str,
    rows: Sequence[Row[Message, str]],
) -> list[MessagePublic]:
    """Build full messages from (message, sender name) rows, as a read returns them."""
    attachments = await attachments_by_message(session, [row[0] for row in rows])
    return [
        message_public(
            message, operation_code, sender_name, attachments.get(message.id, [])
        )
        for message, sender_name in rows
    ]
