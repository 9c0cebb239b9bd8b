"""BulkInsert: rows given column by column (INSERT, or COPY on PostgreSQL) are stored exactly as
the same rows given as dicts; a retried COPY stores no row twice."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy.dialects.sqlite.aiosqlite import dialect as sqlite_dialect
from sqlalchemy.ext.asyncio import AsyncEngine

from driftscope.db import Prediction, upgrade
from driftscope.db.bulk import BulkInsert, _sqlite_utc_text
from driftscope.db.copy import CopyRows, copy_rows

ROWS = 1_500  # more than one statement's worth on SQLite
TS = datetime(2025, 3, 1, 12, 30, 5, 123456, tzinfo=UTC)


def rows() -> list[dict[str, Any]]:
    return [
        {
            "id": uuid.uuid5(uuid.NAMESPACE_OID, str(i)),
            "model_name": "fraud",
            "model_version": 3,
            "ts": TS,
            "transaction_id": f"t-{i}" if i % 3 else None,
            "features": {"amount": i / 7, "channel": "online", "distance": None, "foreign": i > 9},
            "score": i / ROWS,
            "decision": i % 2 == 0,
            "threshold": 0.5,
            "path": "model",
            "variant": "production",
            "latency_us": 17,
            "request_id": None,
            "source": "batch",
            "kept": i % 5 != 0,
        }
        for i in range(ROWS)
    ]


def columns(bulk: BulkInsert, given: list[dict[str, Any]]) -> dict[str, Any]:
    """The same rows column by column: per-row values as the driver takes them, the rest once."""
    per_row = ("transaction_id", "score", "decision", "kept")
    return {
        **{name: given[0][name] for name in bulk.names if name not in per_row},
        **{name: [row[name] for row in given] for name in per_row},
        "id": [row["id"].hex for row in given],
        "features": [bulk.json_text(row["features"]) for row in given],
    }


async def insert_and_read(engine: AsyncEngine, statements: list[tuple[str, Any]]) -> list[Any]:
    """Insert, read every stored value back as the driver returns it, empty the table."""
    async with engine.begin() as conn:
        for sql, params in statements:
            await conn.exec_driver_sql(sql, params)
        stored = await conn.exec_driver_sql("SELECT * FROM predictions ORDER BY id")
        values = [tuple(row) for row in stored]
        await conn.exec_driver_sql("DELETE FROM predictions")
    return values


async def test_column_wise_rows_are_stored_as_rows_of_dicts(engine: AsyncEngine) -> None:
    await upgrade(engine)
    bulk = BulkInsert(Prediction.__table__, engine.dialect)  # type: ignore[arg-type]
    given = rows()

    by_dict = await insert_and_read(engine, bulk.statements(given))
    by_column = await insert_and_read(engine, bulk.insert_columns(columns(bulk, given)))

    assert len(by_dict) == ROWS
    assert by_column == by_dict


async def test_a_column_left_out_takes_its_default(engine: AsyncEngine) -> None:
    await upgrade(engine)
    bulk = BulkInsert(Prediction.__table__, engine.dialect)  # type: ignore[arg-type]
    left_out = ("source", "kept")
    given = [{k: v for k, v in row.items() if k not in left_out} for row in rows()[:3]]
    by_column = {
        k: v for k, v in columns(bulk, rows()[3:6]).items() if k not in left_out
    }  # three more rows, column by column

    stored = await insert_and_read(engine, bulk.statements(given) + bulk.insert_columns(by_column))

    where = bulk.names.index("source"), bulk.names.index("kept")
    assert [(row[where[0]], bool(row[where[1]])) for row in stored] == [("online", True)] * 6


async def test_column_wise_rows_already_stored_are_skipped(engine: AsyncEngine) -> None:
    await upgrade(engine)
    bulk = BulkInsert(Prediction.__table__, engine.dialect)  # type: ignore[arg-type]
    statements = bulk.insert_columns(columns(bulk, rows()))

    async with engine.begin() as conn:
        for _ in range(2):
            for sql, params in statements:
                await conn.exec_driver_sql(sql, params)
        count = await conn.exec_driver_sql("SELECT count(*) FROM predictions")
        assert count.scalar() == ROWS


async def test_rows_bound_ahead_are_stored_as_rows_of_dicts(engine: AsyncEngine) -> None:
    """The online writer binds rows as they are buffered; a row may leave columns out (NULL)."""
    await upgrade(engine)
    bulk = BulkInsert(Prediction.__table__, engine.dialect)  # type: ignore[arg-type]
    given = rows()
    for row in given[::2]:
        del row["request_id"]  # left out: stored as NULL, like None

    by_dict = await insert_and_read(engine, bulk.statements(given))
    by_bound = await insert_and_read(engine, bulk.insert_bound([bulk.bind(r) for r in given]))

    assert len(by_bound) == ROWS
    assert by_bound == by_dict
    assert bulk.bind(given[0])[bulk.names.index("request_id")] is None
    driver_id = given[0]["id"] if bulk.postgres else given[0]["id"].hex  # asyncpg takes UUIDs
    assert bulk.bind(given[0])[bulk.names.index("id")] == driver_id


def test_nothing_to_insert_is_no_statement(engine: AsyncEngine) -> None:
    bulk = BulkInsert(Prediction.__table__, engine.dialect)  # type: ignore[arg-type]
    assert bulk.insert_columns({"model_name": "fraud", "id": []}) == []
    assert bulk.statements([]) == []


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 11, 23, 19, 33, 46, 861513, tzinfo=UTC),
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        datetime(2026, 12, 31, 23, 30, 0, 5, tzinfo=timezone(timedelta(hours=2))),
        datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-11))),
    ],
)
def test_sqlite_timestamps_are_bound_as_sqlalchemy_binds_them(value: datetime) -> None:
    dialect = sqlite_dialect()
    bulk = BulkInsert(Prediction.__table__, dialect)  # type: ignore[arg-type]
    ts = bulk.names.index("ts")
    sqlalchemy_own = Prediction.__table__.c.ts.type.dialect_impl(dialect).bind_processor(dialect)
    assert bulk.processors[ts] is _sqlite_utc_text  # the faster one was taken
    assert bulk.processors[ts](value) == sqlalchemy_own(value)
    with pytest.raises(ValueError, match="naive"):
        bulk.processors[ts](value.replace(tzinfo=None))


# Binary COPY (PostgreSQL): exactly the rows INSERT would store, and none twice on a retry.


@pytest.fixture
async def pg_bulk(engine: AsyncEngine) -> AsyncIterator[BulkInsert]:
    if engine.dialect.name != "postgresql":
        pytest.skip("COPY is PostgreSQL's; SQLite logs batch rows with INSERTs")
    await upgrade(engine)
    yield BulkInsert(Prediction.__table__, engine.dialect)  # type: ignore[arg-type]


async def copy(engine: AsyncEngine, block: CopyRows) -> int:
    async with engine.connect() as conn:
        return await copy_rows(conn, block)


async def count(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.exec_driver_sql("SELECT count(*) FROM predictions")).scalar_one())


@pytest.mark.postgres
async def test_copied_rows_are_stored_as_inserted_rows(
    engine: AsyncEngine, pg_bulk: BulkInsert
) -> None:
    given = columns(pg_bulk, rows())
    by_insert = await insert_and_read(engine, pg_bulk.insert_columns(given))

    assert await copy(engine, pg_bulk.copy_columns(given)) == ROWS

    by_copy = await insert_and_read(engine, [])  # reads what COPY stored
    assert len(by_copy) == ROWS
    assert by_copy == by_insert


@pytest.mark.postgres
async def test_a_retried_block_stores_no_row_twice(
    engine: AsyncEngine, pg_bulk: BulkInsert
) -> None:
    block = pg_bulk.copy_columns(columns(pg_bulk, rows()))
    assert await copy(engine, block) == ROWS

    # The same block again (its commit was not acknowledged): COPY is refused, the staging
    # path stores nothing.
    assert await copy(engine, block) == 0
    assert await count(engine) == ROWS

    # A block half of which is stored: only the other half goes in.
    more = rows()
    for k, row in enumerate(more):
        if k % 2:
            row["id"] = row["id"].__class__(int=row["id"].int ^ 1)
            row["transaction_id"] = None
    assert await copy(engine, pg_bulk.copy_columns(columns(pg_bulk, more))) == ROWS // 2
    assert await count(engine) == ROWS + ROWS // 2


def test_copy_is_refused_on_sqlite() -> None:
    bulk = BulkInsert(Prediction.__table__, sqlite_dialect())  # type: ignore[arg-type]
    with pytest.raises(NotImplementedError):
        bulk.copy_columns({"model_name": "fraud", "id": []})
