"""Per-user mailbox event sequence numbers and the event log.

Every change to a user's mailbox gets the next number of that user's
sequence (`users.mailbox_seq`). Taking a number updates the user's row, which
locks it until the transaction ends, so two transactions that touch one
user's mailbox take their numbers and commit in the same order. A reader that
sees event N of a user has therefore already been able to see every event
below N, which is what makes `resume` exact even when senders commit
concurrently.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import MailboxEvent, User, utcnow

ITEM_CREATED = "mailbox.item"
ITEM_UPDATED = "mailbox.updated"
INSERT_CHUNK_ROWS = 1000


async def allocate_one_each(
    session: AsyncSession, user_ids: Collection[str]
) -> dict[str, int]:
    """Take the next sequence number of each user, in one statement.

    On PostgreSQL the rows are locked in id order first, so concurrent sends
    to overlapping sets of users do not deadlock on them.
    """
    if not user_ids:
        return {}
    ids = sorted(set(user_ids))
    target = User.id.in_(ids)
    if session.get_bind().dialect.name == "postgresql":
        locked = select(User.id).where(target).order_by(User.id).with_for_update()
        target = User.id.in_(locked.scalar_subquery())
    statement = (
        update(User)
        .where(target)
        .values(mailbox_seq=User.mailbox_seq + 1)
        .returning(User.id, User.mailbox_seq)
        .execution_options(synchronize_session=False)
    )
    rows = (await session.execute(statement)).all()
    return {row[0]: int(row[1]) for row in rows}


async def allocate_block(session: AsyncSession, user_id: str, count: int) -> int:
    """Take `count` consecutive numbers of one user and return the first."""
    statement = (
        update(User)
        .where(User.id == user_id)
        .values(mailbox_seq=User.mailbox_seq + count)
        .returning(User.mailbox_seq)
        .execution_options(synchronize_session=False)
    )
    last = int((await session.execute(statement)).scalar_one())
    return last - count + 1


@dataclass(frozen=True, slots=True)
class NewEvent:
    user_id: str
    seq: int
    item_id: str
    operation_id: str
    type: str


async def insert_events(session: AsyncSession, events: Sequence[NewEvent]) -> None:
    """Write events with multi-row inserts, never one statement per event."""
    now = utcnow()
    rows = [
        {
            "user_id": e.user_id,
            "seq": e.seq,
            "item_id": e.item_id,
            "operation_id": e.operation_id,
            "type": e.type,
            "created_at": now,
        }
        for e in events
    ]
    for start in range(0, len(rows), INSERT_CHUNK_ROWS):
        chunk = rows[start : start + INSERT_CHUNK_ROWS]
        await session.execute(insert(MailboxEvent).values(chunk))


async def current_seq(session: AsyncSession, user_id: str) -> int:
    value = await session.scalar(select(User.mailbox_seq).where(User.id == user_id))
    return int(value or 0)
