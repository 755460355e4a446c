"""Recipient selection: the union of roles, countries and chosen members."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.messages.schemas import RecipientSelection
from app.models import Membership, User
from app.operations.access import MemberAccess


@dataclass(frozen=True, slots=True)
class Recipient:
    user_id: str
    display_name: str
    role: str
    country: str


def _selected(
    access: MemberAccess, selection: RecipientSelection
) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = []
    if selection.roles:
        conditions.append(Membership.role.in_(sorted(set(selection.roles))))
    if selection.my_country:
        conditions.append(Membership.country == access.country)
    if selection.countries:
        conditions.append(Membership.country.in_(sorted(set(selection.countries))))
    if selection.users:
        conditions.append(Membership.user_id.in_(sorted(set(selection.users))))
    return or_(*conditions) if conditions else false()


async def resolve_recipients(
    session: AsyncSession, access: MemberAccess, selection: RecipientSelection
) -> list[Recipient]:
    """Return each current, active member the selection names, sender excluded.

    Ids that name no current member are ignored, so removed members and
    outsiders can never be recipients whatever the client sends.
    """
    if selection.is_empty():
        return []
    statement = (
        select(
            Membership.user_id, User.display_name, Membership.role, Membership.country
        )
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.operation_id == access.operation.id,
            Membership.user_id != access.user.id,
            User.is_active.is_(True),
            _selected(access, selection),
        )
        .order_by(User.display_name, User.id)
    )
    rows = (await session.execute(statement)).all()
    return [Recipient(*row) for row in rows]
