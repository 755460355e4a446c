"""Engine, session factory and the one request-scoped session dependency."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Any

import structlog
from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.config import Settings

logger = structlog.get_logger(__name__)

AfterCommit = Callable[[], Awaitable[None]]
_AFTER_COMMIT_KEY = "after_commit"


def create_engine(settings: Settings) -> AsyncEngine:
    """Create the engine; on SQLite every transaction takes the write lock at once.

    SQLite upgrades a reading transaction to a writing one only if no other
    connection wrote meanwhile, and otherwise fails at once with `database is
    locked`. `BEGIN IMMEDIATE` makes transactions queue on the busy timeout
    instead, which is what an embedded single-process server wants.
    """
    url = settings.effective_database_url
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _on_begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_async_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def after_commit(session: AsyncSession, callback: AfterCommit) -> None:
    """Run `callback` once the session's transaction has committed.

    Callbacks are dropped when the transaction rolls back, so nothing is
    announced that did not happen.
    """
    session.info.setdefault(_AFTER_COMMIT_KEY, []).append(callback)


async def commit(session: AsyncSession) -> None:
    """Commit, then run the callbacks queued with `after_commit`."""
    await session.commit()
    callbacks: list[AfterCommit] = session.info.pop(_AFTER_COMMIT_KEY, [])
    for callback in callbacks:
        try:
            await callback()
        except Exception:
            logger.exception("db.after_commit_failed", callback=repr(callback))


async def rollback(session: AsyncSession) -> None:
    session.info.pop(_AFTER_COMMIT_KEY, None)
    await session.rollback()


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Yield the request's session; commit once on success, roll back on error."""
    sessionmaker: async_sessionmaker[AsyncSession] = request.state.context.sessionmaker
    async with sessionmaker() as session:
        try:
            yield session
        except BaseException:
            await rollback(session)
            raise
        else:
            if session.in_transaction():
                await commit(session)


# The session closes, committing, before the response is sent ("function" scope),
# so a client never sees a success whose commit then failed.
Session = Annotated[AsyncSession, Depends(get_session, scope="function")]
