"""Both SQLite join orders of a search find the same messages."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.dialects import sqlite

from app.config import Settings
from app.models import Message, MessageContainer
from app.search import sqlite_plans
from app.search.text_match import fts_message_ids
from tests.search.conftest import (
    VALID_CONTAINER,
    Cug,
    context_of,
    found_ids,
    post,
    warning_fields,
)


async def test_many_candidates_scan(cug: Cug, monkeypatch: pytest.MonkeyPatch) -> None:
    # With a limit of one candidate, every FTS5 match set counts as many, so the
    # search reads the operation newest first and filters by the FTS5 index.
    monkeypatch.setattr(sqlite_plans, "MAX_DRIVING_CANDIDATES", 1)
    scales = await post(cug, cug.user_vn, cug.ocu, body="pangolin scales")
    meat = await post(cug, cug.user_vn, cug.ocu, body="pangolin meat")
    await post(cug, cug.user_vn, cug.ocu, body="fish scales")

    assert await found_ids(cug, cug.ocu, q="pangolin") == {scales, meat}
    assert await found_ids(cug, cug.ocu, q="scales pangolin") == {scales}


async def test_container_and_terms(cug: Cug) -> None:
    both = await post(
        cug,
        cug.user_vn,
        cug.ocu,
        type="warning",
        subject="Warning",
        body="pangolin",
        fields=warning_fields(container_numbers=[VALID_CONTAINER]),
    )
    await post(
        cug,
        cug.user_vn,
        cug.ocu,
        type="warning",
        subject="Warning",
        body="ivory",
        fields=warning_fields(container_numbers=[VALID_CONTAINER]),
    )
    await post(cug, cug.user_vn, cug.ocu, body="pangolin")

    found = await found_ids(cug, cug.ocu, q="pangolin", container=VALID_CONTAINER)

    assert found == {both}


def test_cross_join_rendered() -> None:
    candidates = fts_message_ids(["pangolin"])
    assert candidates is not None
    statement = select(Message.id).select_from(sqlite_plans.messages_from(candidates))

    sql = str(statement.compile(dialect=sqlite.dialect()))

    assert (
        "AS candidates CROSS JOIN messages ON messages.id = candidates.message_id"
        in sql
    )


def test_plain_messages_without_candidates() -> None:
    assert sqlite_plans.messages_from(None) is Message.__table__


async def test_plan_starts_from_candidates(app: Any, migrated: Settings) -> None:
    if not migrated.is_sqlite:
        pytest.skip("the join order matters on SQLite only")
    candidates = select(MessageContainer.message_id).where(
        MessageContainer.container_number == VALID_CONTAINER
    )
    statement = (
        select(Message.id)
        .select_from(sqlite_plans.messages_from(candidates))
        .where(Message.operation_id == "op")
        .order_by(Message.created_at.desc(), Message.id.desc())
    )
    sql = str(
        statement.compile(
            dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}
        )
    )

    async with context_of(app).engine.connect() as connection:
        plan = (await connection.execute(text(f"EXPLAIN QUERY PLAN {sql}"))).all()

    assert "message_containers" in plan[0][-1]
    assert "messages" in plan[1][-1]
