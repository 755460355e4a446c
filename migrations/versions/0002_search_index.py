"""index messages.search_text for substring search

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 09:00:00.000000

PostgreSQL: a GIN trigram index (pg_trgm) on `messages.search_text`, which
`search_text LIKE '%term%'` uses for every term with three or more characters.
pg_trgm counts a character as part of a word when the database's LC_CTYPE calls
it alphanumeric. Under C.UTF-8 and the usual UTF-8 locales that includes Thai,
Lao, Khmer, Burmese and Chinese letters and marks. Under the C or POSIX ctype
it includes ASCII only, so terms in those scripts are still found but by a scan.

SQLite: a contentless FTS5 table with the trigram tokenizer (SQLite 3.34 or
later), kept in step with `messages` by triggers. The FTS rowid cannot be the
rowid of `messages`, because VACUUM may renumber the rowids of a table without
an INTEGER PRIMARY KEY. `messages_fts_rows` therefore assigns each message a
stable integer key.

None of these objects are in the ORM metadata. A later migration that rebuilds
`messages` on SQLite (batch mode copies the table) drops the triggers with the
old table and must create them again.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POSTGRES_INDEX = "ix_messages_search_text_trgm"

SQLITE_UPGRADE = (
    """
    CREATE TABLE messages_fts_rows (
        id INTEGER PRIMARY KEY,
        message_id VARCHAR(32) NOT NULL UNIQUE
    )
    """,
    """
    CREATE VIRTUAL TABLE messages_fts USING fts5(
        search_text, content='', tokenize='trigram'
    )
    """,
    # A contentless FTS5 table forgets the text it indexed, so removing a row
    # takes the 'delete' command with exactly the text that was inserted.
    """
    CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts_rows (message_id) VALUES (new.id);
        INSERT INTO messages_fts (rowid, search_text)
            VALUES (last_insert_rowid(), new.search_text);
    END
    """,
    """
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, search_text)
            SELECT 'delete', id, old.search_text
            FROM messages_fts_rows WHERE message_id = old.id;
        DELETE FROM messages_fts_rows WHERE message_id = old.id;
    END
    """,
    """
    CREATE TRIGGER messages_fts_update AFTER UPDATE OF id, search_text ON messages
    BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, search_text)
            SELECT 'delete', id, old.search_text
            FROM messages_fts_rows WHERE message_id = old.id;
        UPDATE messages_fts_rows SET message_id = new.id
            WHERE message_id = old.id;
        INSERT INTO messages_fts (rowid, search_text)
            SELECT id, new.search_text
            FROM messages_fts_rows WHERE message_id = new.id;
    END
    """,
    "INSERT INTO messages_fts_rows (message_id) SELECT id FROM messages ORDER BY id",
    """
    INSERT INTO messages_fts (rowid, search_text)
        SELECT messages_fts_rows.id, messages.search_text
        FROM messages_fts_rows JOIN messages
            ON messages.id = messages_fts_rows.message_id
    """,
)

SQLITE_DOWNGRADE = (
    "DROP TRIGGER IF EXISTS messages_fts_update",
    "DROP TRIGGER IF EXISTS messages_fts_delete",
    "DROP TRIGGER IF EXISTS messages_fts_insert",
    "DROP TABLE IF EXISTS messages_fts",
    "DROP TABLE IF EXISTS messages_fts_rows",
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            f"CREATE INDEX {POSTGRES_INDEX} ON messages "
            "USING gin (search_text gin_trgm_ops)"
        )
    elif dialect == "sqlite":
        for statement in SQLITE_UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        # The pg_trgm extension stays, because other objects may use it.
        op.execute(f"DROP INDEX IF EXISTS {POSTGRES_INDEX}")
    elif dialect == "sqlite":
        for statement in SQLITE_DOWNGRADE:
            op.execute(statement)
