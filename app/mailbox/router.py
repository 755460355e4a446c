"""Routes of the mailbox: folder lists, item changes and bulk actions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy import select

from app.context import Context
from app.db import Session
from app.errors import DependenciesFirstRoute, InvalidInput
from app.mailbox import service
from app.mailbox.items import Folder, MailboxItemPublic
from app.mailbox.schemas import BulkRequest, BulkResult, ItemPatch, MailboxList
from app.models import MailboxItem
from app.operations.access import MemberAccessDep
from app.pagination import PageParams, page_params

router = APIRouter(tags=["mailbox"], route_class=DependenciesFirstRoute)
Pages = Annotated[PageParams, Depends(page_params)]
ItemId = Annotated[str, Path(max_length=64)]
BULK_CHANGES = {
    "read": service.Change(read=True),
    "unread": service.Change(read=False),
    "archive": service.Change(folder="archive"),
    "trash": service.Change(folder="trash"),
    "restore": service.Change(folder="restore"),
}


@router.get("/operations/{code}/mailbox", response_model=MailboxList)
async def list_mailbox(
    session: Session,
    context: Context,
    access: MemberAccessDep,
    page: Pages,
    folder: Annotated[Folder, Query(description="Folder to list.")] = "inbox",
    unread: Annotated[bool, Query(description="Only unread items.")] = False,
) -> MailboxList:
    """List a mailbox folder, newest first, with its unread count."""
    result = await service.list_items(session, context, access, folder, unread, page)
    return MailboxList(
        items=result.items,
        next_cursor=result.next_cursor,
        unread_count=result.unread_count,
    )


@router.patch("/operations/{code}/mailbox/{item_id}", response_model=MailboxItemPublic)
async def update_item(
    session: Session,
    context: Context,
    access: MemberAccessDep,
    item_id: ItemId,
    data: ItemPatch,
) -> MailboxItemPublic:
    """Mark an item read or unread, or move it to another folder."""
    # Raises 404 unless the item is the caller's, before the body is judged.
    await service.get_item(session, context, access, item_id)
    if data.read is None and data.folder is None:
        raise InvalidInput.single("body", "give read, folder or both")
    kind = await session.scalar(
        select(MailboxItem.kind).where(MailboxItem.id == item_id)
    )
    change = service.Change(read=data.read, folder=data.folder)
    service.check_single_change(kind or "", change)
    await service.change_items(session, context, access, [item_id], change)
    return await service.get_item(session, context, access, item_id)


@router.post("/operations/{code}/mailbox/bulk", response_model=BulkResult)
async def bulk_update(
    session: Session, context: Context, access: MemberAccessDep, data: BulkRequest
) -> BulkResult:
    """Apply one action to up to 500 items, all or nothing."""
    changed = await service.change_items(
        session, context, access, data.item_ids, BULK_CHANGES[data.action]
    )
    return BulkResult(updated=len(changed))
