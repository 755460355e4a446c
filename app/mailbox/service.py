"""Mailbox lists and item changes: read state and folders.

Each change of an item is an event with the owner's next sequence number, so
the owner's other devices see it live and a resuming client replays it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.context import AppContext
from app.db import after_commit
from app.errors import InvalidInput, NotFound
from app.mailbox.events import ITEM_UPDATED, NewEvent, allocate_block, insert_events
from app.mailbox.items import HOME_FOLDER, MailboxItemPublic, item_public, item_select
from app.models import MailboxItem, User, utcnow
from app.operations.access import MemberAccess
from app.pagination import PageParams

logger = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class MailboxPage:
    items: list[MailboxItemPublic]
    next_cursor: str | None
    unread_count: int


async def list_items(
    session: AsyncSession,
    context: AppContext,
    access: MemberAccess,
    folder: str,
    unread_only: bool,
    page: PageParams,
) -> MailboxPage:
    """List a folder newest first, keyset-paged on (created_at, id)."""
    user_id = access.user.id
    operation_id = access.operation.id
    in_folder = and_(
        MailboxItem.user_id == user_id,
        MailboxItem.operation_id == operation_id,
        MailboxItem.folder == folder,
    )
    statement = (
        item_select()
        .where(in_folder)
        .order_by(MailboxItem.created_at.desc(), MailboxItem.id.desc())
        .limit(page.limit + 1)
    )
    if unread_only:
        statement = statement.where(MailboxItem.read.is_(False))
    scope = f"mailbox:{user_id}:{operation_id}:{folder}:{int(unread_only)}"
    if page.cursor:
        position = context.cursors.decode(scope, page.cursor)
        created_at, item_id = datetime.fromisoformat(position[0]), str(position[1])
        statement = statement.where(
            or_(
                MailboxItem.created_at < created_at,
                and_(MailboxItem.created_at == created_at, MailboxItem.id < item_id),
            )
        )
    rows = (await session.execute(statement)).all()
    next_cursor = None
    if len(rows) > page.limit:
        rows = rows[: page.limit]
        last: MailboxItem = rows[-1][0]
        next_cursor = context.cursors.encode(
            scope, [last.created_at.isoformat(), last.id]
        )
    unread_count = await session.scalar(
        select(func.count()).where(in_folder, MailboxItem.read.is_(False))
    )
    return MailboxPage(
        items=[item_public(row, context.event_cursors) for row in rows],
        next_cursor=next_cursor,
        unread_count=int(unread_count or 0),
    )


async def get_item(
    session: AsyncSession, context: AppContext, access: MemberAccess, item_id: str
) -> MailboxItemPublic:
    statement = (
        item_select()
        .where(
            MailboxItem.id == item_id,
            MailboxItem.user_id == access.user.id,
            MailboxItem.operation_id == access.operation.id,
        )
        .execution_options(populate_existing=True)
    )
    row = (await session.execute(statement)).one_or_none()
    if row is None:
        raise NotFound(f"No mailbox item '{item_id}' exists in your mailbox.")
    return item_public(row, context.event_cursors)


@dataclass(frozen=True, slots=True)
class Change:
    """A change for each item: set `read`, move to `folder` (or `restore`)."""

    read: bool | None = None
    folder: str | None = None


def _target_folder(item: MailboxItem, folder: str | None) -> str:
    if folder is None:
        return item.folder
    if folder == "restore":
        return HOME_FOLDER[item.kind]
    return folder


def _changes_item(item: MailboxItem, change: Change) -> bool:
    if _target_folder(item, change.folder) != item.folder:
        return True
    # A sent copy is always read, so marking it unread changes nothing.
    return change.read is not None and item.kind != "sent" and change.read != item.read


async def change_items(
    session: AsyncSession,
    context: AppContext,
    access: MemberAccess,
    item_ids: Sequence[str],
    change: Change,
) -> list[str]:
    """Apply `change` to the caller's items, all or nothing; return changed ids.

    Any id that is not one of the caller's items in this operation is 404 and
    nothing changes. The owner's row is locked first, so concurrent changes of
    one mailbox apply one after the other and unread counts stay exact.
    """
    user_id = access.user.id
    await _lock_owner(session, user_id)
    wanted = sorted(set(item_ids))
    statement = select(MailboxItem).where(
        MailboxItem.id.in_(wanted),
        MailboxItem.user_id == user_id,
        MailboxItem.operation_id == access.operation.id,
    )
    items = list(await session.scalars(statement))
    if len(items) != len(wanted):
        found = {item.id for item in items}
        missing = [i for i in wanted if i not in found]
        raise NotFound(
            f"Not items of your mailbox in this operation: {len(missing)} of "
            f"the ids, the first being '{missing[0]}'. Nothing was changed."
        )
    changed = sorted(item.id for item in items if _changes_item(item, change))
    if not changed:
        return []
    first_seq = await allocate_block(session, user_id, len(changed))
    seq_of = {item_id: first_seq + n for n, item_id in enumerate(changed)}
    await session.execute(_update_statement(changed, seq_of, change))
    await insert_events(
        session,
        [
            NewEvent(user_id, seq_of[i], i, access.operation.id, ITEM_UPDATED)
            for i in changed
        ],
    )
    hub = context.hub
    after_commit(session, lambda: hub.publish([user_id]))
    logger.info(
        "mailbox.items_changed",
        user_id=user_id,
        operation_id=access.operation.id,
        count=len(changed),
        read=change.read,
        folder=change.folder,
    )
    return changed


async def _lock_owner(session: AsyncSession, user_id: str) -> None:
    statement = select(User.id).where(User.id == user_id)
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update()
    await session.execute(statement)


def _update_statement(changed: list[str], seq_of: dict[str, int], change: Change):  # type: ignore[no-untyped-def]
    now = utcnow()
    values: dict[str, object] = {
        "last_seq": case(seq_of, value=MailboxItem.id),
        "updated_at": now,
    }
    if change.folder == "restore":
        values["folder"] = case((MailboxItem.kind == "sent", "sent"), else_="inbox")
    elif change.folder is not None:
        values["folder"] = change.folder
    if change.read is True:
        values["read"] = True
        values["read_at"] = func.coalesce(MailboxItem.read_at, now)
    elif change.read is False:
        # Sent copies stay read.
        values["read"] = MailboxItem.kind == "sent"
    return (
        update(MailboxItem)
        .where(MailboxItem.id.in_(changed))
        .values(values)
        .execution_options(synchronize_session=False)
    )


def check_single_change(kind: str, change: Change) -> None:
    """Reject a change that a single item of this kind cannot take."""
    if change.read is False and kind == "sent":
        raise InvalidInput.single(
            "read", "a sent copy is always read; it cannot be marked unread"
        )
