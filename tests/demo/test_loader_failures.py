"""A demo load that fails leaves nothing behind."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from sqlalchemy import func, select

from app.accounts.schemas import UserCreate
from app.accounts.service import create_user
from app.db import commit
from app.demo import data
from app.demo.loader import DemoLoadError, load_demo
from app.models import Attachment, Message, Operation, User


async def _count(app: Any, model: type[Any]) -> int:
    context = app.state.lifespan_state["context"]
    async with context.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)))


async def test_failed_send_undoes_load(
    app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = data.MESSAGES[0], data.MESSAGES[3]
    assert second.fields is not None
    broken = dataclasses.replace(second, fields={**second.fields, "quantity": -5})
    monkeypatch.setattr(data, "MESSAGES", (first, broken))
    # The senders of both messages and one recipient keep the test short.
    members = [m for m in data.MEMBERS if m.username in ("ocu-minh", "vn-an", "ncp-vn")]
    monkeypatch.setattr(data, "MEMBERS", tuple(members))

    with pytest.raises(DemoLoadError) as raised:
        await load_demo(app.state.lifespan_state["context"].settings)

    assert "fields.quantity" in str(raised.value)
    assert await _count(app, Operation) == 0
    assert await _count(app, Message) == 0
    assert await _count(app, Attachment) == 0
    assert await _count(app, User) == 0


async def test_taken_username_stops_load(app: Any) -> None:
    context = app.state.lifespan_state["context"]
    async with context.sessionmaker() as session:
        await create_user(
            session,
            UserCreate(
                username="VN-AN",
                display_name="Someone else",
                country="VN",
                password="another-password",
            ),
        )
        await commit(session)

    with pytest.raises(DemoLoadError) as raised:
        await load_demo(context.settings)

    assert "VN-AN" in str(raised.value)
    assert await _count(app, User) == 1
    assert await _count(app, Operation) == 0
