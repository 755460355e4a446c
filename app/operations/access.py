"""Who may use an operation: membership lookups and the route dependencies.

Every operation-scoped route resolves the operation and the caller's
membership first, and returns 404 to non-members, so outsiders learn nothing
of a group, not even whether it exists.

The role checks that do not depend on the request body are dependencies too:
FastAPI validates the body after every dependency and before the handler, and
the API answers 403 before 422.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.deps import CurrentUser
from app.db import Session
from app.errors import Conflict, Forbidden, NotFound
from app.models import Membership, Operation, User

# No length limit here: a code that no operation has is 404, not 422.
CodePath = Annotated[str, Path(description="The operation's code.")]
UserIdPath = Annotated[str, Path(description="The user's id.")]


@dataclass(frozen=True, slots=True)
class OperationAccess:
    """The operation of the path, the caller and the caller's membership."""

    operation: Operation
    user: User
    membership: Membership | None

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    @property
    def is_ocu(self) -> bool:
        return self.role == "ocu"

    def require_open(self) -> None:
        """Raise 409 when the operation is closed to writes."""
        if self.operation.status == "closed":
            raise Conflict(
                f"The operation '{self.operation.code}' is closed; reopen it "
                "before sending, uploading, saving drafts or changing members."
            )


@dataclass(frozen=True, slots=True)
class MemberAccess(OperationAccess):
    """Access of a current member; `membership` is never None."""

    membership: Membership

    @property
    def role(self) -> str:
        return self.membership.role

    @property
    def country(self) -> str:
        return self.membership.country


def operation_not_found(code: str) -> NotFound:
    return NotFound(f"No operation '{code}' exists among your operations.")


async def load_operation_access(
    session: AsyncSession, code: str, user: User
) -> OperationAccess:
    statement = (
        select(Operation, Membership)
        .outerjoin(
            Membership,
            (Membership.operation_id == Operation.id) & (Membership.user_id == user.id),
        )
        .where(Operation.code == code)
    )
    row = (await session.execute(statement)).one_or_none()
    if row is None or (row[1] is None and not user.is_admin):
        raise operation_not_found(code)
    return OperationAccess(operation=row[0], user=user, membership=row[1])


async def get_operation_access(
    session: Session, user: CurrentUser, code: CodePath
) -> OperationAccess:
    """Members and admins: the operation, member and audit routes."""
    return await load_operation_access(session, code, user)


async def get_member_access(
    session: Session, user: CurrentUser, code: CodePath
) -> MemberAccess:
    """Current members only, admins included: messages, mailbox, drafts, files."""
    access = await load_operation_access(session, code, user)
    if access.membership is None:
        raise operation_not_found(code)
    return MemberAccess(
        operation=access.operation, user=user, membership=access.membership
    )


def require_manager(access: OperationAccess) -> None:
    """Raise 403 unless the caller is an admin or the operation's OCU."""
    if not access.user.is_admin and access.role != "ocu":
        raise Forbidden("Only the operation's OCU or an administrator may do this.")


def may_enrol(access: OperationAccess) -> bool:
    """Tell whether the caller may add members at all: an admin, the OCU or an NCP."""
    return access.user.is_admin or access.role in ("ocu", "ncp")


OperationAccessDep = Annotated[OperationAccess, Depends(get_operation_access)]
MemberAccessDep = Annotated[MemberAccess, Depends(get_member_access)]


async def get_manager_access(access: OperationAccessDep) -> OperationAccess:
    """Admins and the operation's OCU: editing, closing and reopening it."""
    require_manager(access)
    return access


async def get_enrol_access(
    session: Session, access: OperationAccessDep, user_id: UserIdPath
) -> OperationAccess:
    """Admins, the OCU and NCPs, for a user that exists: adding members.

    A missing user is 404 and a plain member 403 whatever the body contains.
    The NCP's limits on role and country are checked once the body is valid.
    """
    if await session.get(User, user_id) is None:
        raise NotFound(f"No user has the id '{user_id}'.")
    if not may_enrol(access):
        raise Forbidden("Only the OCU, an NCP or an administrator may enrol members.")
    return access


ManagerAccessDep = Annotated[OperationAccess, Depends(get_manager_access)]
EnrolAccessDep = Annotated[OperationAccess, Depends(get_enrol_access)]
