"""Who may use an operation: membership lookups and the route dependencies.

Every operation-scoped route resolves the operation and the caller's
membership first, and answers 404 to non-members, so outsiders learn nothing
of a group, not even whether it exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.deps import CurrentUser
from app.db import Session
from app.errors import Conflict, NotFound
from app.models import Membership, Operation, User

CodePath = Annotated[str, Path(max_length=64, description="The operation's code.")]


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


OperationAccessDep = Annotated[OperationAccess, Depends(get_operation_access)]
MemberAccessDep = Annotated[MemberAccess, Depends(get_member_access)]
