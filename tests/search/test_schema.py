"""The migrated schema: the models match it, and the search index is in place.

The search index objects exist only in the migration `0002_search_index`, not in
the ORM metadata: on SQLite the tables whose names start with `messages_fts`
and three triggers, on PostgreSQL the pg_trgm extension and the index
`ix_messages_search_text_trgm`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection

from app.config import Settings
from app.db import create_engine
from app.migrate import alembic_config
from app.models import Base
from tests.conftest import TEST_SECRET
from tests.search.conftest import Cug, context_of, found_ids, post

SEARCH_INDEX_PREFIX = "messages_fts"
POSTGRES_SEARCH_INDEX = "ix_messages_search_text_trgm"


def _only_in_migration(name: str | None, type_: str, parent: dict[str, Any]) -> bool:
    """Tell alembic's comparison to skip the objects only the migration creates."""
    if type_ == "table" and name and name.startswith(SEARCH_INDEX_PREFIX):
        return False
    return not (type_ == "index" and name == POSTGRES_SEARCH_INDEX)


def _schema_differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection,
        opts={"include_name": _only_in_migration, "compare_type": True},
    )
    return list(compare_metadata(context, Base.metadata))


async def test_models_match_migrations(migrated: Settings) -> None:
    engine = create_engine(migrated)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_schema_differences)
    finally:
        await engine.dispose()

    assert differences == []


async def _scalars(app: Any, sql: str) -> list[Any]:
    async with context_of(app).engine.connect() as connection:
        return list((await connection.execute(text(sql))).scalars())


async def test_sqlite_search_objects(app: Any, migrated: Settings) -> None:
    if not migrated.is_sqlite:
        pytest.skip("the FTS5 table exists on SQLite only")

    tables = await _scalars(app, "SELECT name FROM sqlite_master WHERE type='table'")
    triggers = await _scalars(
        app, "SELECT name FROM sqlite_master WHERE type='trigger'"
    )

    assert "messages_fts" in tables
    assert "messages_fts_rows" in tables
    assert sorted(triggers) == [
        "messages_fts_delete",
        "messages_fts_insert",
        "messages_fts_update",
    ]


async def test_sqlite_index_follows_deletes(cug: Cug, migrated: Settings) -> None:
    if not migrated.is_sqlite:
        pytest.skip("the FTS5 table exists on SQLite only")
    remaining = await post(cug, cug.user_vn, cug.ocu, body="pangolin remaining")
    removed = await post(cug, cug.user_vn, cug.ocu, body="pangolin removed")

    async with context_of(cug.app).engine.begin() as connection:
        await connection.execute(
            text("DELETE FROM messages WHERE id = :id"), {"id": removed}
        )
        await connection.execute(
            text("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')")
        )
    rows = await _scalars(cug.app, "SELECT message_id FROM messages_fts_rows")

    assert rows == [remaining]
    assert await found_ids(cug, cug.ocu, q="pangolin") == {remaining}


async def test_sqlite_index_follows_updates(cug: Cug, migrated: Settings) -> None:
    if not migrated.is_sqlite:
        pytest.skip("the FTS5 table exists on SQLite only")
    message = await post(cug, cug.user_vn, cug.ocu, body="pangolin")

    async with context_of(cug.app).engine.begin() as connection:
        await connection.execute(
            text("UPDATE messages SET search_text = 'rhino' WHERE id = :id"),
            {"id": message},
        )

    assert await found_ids(cug, cug.ocu, q="pangolin") == set()
    assert await found_ids(cug, cug.ocu, q="rhino") == {message}


async def test_postgres_trigram_index(app: Any, migrated: Settings) -> None:
    if migrated.is_sqlite:
        pytest.skip("the trigram index exists on PostgreSQL only")

    definitions = await _scalars(
        app,
        f"SELECT indexdef FROM pg_indexes WHERE indexname = '{POSTGRES_SEARCH_INDEX}'",
    )

    assert len(definitions) == 1
    assert "gin (search_text gin_trgm_ops)" in definitions[0]


@pytest.mark.parametrize("word", ["ตรวจยึด", "穿山甲", "រឹបអូស", "hai phong"])
async def test_postgres_trigrams_of_scripts(
    app: Any, migrated: Settings, word: str
) -> None:
    """The database's LC_CTYPE counts the letters as word characters."""
    if migrated.is_sqlite:
        pytest.skip("pg_trgm exists on PostgreSQL only")
    async with context_of(app).engine.connect() as connection:
        trigrams = await connection.scalar(
            text("SELECT show_trgm(:word)"), {"word": word}
        )

    assert len(trigrams) >= len(word)


async def test_postgres_index_narrows_thai(cug: Cug, migrated: Settings) -> None:
    """The index returns only the message with the Thai term, before the recheck."""
    if migrated.is_sqlite:
        pytest.skip("the trigram index exists on PostgreSQL only")
    await post(cug, cug.user_th, cug.ocu, body="เจ้าหน้าที่ตรวจยึดงาช้าง")
    await post(cug, cug.user_th, cug.ocu, body="เจ้าหน้าที่ตรวจสอบเอกสาร")

    async with context_of(cug.app).engine.begin() as connection:
        await connection.execute(text("SET LOCAL enable_seqscan = off"))
        plan = await connection.scalar(
            text(
                "EXPLAIN (ANALYZE, FORMAT JSON) SELECT id FROM messages "
                "WHERE search_text LIKE :pattern"
            ),
            {"pattern": "%ตรวจยึด%"},
        )
    index_scan = plan[0]["Plan"]["Plans"][0]

    assert index_scan["Index Name"] == POSTGRES_SEARCH_INDEX
    assert index_scan["Actual Rows"] == 1


def test_sqlite_backfill(tmp_path: Path) -> None:
    """Messages written before the search index migration are indexed by it."""
    settings = Settings(
        environment="test",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'backfill.sqlite3'}",
        data_dir=tmp_path,
        secret_key=TEST_SECRET,
        log_level="WARNING",
    )
    config = alembic_config(settings)
    command.upgrade(config, "0001")
    with sqlite3.connect(tmp_path / "backfill.sqlite3") as connection:
        for message_id, search_text in (("m1", "pangolin scales"), ("m2", "ivory")):
            connection.execute(
                "INSERT INTO messages (id, operation_id, sender_id, sender_role, "
                "sender_country, type, subject, body, body_format, thread_id, "
                "search_text, recipient_count, attachment_count, created_at) "
                "VALUES (?, 'op', 'user', 'user', 'VN', 'message', '', '', 'text', "
                "?, ?, 1, 0, '2025-03-01 00:00:00')",
                (message_id, message_id, search_text),
            )

    command.upgrade(config, "head")

    with sqlite3.connect(tmp_path / "backfill.sqlite3") as connection:
        found = connection.execute(
            "SELECT messages_fts_rows.message_id FROM messages_fts "
            "JOIN messages_fts_rows ON messages_fts_rows.id = messages_fts.rowid "
            "WHERE messages_fts MATCH '\"scales\"'"
        ).fetchall()
    assert found == [("m1",)]
