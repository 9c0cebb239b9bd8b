"""Bulk INSERT … ON CONFLICT DO NOTHING as driver-level SQL, so a batch costs no SQL compile.

Building `insert(t).values(rows)` makes SQLAlchemy compile a fresh statement per batch
(thousands of bind parameters, milliseconds of event-loop time); here the SQL text depends
only on the row count (SQLite: multi-row VALUES) or on nothing at all (PostgreSQL: one
`unnest` of one array per column), and values go through the same bind processing SQLAlchemy
would apply, so rows read back through the ORM exactly as if it had written them.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, Table
from sqlalchemy.engine import Dialect

# Rows per statement on SQLite: columns x rows stays under SQLITE_MAX_VARIABLE_NUMBER (32766).
SQLITE_ROWS_PER_STATEMENT = 1_000


class BulkInsert:
    def __init__(self, table: Table, dialect: Dialect) -> None:
        self.table = table
        self.dialect = dialect
        self.columns = list(table.columns)
        self.names = [c.name for c in self.columns]
        self.postgres = dialect.name == "postgresql"
        if dialect.name not in ("postgresql", "sqlite"):
            raise NotImplementedError(f"unsupported database dialect: {dialect.name}")
        processors: list[Any] = [
            c.type.dialect_impl(dialect).bind_processor(dialect) for c in self.columns
        ]
        if self.postgres:  # asyncpg takes Python values; only JSON needs its text form
            serializer = dialect._json_serializer
            processors = [
                serializer
                if isinstance(c.type, JSON) or "JSON" in str(c.type.compile(dialect))
                else None
                for c in self.columns
            ]
        self.processors = processors

    @lru_cache(maxsize=64)  # noqa: B019 - one instance per engine, a handful of sizes
    def _values_sql(self, rows: int) -> str:
        one = "(" + ", ".join("?" * len(self.names)) + ")"
        return (
            f"INSERT INTO {self.table.name} ({', '.join(self.names)}) VALUES "
            + ", ".join([one] * rows)
            + " ON CONFLICT DO NOTHING"
        )

    @property
    def _unnest_sql(self) -> str:
        casts = ", ".join(
            f"${i}::{c.type.compile(self.dialect)}[]" for i, c in enumerate(self.columns, 1)
        )
        return (
            f"INSERT INTO {self.table.name} ({', '.join(self.names)}) "
            f"SELECT * FROM unnest({casts}) ON CONFLICT DO NOTHING"
        )

    def _value(self, index: int, value: Any) -> Any:
        processor = self.processors[index]
        return value if processor is None or value is None else processor(value)

    def statements(self, rows: Sequence[dict[str, Any]]) -> list[tuple[str, tuple[Any, ...]]]:
        """(sql, parameters) pairs that insert `rows`, skipping rows that conflict."""
        if not rows:
            return []
        if self.postgres:
            arrays = tuple(
                [self._value(i, row.get(name)) for row in rows] for i, name in enumerate(self.names)
            )
            return [(self._unnest_sql, arrays)]
        out = []
        for start in range(0, len(rows), SQLITE_ROWS_PER_STATEMENT):
            chunk = rows[start : start + SQLITE_ROWS_PER_STATEMENT]
            params = tuple(
                self._value(i, row.get(name)) for row in chunk for i, name in enumerate(self.names)
            )
            out.append((self._values_sql(len(chunk)), params))
        return out
