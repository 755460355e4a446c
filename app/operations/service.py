"""Operations, members and the rules of who may enrol whom."""

from __future__ import annotations

from dataclasses import dataclass

import structlog
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.models import Membership, Operation, User
from app.operations.access import OperationAccess, may_enrol, require_manager
from app.operations.schemas import (
    MemberPublic,
    MemberPut,
    MemberUser,
    OperationCreate,
    OperationPublic,
    OperationUpdate,
)
from app.pagination import CursorCodec, PageParams

logger = structlog.get_logger(__name__)


async def create_operation(session: AsyncSession, data: OperationCreate) -> Operation:
    existing = await session.scalar(
        select(Operation.id).where(Operation.code == data.code)
    )
    if existing is not None:
        raise Conflict(f"An operation with the code '{data.code}' already exists.")
    operation = Operation(
        code=data.code,
        name=data.name,
        description=data.description,
        phases=data.phases.as_json(),
        status="active",
    )
    session.add(operation)
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(
            f"An operation with the code '{data.code}' already exists."
        ) from None
    logger.info("operation.created", operation_id=operation.id, code=operation.code)
    return operation


async def member_counts(
    session: AsyncSession, operation_ids: list[str]
) -> dict[str, int]:
    if not operation_ids:
        return {}
    statement = (
        select(Membership.operation_id, func.count())
        .where(Membership.operation_id.in_(operation_ids))
        .group_by(Membership.operation_id)
    )
    return {row[0]: row[1] for row in await session.execute(statement)}


def to_public(operation: Operation, member_count: int) -> OperationPublic:
    return OperationPublic(
        code=operation.code,
        name=operation.name,
        description=operation.description,
        phases=operation.phases or {},
        status=operation.status,  # type: ignore[arg-type]
        member_count=member_count,
    )


async def describe(session: AsyncSession, operation: Operation) -> OperationPublic:
    counts = await member_counts(session, [operation.id])
    return to_public(operation, counts.get(operation.id, 0))


async def list_operations(
    session: AsyncSession, cursors: CursorCodec, user: User, page: PageParams
) -> tuple[list[OperationPublic], str | None]:
    """List the caller's operations by code; an admin gets all of them."""
    statement = select(Operation).order_by(Operation.code).limit(page.limit + 1)
    if not user.is_admin:
        statement = statement.join(
            Membership,
            (Membership.operation_id == Operation.id) & (Membership.user_id == user.id),
        )
    scope = f"operations:{user.id}"
    if page.cursor:
        (after,) = cursors.decode(scope, page.cursor)
        statement = statement.where(Operation.code > str(after))
    operations = list(await session.scalars(statement))
    next_cursor = None
    if len(operations) > page.limit:
        operations = operations[: page.limit]
        next_cursor = cursors.encode(scope, [operations[-1].code])
    counts = await member_counts(session, [o.id for o in operations])
    return [to_public(o, counts.get(o.id, 0)) for o in operations], next_cursor


async def update_operation(
    session: AsyncSession, access: OperationAccess, data: OperationUpdate
) -> Operation:
    require_manager(access)
    operation = access.operation
    changes = data.model_dump(exclude_unset=True)
    for name in ("name", "description", "status"):
        if name in changes and changes[name] is None:
            raise InvalidInput.single(
                name, f"{name} must not be null; leave it out to keep its value"
            )
    if data.name is not None:
        operation.name = data.name
    if data.description is not None:
        operation.description = data.description
    if "phases" in changes:
        operation.phases = data.phases.as_json() if data.phases else {}
    if data.status is not None and data.status != operation.status:
        logger.info(
            "operation.status_changed", operation_id=operation.id, status=data.status
        )
        operation.status = data.status
    await session.flush()
    return operation


async def list_members(
    session: AsyncSession,
    cursors: CursorCodec,
    operation: Operation,
    page: PageParams,
) -> tuple[list[MemberPublic], str | None]:
    """List members ordered by display name, then id."""
    statement = (
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.operation_id == operation.id)
        .order_by(User.display_name, User.id)
        .limit(page.limit + 1)
    )
    scope = f"members:{operation.id}"
    if page.cursor:
        name, user_id = cursors.decode(scope, page.cursor)
        statement = statement.where(
            (User.display_name > str(name))
            | ((User.display_name == str(name)) & (User.id > str(user_id)))
        )
    rows = (await session.execute(statement)).all()
    next_cursor = None
    if len(rows) > page.limit:
        rows = rows[: page.limit]
        last_user = rows[-1][1]
        next_cursor = cursors.encode(scope, [last_user.display_name, last_user.id])
    return [member_public(m, u) for m, u in rows], next_cursor


def member_public(membership: Membership, user: User) -> MemberPublic:
    return MemberPublic(
        user=MemberUser(
            id=user.id, username=user.username, display_name=user.display_name
        ),
        role=membership.role,  # type: ignore[arg-type]
        country=membership.country,
    )


async def get_membership(
    session: AsyncSession, operation_id: str, user_id: str
) -> Membership | None:
    statement = select(Membership).where(
        Membership.operation_id == operation_id, Membership.user_id == user_id
    )
    return await session.scalar(statement)


@dataclass(frozen=True, slots=True)
class MemberChange:
    member: MemberPublic
    created: bool


def _check_may_put(
    access: OperationAccess,
    target: User,
    existing: Membership | None,
    role: str,
    country: str,
) -> None:
    if access.user.is_admin or access.role == "ocu":
        return
    if not may_enrol(access) or access.membership is None:
        raise Forbidden("Only the OCU, an NCP or an administrator may enrol members.")
    own_country = access.membership.country
    if role != "user":
        raise Forbidden("An NCP may only enrol plain users (role 'user').")
    if target.country != own_country or country != own_country:
        raise Forbidden(
            f"An NCP may only enrol users of their own country ({own_country}); "
            f"this user's account country is {target.country} and the requested "
            f"membership country is {country}."
        )
    if existing is not None and (existing.role, existing.country) != (role, country):
        raise Forbidden("An NCP may not change the role or country of a member.")


async def put_member(
    session: AsyncSession, access: OperationAccess, user_id: str, data: MemberPut
) -> MemberChange:
    """Add a member or change their role or country."""
    operation = access.operation
    target = await session.get(User, user_id)
    if target is None:
        raise NotFound(f"No user has the id '{user_id}'.")
    existing = await get_membership(session, operation.id, user_id)
    # A country left out defaults to the account's country for a new member
    # and stays as it is for an existing one.
    if data.country is not None:
        country = data.country
    elif existing is not None:
        country = existing.country
    else:
        country = target.country
    _check_may_put(access, target, existing, data.role, country)
    access.require_open()
    target_info = {"user_id": target.id, "role": data.role, "country": country}
    if existing is None:
        membership = Membership(
            operation_id=operation.id,
            user_id=target.id,
            role=data.role,
            country=country,
        )
        session.add(membership)
        record(session, operation.id, access.user.id, "member.add", target_info)
        created = True
    else:
        membership = existing
        if (existing.role, existing.country) != (data.role, country):
            previous = {
                "previous_role": existing.role,
                "previous_country": existing.country,
            }
            existing.role = data.role
            existing.country = country
            record(
                session,
                operation.id,
                access.user.id,
                "member.role",
                target_info | previous,
            )
        created = False
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(
            "The membership was changed by another request; retry."
        ) from None
    logger.info(
        "member.put",
        operation_id=operation.id,
        user_id=target.id,
        role=data.role,
        created=created,
    )
    return MemberChange(member=member_public(membership, target), created=created)


async def remove_member(
    session: AsyncSession, access: OperationAccess, user_id: str
) -> None:
    operation = access.operation
    membership = await get_membership(session, operation.id, user_id)
    if membership is None:
        raise NotFound(f"The user '{user_id}' is not a member of this operation.")
    if not access.user.is_admin and access.role != "ocu":
        own = access.membership
        if (
            access.role != "ncp"
            or own is None
            or membership.role != "user"
            or membership.country != own.country
        ):
            raise Forbidden(
                "Only the OCU or an administrator may remove this member; an NCP "
                "may remove plain users of their own country only."
            )
    access.require_open()
    await session.execute(delete(Membership).where(Membership.id == membership.id))
    record(
        session,
        operation.id,
        access.user.id,
        "member.remove",
        {"user_id": user_id, "role": membership.role, "country": membership.country},
    )
    logger.info("member.removed", operation_id=operation.id, user_id=user_id)
