"""The audit trail of an operation, for its OCU and administrators."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlalchemy import and_, or_, select

from app.audit.service import ACTIONS
from app.context import Context
from app.db import Session
from app.errors import DependenciesFirstRoute, Forbidden, InvalidInput
from app.models import AuditEvent, User
from app.operations.access import OperationAccessDep
from app.pagination import PageParams, page_params
from app.schemas import Page
from app.timefmt import UtcDatetime

router = APIRouter(tags=["audit"], route_class=DependenciesFirstRoute)
Pages = Annotated[PageParams, Depends(page_params)]


class AuditActor(BaseModel):
    id: str
    display_name: str


class AuditEntry(BaseModel):
    at: UtcDatetime
    actor: AuditActor
    action: str
    target: dict[str, Any]


@router.get("/operations/{code}/audit", response_model=Page[AuditEntry])
async def list_audit(
    session: Session,
    context: Context,
    access: OperationAccessDep,
    page: Pages,
    action: Annotated[
        str | None, Query(max_length=32, description="Only events of this action.")
    ] = None,
) -> Page[AuditEntry]:
    """List the operation's audit events, newest first (OCU, admin)."""
    if not access.user.is_admin and access.role != "ocu":
        raise Forbidden(
            "Only the operation's OCU or an administrator may read the audit."
        )
    if action is not None and action not in ACTIONS:
        raise InvalidInput.single(
            "action",
            f"'{action}' is not an audit action; use one of "
            + ", ".join(sorted(ACTIONS)),
        )
    statement = (
        select(AuditEvent, User.display_name)
        .join(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.operation_id == access.operation.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(page.limit + 1)
    )
    if action is not None:
        statement = statement.where(AuditEvent.action == action)
    scope = f"audit:{access.operation.id}:{action or ''}"
    if page.cursor:
        at, event_id = context.cursors.decode(scope, page.cursor)
        before = datetime.fromisoformat(str(at))
        statement = statement.where(
            or_(
                AuditEvent.at < before,
                and_(AuditEvent.at == before, AuditEvent.id < str(event_id)),
            )
        )
    rows = (await session.execute(statement)).all()
    next_cursor = None
    if len(rows) > page.limit:
        rows = rows[: page.limit]
        last = rows[-1][0]
        next_cursor = context.cursors.encode(scope, [last.at.isoformat(), last.id])
    items = [
        AuditEntry(
            at=event.at,
            actor=AuditActor(id=event.actor_id, display_name=name),
            action=event.action,
            target=event.target,
        )
        for event, name in rows
    ]
    return Page[AuditEntry](items=items, next_cursor=next_cursor)
