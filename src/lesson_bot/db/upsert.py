"""INSERT ... ON CONFLICT DO NOTHING on both backends: how replays and double ticks become harmless."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute


async def insert_new(
    session: AsyncSession,
    model: type[Any],
    rows: Sequence[dict[str, Any]],
    conflict: Sequence[str],
    returning: InstrumentedAttribute[Any] | Column[Any],
) -> list[Any]:
    """Insert the rows that do not clash with an existing one on `conflict`; the `returning` values of those
    actually inserted.

    One fixed statement executed with the rows as parameters: SQLAlchemy compiles it once and caches it, then
    batches the rows itself ("insertmanyvalues"). A multi-VALUES statement (`.values(rows)`) has no cache key and
    was compiled anew on every call: the delivery engine's outbox enqueues paid that for each live-count edit.
    """
    if not rows:
        return []
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).on_conflict_do_nothing(index_elements=list(conflict)).returning(returning)
    return list((await session.execute(statement, list(rows))).scalars().all())
