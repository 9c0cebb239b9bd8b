"""Dialect-aware INSERT … ON CONFLICT for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_for(dialect: str, table: Any) -> Any:
    """An INSERT construct with `on_conflict_do_nothing/do_update` for the given dialect."""
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"unsupported database dialect: {dialect}")


def insert_ignore(dialect: str, table: Any, rows: Sequence[dict[str, Any]]) -> Any:
    """One multi-row INSERT that skips rows conflicting with any unique constraint."""
    return insert_for(dialect, table).values(list(rows)).on_conflict_do_nothing()


async def upsert(
    session: AsyncSession, table: Any, values: dict[str, Any], conflict: Sequence[str]
) -> None:
    """Insert a row, or update every non-key column of the row with the same `conflict` key."""
    stmt = insert_for(session.get_bind().dialect.name, table).values(**values)
    updates = {k: stmt.excluded[k] for k in values if k not in conflict}
    await session.execute(stmt.on_conflict_do_update(index_elements=list(conflict), set_=updates))
