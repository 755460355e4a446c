"""Routes of operations and their members."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from app.accounts.deps import AdminUser, CurrentUser
from app.context import Context
from app.db import Session, after_commit
from app.errors import DependenciesFirstRoute
from app.operations import service
from app.operations.access import (
    EnrolAccessDep,
    ManagerAccessDep,
    OperationAccessDep,
    UserIdPath,
)
from app.operations.schemas import (
    MemberPublic,
    MemberPut,
    OperationCreate,
    OperationPublic,
    OperationUpdate,
)
from app.pagination import PageParams, page_params
from app.schemas import Page

router = APIRouter(tags=["operations"], route_class=DependenciesFirstRoute)
Pages = Annotated[PageParams, Depends(page_params)]


@router.post("/operations", status_code=201, response_model=OperationPublic)
async def create_operation(
    session: Session, admin: AdminUser, data: OperationCreate
) -> OperationPublic:
    """Create an operation (admin)."""
    operation = await service.create_operation(session, data)
    return service.to_public(operation, 0)


@router.get("/operations", response_model=Page[OperationPublic])
async def list_operations(
    session: Session, context: Context, user: CurrentUser, page: Pages
) -> Page[OperationPublic]:
    """List the caller's operations (an admin: all), by code."""
    items, next_cursor = await service.list_operations(
        session, context.cursors, user, page
    )
    return Page[OperationPublic](items=items, next_cursor=next_cursor)


@router.get("/operations/{code}", response_model=OperationPublic)
async def read_operation(
    session: Session, access: OperationAccessDep
) -> OperationPublic:
    """Return an operation with its phases, status and member count."""
    return await service.describe(session, access.operation)


@router.patch("/operations/{code}", response_model=OperationPublic)
async def update_operation(
    session: Session, access: ManagerAccessDep, data: OperationUpdate
) -> OperationPublic:
    """Edit an operation, or close or reopen it (admin, OCU)."""
    operation = await service.update_operation(session, access, data)
    return await service.describe(session, operation)


@router.get("/operations/{code}/members", response_model=Page[MemberPublic])
async def list_members(
    session: Session, context: Context, access: OperationAccessDep, page: Pages
) -> Page[MemberPublic]:
    """List the operation's members with their role and country."""
    items, next_cursor = await service.list_members(
        session, context.cursors, access.operation, page
    )
    return Page[MemberPublic](items=items, next_cursor=next_cursor)


@router.put(
    "/operations/{code}/members/{user_id}",
    response_model=MemberPublic,
    responses={201: {"model": MemberPublic, "description": "The member was added."}},
)
async def put_member(
    session: Session,
    access: EnrolAccessDep,
    user_id: UserIdPath,
    data: MemberPut,
    response: Response,
) -> MemberPublic:
    """Add a member (201) or change a member's role or country (200)."""
    change = await service.put_member(session, access, user_id, data)
    response.status_code = 201 if change.created else 200
    return change.member


@router.delete("/operations/{code}/members/{user_id}", status_code=204)
async def remove_member(
    session: Session,
    context: Context,
    access: OperationAccessDep,
    user_id: UserIdPath,
) -> Response:
    """Remove a member; they lose access at once, open sockets included."""
    await service.remove_member(session, access, user_id)
    operation_id = access.operation.id
    after_commit(session, lambda: context.hub.member_removed(user_id, operation_id))
    return Response(status_code=204)
