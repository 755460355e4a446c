"""The migrations build, from an empty database, exactly the schema of the models.

Each case migrates a database of its own: a new SQLite file, and on the
PostgreSQL server of CENCOMM_TEST_DATABASE_URL a newly created database that
is dropped afterwards.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from app.config import Settings
from app.db import create_engine
from app.migrate import alembic_config, upgrade_to_head
from app.models import Base
from tests.conftest import TEST_SECRET

# Objects that migrations create on purpose outside the ORM metadata, which are
# the search indexes. PostgreSQL has a trigram index. SQLite has an FTS5 table
# with its shadow tables and a table of FTS row keys.
NON_ORM_TABLE_PREFIX = "messages_fts"
NON_ORM_INDEXES = frozenset({"ix_messages_search_text_trgm"})


def _include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave out the database objects that no model describes on purpose."""
    if not reflected or compare_to is not None or name is None:
        return True
    if type_ == "table" and name.startswith(NON_ORM_TABLE_PREFIX):
        return False
    return not (type_ == "index" and name in NON_ORM_INDEXES)


def _compare(connection: Connection) -> tuple[list[Any], str | None]:
    """Return the differences from the models and the database's revision."""
    context = MigrationContext.configure(
        connection,
        opts={"compare_type": True, "include_object": _include_object},
    )
    return compare_metadata(context, Base.metadata), context.get_current_revision()


async def _inspect(settings: Settings) -> tuple[list[Any], str | None]:
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_compare)
    finally:
        await engine.dispose()


def _settings(database_url: str, data_dir: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        data_dir=data_dir,
        secret_key=TEST_SECRET,
        log_level="WARNING",
    )


def _postgres_url() -> str:
    """Return the PostgreSQL server to use, or skip (fail when it is required)."""
    url = os.environ.get("CENCOMM_TEST_DATABASE_URL", "")
    if url.startswith("postgresql"):
        return url
    if os.environ.get("CENCOMM_TEST_REQUIRE_POSTGRES") == "1":
        pytest.fail("PostgreSQL is required, but CENCOMM_TEST_DATABASE_URL is not one")
    pytest.skip("set CENCOMM_TEST_DATABASE_URL to a PostgreSQL database to run this")


async def _execute_autocommit(server_url: str, statement: str) -> None:
    engine = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@pytest.fixture
def empty_sqlite(tmp_path: Path) -> Settings:
    path = tmp_path / "empty.sqlite3"
    assert not path.exists()
    return _settings(f"sqlite+aiosqlite:///{path}", tmp_path / "data")


@pytest.fixture
def empty_postgres(tmp_path: Path) -> Iterator[Settings]:
    server_url = _postgres_url()
    name = f"cencomm_migrations_{secrets.token_hex(4)}"
    database_url = make_url(server_url).set(database=name)
    asyncio.run(_execute_autocommit(server_url, f'CREATE DATABASE "{name}"'))
    try:
        yield _settings(
            database_url.render_as_string(hide_password=False), tmp_path / "data"
        )
    finally:
        asyncio.run(
            _execute_autocommit(
                server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
            )
        )


def _assert_matches_models(settings: Settings) -> None:
    upgrade_to_head(settings)

    differences, revision = asyncio.run(_inspect(settings))

    head = ScriptDirectory.from_config(alembic_config(settings)).get_current_head()
    assert revision == head
    assert differences == []


def test_sqlite_migrates_to_models(empty_sqlite: Settings) -> None:
    _assert_matches_models(empty_sqlite)


def test_postgres_migrates_to_models(empty_postgres: Settings) -> None:
    _assert_matches_models(empty_postgres)


def test_upgrade_twice_is_noop(empty_sqlite: Settings) -> None:
    upgrade_to_head(empty_sqlite)

    upgrade_to_head(empty_sqlite)

    differences, _ = asyncio.run(_inspect(empty_sqlite))
    assert differences == []
