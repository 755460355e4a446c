"""The conditions that every query term is a substring of `messages.search_text`.

Each database finds candidates through its own index, created by the migration
`0002_search_index`, and then checks the exact substring, so both return the
same messages for the same terms:

- PostgreSQL: `search_text LIKE '%term%'` for each term. The GIN trigram index
  serves terms of three or more characters, and LIKE rechecks every candidate.
- SQLite: `instr(search_text, term) > 0` for each term, and the FTS5 trigram
  table `messages_fts` (`fts_message_ids`) narrows the candidates to those with
  every term of three or more characters, because FTS5 trigram queries need
  three. The search service adds that narrowing.

Terms must be folded with `fold_for_search`, as `search_text` is.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    ColumnElement,
    Select,
    column,
    func,
    literal_column,
    select,
    table,
)

from app.models import Message

# The trigram tokenizer of FTS5 matches nothing for a string shorter than this.
MIN_TRIGRAM_CHARS = 3

_fts = table("messages_fts", column("rowid"))
_fts_rows = table("messages_fts_rows", column("id"), column("message_id"))


def escape_like(term: str) -> str:
    """Escape the LIKE wildcards `%` and `_` and the escape character `\\`."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def fts5_phrase(term: str) -> str:
    """Quote a term as an FTS5 string, so its characters are not query syntax."""
    return '"' + term.replace('"', '""') + '"'


def substring_conditions(
    dialect: str, terms: Sequence[str]
) -> list[ColumnElement[bool]]:
    """Return one condition on `Message` per term: its search text contains it."""
    if dialect == "sqlite":
        return [func.instr(Message.search_text, term) > 0 for term in terms]
    return [
        Message.search_text.like(f"%{escape_like(term)}%", escape="\\")
        for term in terms
    ]


def fts_message_ids(terms: Sequence[str]) -> Select[str] | None:
    """Select the ids of the messages whose FTS5 entry has every long term.

    Returns None when no term is long enough for the trigram index. SQLite only.
    """
    long_terms = [term for term in terms if len(term) >= MIN_TRIGRAM_CHARS]
    if not long_terms:
        return None
    fts_query = " AND ".join(fts5_phrase(term) for term in long_terms)
    return (
        select(_fts_rows.c.message_id)
        .join(_fts, _fts.c.rowid == _fts_rows.c.id)
        .where(literal_column("messages_fts").op("MATCH")(fts_query))
    )
