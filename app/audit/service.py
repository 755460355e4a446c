"""The operation's audit trail: who read, searched, sent and changed what."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent

ACTIONS = frozenset(
    {
        "message.read",
        "message.send",
        "attachment.download",
        "message.search",
        "container.search",
        "member.add",
        "member.remove",
        "member.role",
    }
)


def record(
    session: AsyncSession,
    operation_id: str,
    actor_id: str,
    action: str,
    target: dict[str, Any],
) -> None:
    """Add an audit event to the session, so it commits with the action itself."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    session.add(
        AuditEvent(
            operation_id=operation_id, actor_id=actor_id, action=action, target=target
        )
    )
