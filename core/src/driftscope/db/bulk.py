"""Bulk INSERT … ON CONFLICT DO NOTHING as driver-level SQL, so a batch costs no SQL compile.

Building `insert(t).values(rows)` makes SQLAlchemy compile a fresh statement per batch
(thousands of bind parameters, milliseconds of event-loop time); here the SQL text depends
only on the row count (SQLite: multi-row VALUES) or on nothing at all (PostgreSQL: one
`unnest` of one array per column), and values go through the same bind processing SQLAlchemy
would apply (or arrive column by column already in that form, `insert_columns`), so rows read
back through the ORM exactly as if it had written them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Column, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from driftscope.db.copy import CopyRows

# Rows per statement on SQLite: columns x rows stays under SQLITE_MAX_VARIABLE_NUMBER (32766).
SQLITE_ROWS_PER_STATEMENT = 1_000


class BulkInsert:
    def __init__(self, table: Table, dialect: Dialect) -> None:
        self.table = table
        self.dialect = dialect
        self.columns = list(table.columns)
        self.names = [c.name for c in self.columns]
        self.column_names = tuple(self.names)
        self.postgres = dialect.name == "postgresql"
        if dialect.name not in ("postgresql", "sqlite"):
            raise NotImplementedError(f"unsupported database dialect: {dialect.name}")
        # JSON text as the ORM stores it (the engine's json_serializer), for column-wise inserts
        self.json_text: Callable[[Any], str] = dialect._json_serializer or json.dumps
        processors: list[Any] = [
            c.type.dialect_impl(dialect).bind_processor(dialect) for c in self.columns
        ]
        if self.postgres:  # asyncpg takes Python values; only JSON needs its text form
            processors = [
                self.json_text
                if isinstance(c.type, JSON) or "JSON" in str(c.type.compile(dialect))
                else None
                for c in self.columns
            ]
        self.processors = [_faster(p) for p in processors]
        names = self.names
        # A column left out takes its constant default, as an ORM insert would; else NULL.
        self.defaults = {c.name: _constant_default(c) for c in self.columns}
        self._getter = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
        self._processed = [(i, p) for i, p in enumerate(self.processors) if p is not None]

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

    def bind(self, row: Mapping[str, Any]) -> tuple[Any, ...]:
        """One row's values in column order, as the driver takes them (bind processing done).
        The online writer binds each row when it is buffered, so a flush only joins tuples."""
        try:
            values = list(self._getter(row))
        except KeyError:  # a column left out: its default
            values = [row.get(name, self.defaults[name]) for name in self.names]
        for index, processor in self._processed:
            if (value := values[index]) is not None:
                values[index] = processor(value)
        return tuple(values)

    def statements(self, rows: Sequence[Mapping[str, Any]]) -> list[tuple[str, Any]]:
        """(sql, parameters) pairs that insert `rows`, skipping rows that conflict."""
        return self.insert_bound([self.bind(row) for row in rows])

    def insert_bound(self, bound: Sequence[tuple[Any, ...]]) -> list[tuple[str, Any]]:
        """(sql, parameters) pairs that insert rows already bound (`bind`), skipping conflicts."""
        if not bound:
            return []
        if self.postgres:
            return [(self._unnest_sql, tuple(list(column) for column in zip(*bound, strict=True)))]
        return [
            (self._values_sql(len(chunk)), tuple(chain.from_iterable(chunk)))
            for chunk in (
                bound[start : start + SQLITE_ROWS_PER_STATEMENT]
                for start in range(0, len(bound), SQLITE_ROWS_PER_STATEMENT)
            )
        ]

    def insert_columns(self, columns: Mapping[str, Any]) -> list[tuple[str, Any]]:
        """(sql, parameters) pairs that insert rows given column by column, skipping rows that
        conflict. A list holds one value per row, already as the driver takes it (what bind
        processing gives: ids as 32 hex digits, JSON as text, SQLite timestamps as text);
        any other value is every row's, bound here once. Columns not given take their
        constant default, else NULL."""
        return self._statements(*self._bound_columns(columns))

    def copy_columns(self, columns: Mapping[str, Any]) -> CopyRows:
        """The rows `insert_columns` takes, as records for a binary COPY (PostgreSQL only:
        asyncpg's binary codecs take the same driver values as its INSERT parameters)."""
        if not self.postgres:
            raise NotImplementedError("COPY is PostgreSQL's; SQLite takes insert_columns")
        bound, _ = self._bound_columns(columns)
        return CopyRows(self.table.name, self.column_names, list(zip(*bound, strict=True)))

    def _bound_columns(self, columns: Mapping[str, Any]) -> tuple[list[list[Any]], int]:
        n = max((len(v) for v in columns.values() if isinstance(v, list)), default=0)
        bound = [
            value
            if isinstance(value := columns.get(name, self.defaults[name]), list)
            else [self._value(i, value)] * n
            for i, name in enumerate(self.names)
        ]
        if any(len(column) != n for column in bound):
            raise ValueError("every column needs one value per row")
        return bound, n

    def _statements(self, columns: list[list[Any]], n: int) -> list[tuple[str, Any]]:
        if not n:
            return []
        if self.postgres:
            return [(self._unnest_sql, tuple(columns))]
        out = []
        for start in range(0, n, SQLITE_ROWS_PER_STATEMENT):
            chunk = [column[start : start + SQLITE_ROWS_PER_STATEMENT] for column in columns]
            params = tuple(chain.from_iterable(zip(*chunk, strict=True)))
            out.append((self._values_sql(len(chunk[0])), params))
        return out


def _constant_default(column: Column[Any]) -> Any:
    default = column.default
    return default.arg if isinstance(default, ScalarElementColumnDefault) else None


def _sqlite_utc_text(value: datetime) -> str:
    """A UTC-aware timestamp as SQLite stores it: naive UTC text with microseconds. A value
    already in UTC (every logged row's `datetime.now(UTC)`) is formatted as it is, its
    "+00:00" cut off, instead of converting it twice first."""
    if value.tzinfo is UTC:
        return value.isoformat(" ", "microseconds")[:-6]
    if value.tzinfo is None:
        raise ValueError("naive datetime: Driftscope stores UTC-aware timestamps only")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


_PROBES = (
    datetime(2026, 11, 23, 19, 33, 46, 861513, tzinfo=UTC),
    datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),  # no microseconds: still written
    datetime(2026, 6, 30, 23, 59, 59, 1, tzinfo=timezone(timedelta(hours=-5))),
)


def _faster(processor: Any) -> Any:
    """`processor`, or a faster function that gives the same text. SQLAlchemy's SQLite DATETIME
    bind processor formats with a %-template (≈ 3 µs a value, most of a logged row's binding
    cost); isoformat is C. Swapped only when both agree on every probe value."""
    if processor is None:
        return None
    try:
        same = all(processor(v) == _sqlite_utc_text(v) for v in _PROBES)
    except Exception:  # not a datetime column
        return processor
    return _sqlite_utc_text if same else processor
