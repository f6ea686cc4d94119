"""INSERT ... ON CONFLICT DO NOTHING on both backends: how replays and double ticks become harmless."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Column, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.dml import Insert


async def insert_new(
    session: AsyncSession,
    model: type[Any],
    rows: Sequence[dict[str, Any]],
    conflict: Sequence[str],
    returning: InstrumentedAttribute[Any] | Column[Any],
) -> list[Any]:
    """Insert the rows that do not clash with an existing one on `conflict`; the `returning` values of those
    actually inserted. The rows are keyed by column name.

    One fixed statement executed with the rows as parameters: SQLAlchemy compiles it once and caches it, then
    batches the rows itself ("insertmanyvalues"). A multi-VALUES statement (`.values(rows)`) has no cache key and
    was compiled anew on every call: the delivery engine's outbox enqueues paid that for each live-count edit.
    The statement is on the model's table, not the model: the ORM's bulk insert would turn every row into
    mapper state first (the participation recorder's largest cost after parsing, docs/ingest.md).
    """
    if not rows:
        return []
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    statement = _statement(dialect, model.__table__, tuple(conflict), returning.key)
    return list((await session.execute(statement, list(rows))).scalars().all())


@cache
def _statement(dialect: str, table: Table, conflict: tuple[str, ...], returning: str) -> Insert:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing(index_elements=list(conflict)).returning(table.c[returning])
