"""Reads a user's mailbox events from the database, in sequence order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.mailbox.cursors import EventCursorCodec
from app.mailbox.items import item_public, item_select
from app.models import (
    AuthSession,
    MailboxEvent,
    MailboxItem,
    Membership,
    Operation,
    User,
)
from app.push.frames import encode

EVENT_BATCH = 200


@dataclass(frozen=True, slots=True)
class EventFrame:
    """One event read for a connection, with no `text` if it must be skipped."""

    seq: int
    cursor: str
    operation_id: str
    text: str | None


async def read_events(
    session: AsyncSession,
    codec: EventCursorCodec,
    user_id: str,
    after_seq: int,
    up_to_seq: int | None = None,
    limit: int = EVENT_BATCH,
) -> list[EventFrame]:
    """Read the user's events with `after_seq < seq <= up_to_seq`, oldest first.

    Events of operations the user is no longer a member of come back with no
    text, so the caller skips them but still moves its position past them.
    """
    statement = (
        item_select()
        .add_columns(
            MailboxEvent.seq,
            MailboxEvent.type,
            MailboxEvent.operation_id,
            Operation.code,
            Membership.id,
        )
        .join(MailboxEvent, MailboxEvent.item_id == MailboxItem.id)
        .join(Operation, Operation.id == MailboxEvent.operation_id)
        .outerjoin(
            Membership,
            (Membership.operation_id == MailboxEvent.operation_id)
            & (Membership.user_id == MailboxEvent.user_id),
        )
        .where(MailboxEvent.user_id == user_id, MailboxEvent.seq > after_seq)
        .order_by(MailboxEvent.seq)
        .limit(limit)
    )
    if up_to_seq is not None:
        statement = statement.where(MailboxEvent.seq <= up_to_seq)
    rows = (await session.execute(statement)).all()
    return [_event_frame(row, codec, user_id) for row in rows]


def _event_frame(
    row: Sequence[Any], codec: EventCursorCodec, user_id: str
) -> EventFrame:
    seq, event_type, operation_id, code, membership_id = row[-5:]
    cursor = codec.encode(user_id, int(seq))
    if membership_id is None:
        return EventFrame(int(seq), cursor, operation_id, text=None)
    frame = {
        "type": event_type,
        "operation": code,
        "cursor": cursor,
        "item": item_public(row, codec).model_dump(mode="json"),
    }
    return EventFrame(int(seq), cursor, operation_id, text=encode(frame))


class LoginState(Enum):
    VALID = "valid"
    REVOKED = "revoked"
    DEACTIVATED = "deactivated"


async def login_state(
    session: AsyncSession, user_id: str, session_id: str
) -> LoginState:
    """Check that the user is still active and the login is not revoked."""
    statement = (
        select(User.is_active, AuthSession.id, AuthSession.revoked_at)
        .outerjoin(
            AuthSession,
            (AuthSession.user_id == User.id) & (AuthSession.id == session_id),
        )
        .where(User.id == user_id)
    )
    row = (await session.execute(statement)).one_or_none()
    if row is None:
        return LoginState.REVOKED
    is_active, found_session_id, revoked_at = row
    if not is_active:
        return LoginState.DEACTIVATED
    if found_session_id is None or revoked_at is not None:
        return LoginState.REVOKED
    return LoginState.VALID
