"""Routes of the messages database and the container number search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from app.context import Context
from app.db import Session
from app.errors import DependenciesFirstRoute, InvalidInput
from app.messages.containers import ContainerNumberError, normalize_container
from app.operations.access import MemberAccessDep
from app.pagination import PageParams, page_params
from app.search import service
from app.search.filters import MessageFilters, message_filters
from app.search.schemas import ContainerMessages, MessageList

router = APIRouter(tags=["search"], route_class=DependenciesFirstRoute)
Pages = Annotated[PageParams, Depends(page_params)]
Filters = Annotated[MessageFilters, Depends(message_filters)]


def container_number_path(
    container_number: Annotated[
        str,
        Path(description="An ISO 6346 container number; spaces and case are ignored."),
    ],
) -> str:
    """Normalize the container number of the path, or raise 422 naming it."""
    try:
        return normalize_container(container_number)
    except ContainerNumberError as exc:
        raise InvalidInput.single("container_number", str(exc)) from None


ContainerNumber = Annotated[str, Depends(container_number_path)]


# The access dependency comes before the filters, so a non-member gets 404 and
# not 422 for an invalid filter.
@router.get("/operations/{code}/messages", response_model=MessageList)
async def search_messages(
    session: Session,
    context: Context,
    access: MemberAccessDep,
    page: Pages,
    filters: Filters,
) -> MessageList:
    """Search the messages the caller may see, newest first."""
    result = await service.search_messages(session, context, access, filters, page)
    return MessageList(items=result.items, next_cursor=result.next_cursor)


@router.get(
    "/operations/{code}/containers/{container_number}",
    response_model=ContainerMessages,
)
async def search_container(
    session: Session,
    context: Context,
    access: MemberAccessDep,
    page: Pages,
    container_number: ContainerNumber,
) -> ContainerMessages:
    """List the messages the caller may see whose fields name the container."""
    result = await service.search_container(
        session, context, access, container_number, page
    )
    return ContainerMessages(
        container_number=container_number,
        items=result.items,
        next_cursor=result.next_cursor,
    )
