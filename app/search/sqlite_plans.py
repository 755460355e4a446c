"""Join orders for SQLite, whose query planner has no statistics by default.

Without ANALYZE statistics, SQLite 3.40 plans a search by reading the
operation's (operation_id, created_at, id) index newest first and testing each
message against the other conditions (seen with EXPLAIN QUERY PLAN). That is
quick when matches are common, but for a rare term or a container number it
reads every message of the operation. When the candidate messages are known to
be few, `messages_from` puts them on the left of a CROSS JOIN. SQLite never
moves the left table of a CROSS JOIN to an inner loop ("Manual Control Of
Query Plans Using CROSS JOIN" in the SQLite query optimizer overview), so the
query starts from the candidates.
"""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import FromClause, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.selectable import Join

from app.models import Message

# Above this many candidates, reading the operation's messages newest first
# finds a page sooner. An estimate from bench/search_bench.py on SQLite 3.40:
# starting from 2,000 candidates costs about 10 ms.
MAX_DRIVING_CANDIDATES = 2_000


class CrossJoin(Join):
    """An inner join rendered as `CROSS JOIN ... ON`, fixing SQLite's join order."""

    inherit_cache = True


@compiles(CrossJoin)
def _compile_cross_join(
    join: CrossJoin, compiler: SQLCompiler, from_linter: Any = None, **kw: Any
) -> str:
    if from_linter:
        from_linter.edges.update(
            itertools.product(join.left._from_objects, join.right._from_objects)
        )
    assert join.onclause is not None, "a CrossJoin always has an ON clause"
    kw.pop("asfrom", None)
    left = join.left._compiler_dispatch(
        compiler, asfrom=True, from_linter=from_linter, **kw
    )
    right = join.right._compiler_dispatch(
        compiler, asfrom=True, from_linter=from_linter, **kw
    )
    onclause = join.onclause._compiler_dispatch(compiler, from_linter=from_linter, **kw)
    return f"{left} CROSS JOIN {right} ON {onclause}"


async def are_few(session: AsyncSession, candidate_ids: Select[str]) -> bool:
    """Tell whether the query selects fewer than MAX_DRIVING_CANDIDATES ids."""
    limited = candidate_ids.limit(MAX_DRIVING_CANDIDATES).subquery()
    count = await session.scalar(select(func.count()).select_from(limited))
    return int(count or 0) < MAX_DRIVING_CANDIDATES


def messages_from(candidate_ids: Select[str] | None) -> FromClause:
    """Return `messages`, or the candidates CROSS JOIN `messages` on the id."""
    messages = Message.__table__
    if candidate_ids is None:
        return messages
    candidates = candidate_ids.subquery("candidates")
    onclause = messages.c.id == candidates.c[0]
    return CrossJoin(candidates, messages, onclause)
