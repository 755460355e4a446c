"""A send is all or nothing: a failure part way leaves no row and announces nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any

import httpx
import pytest
from sqlalchemy import select

import app.messages.service as send_service
from app.config import Settings
from app.ids import new_id
from app.mailbox.events import NewEvent
from app.models import User
from tests.messages.sending import (
    Cug,
    Env,
    SendTrace,
    build_cug,
    context_of,
    running_app,
    send,
    send_trace,
    to_users,
)

NOTHING = SendTrace(messages=0, items=0, events=0, send_audits=0)


@pytest.fixture(scope="module")
async def env(migrated: Settings) -> AsyncIterator[Env]:
    async with running_app(migrated) as shared:
        yield shared


@pytest.fixture
async def cug(env: Env) -> Cug:
    return await build_cug(env)


@pytest.fixture
async def client(env: Env) -> AsyncIterator[httpx.AsyncClient]:
    """A client that gets the 500 answer instead of the app's exception."""
    transport = httpx.ASGITransport(app=env.asgi, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


@pytest.fixture
def published(env: Env, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record every announcement the hub is asked to make."""
    calls: list[list[str]] = []
    hub = context_of(env.app).hub

    async def record(user_ids: Iterable[str]) -> None:
        calls.append(list(user_ids))

    monkeypatch.setattr(hub, "publish", record)
    return calls


async def mailbox_seqs(env: Env, cug: Cug) -> dict[str, int]:
    async with context_of(env.app).sessionmaker() as session:
        rows = await session.execute(
            select(User.id, User.mailbox_seq).where(
                User.id.in_([a.id for a in cug.everyone()])
            )
        )
        return {row[0]: int(row[1]) for row in rows}


async def send_to_all(client: httpx.AsyncClient, cug: Cug) -> httpx.Response:
    return await send(
        client, cug.code, cug.user_vn, recipients={"roles": ["ocu", "ncp", "user"]}
    )


async def test_control_send_leaves_rows(
    cug: Cug, env: Env, client: httpx.AsyncClient, published: list[list[str]]
) -> None:
    # Shows that the checks below can see rows and announcements.
    response = await send_to_all(client, cug)

    assert response.status_code == 201
    assert await send_trace(env.app, cug.code) == SendTrace(
        messages=1, items=8, events=8, send_audits=1
    )
    assert len(published) == 1
    assert set(published[0]) == {a.id for a in cug.everyone()}


async def test_event_insert_failure_leaves_nothing(
    cug: Cug,
    env: Env,
    client: httpx.AsyncClient,
    published: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The message and every mailbox item are flushed when the events fail.
    async def fail(session: Any, events: Sequence[NewEvent]) -> None:
        raise RuntimeError("event insert failed")

    monkeypatch.setattr(send_service, "insert_events", fail)
    seqs_before = await mailbox_seqs(env, cug)

    response = await send_to_all(client, cug)

    assert response.status_code == 500
    assert await send_trace(env.app, cug.code) == NOTHING
    assert await mailbox_seqs(env, cug) == seqs_before
    assert published == []


async def test_duplicate_event_leaves_nothing(
    cug: Cug,
    env: Env,
    client: httpx.AsyncClient,
    published: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A repeated (user, seq) pair breaks the database's unique constraint.
    insert_events = send_service.insert_events

    async def insert_twice(session: Any, events: Sequence[NewEvent]) -> None:
        await insert_events(session, [*events, events[-1]])

    monkeypatch.setattr(send_service, "insert_events", insert_twice)

    response = await send_to_all(client, cug)

    assert response.status_code == 500
    assert await send_trace(env.app, cug.code) == NOTHING
    assert published == []


async def test_item_insert_failure_leaves_nothing(
    cug: Cug,
    env: Env,
    client: httpx.AsyncClient,
    published: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Items go in one row per statement, and the fourth repeats the third's id,
    # so the primary key fails after three items were inserted.
    issued: list[str] = []

    def repeating_id() -> str:
        value = issued[-1] if len(issued) == 4 else new_id()
        issued.append(value)
        return value

    monkeypatch.setattr(send_service, "INSERT_CHUNK_ROWS", 1)
    monkeypatch.setattr(send_service, "new_id", repeating_id)

    response = await send_to_all(client, cug)

    assert response.status_code == 500
    assert len(issued) > 4
    assert await send_trace(env.app, cug.code) == NOTHING
    assert published == []


async def test_failure_then_send_works(
    cug: Cug,
    env: Env,
    client: httpx.AsyncClient,
    published: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def fail(session: Any, events: Sequence[NewEvent]) -> None:
        raise RuntimeError("event insert failed")

    with monkeypatch.context() as patch:
        patch.setattr(send_service, "insert_events", fail)
        failed = await send_to_all(client, cug)

    response = await send_to_all(client, cug)

    assert failed.status_code == 500
    assert response.status_code == 201
    assert (await send_trace(env.app, cug.code)).messages == 1
    assert len(published) == 1


async def test_closed_send_leaves_nothing(
    cug: Cug, env: Env, client: httpx.AsyncClient, published: list[list[str]]
) -> None:
    await cug.api.set_status(cug.code, "closed")
    seqs_before = await mailbox_seqs(env, cug)

    response = await send(
        client, cug.code, cug.user_vn, recipients=to_users(cug.user_th)
    )

    assert response.status_code == 409
    assert await send_trace(env.app, cug.code) == NOTHING
    assert await mailbox_seqs(env, cug) == seqs_before
    assert published == []


async def test_invalid_send_leaves_nothing(
    cug: Cug, env: Env, client: httpx.AsyncClient, published: list[list[str]]
) -> None:
    response = await send(
        client,
        cug.code,
        cug.user_vn,
        body="x" * 20_001,
        recipients=to_users(cug.user_th),
    )

    assert response.status_code == 422
    assert await send_trace(env.app, cug.code) == NOTHING
    assert published == []
