"""Binary COPY of logged rows on PostgreSQL (asyncpg), storing no row twice when retried.

COPY has no ON CONFLICT. Fresh rows (new UUIDv7 ids, transaction ids not seen that day) go
straight into the partitioned table, which routes them to the day's partition; its unique
per-day indexes still check every row, so a block holding a row already stored (retried
after a commit whose acknowledgement was lost, or a file uploaded twice) makes COPY fail
whole, and only then the block goes through a temporary staging table and INSERT … SELECT …
ON CONFLICT DO NOTHING, which skips the stored rows. Measured both ways on 1M rows
(docs/BENCHMARKS.md, batch_csv): COPY straight in is the fast path, staging the safe one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection


@dataclass(frozen=True)
class CopyRows:
    """Rows for one binary COPY: values in `columns` order, as asyncpg's codecs take them."""

    table: str
    columns: tuple[str, ...]
    records: list[tuple[Any, ...]]

    def __len__(self) -> int:
        return len(self.records)


async def copy_rows(
    conn: AsyncConnection, block: CopyRows, then: Sequence[tuple[str, Any]] = ()
) -> int:
    """COPY `block` in one transaction of its own, with the statements `then` ((sql, params)
    pairs in asyncpg's `$n` style, e.g. the block's window counts); returns the rows stored
    (fewer than given only when some were stored before). `conn` must not be in a transaction
    yet (fresh from `engine.connect()`): this runs its own on the driver connection."""
    import asyncpg

    raw = await conn.get_raw_connection()
    driver: asyncpg.Connection = raw.driver_connection
    try:
        async with driver.transaction():
            await driver.copy_records_to_table(
                block.table, records=block.records, columns=list(block.columns)
            )
            await _run(driver, then)
        return len(block)
    except asyncpg.UniqueViolationError:
        return await _copy_skipping_stored(driver, block, then)


async def _run(driver: Any, statements: Sequence[tuple[str, Any]]) -> None:
    for sql, params in statements:
        await driver.execute(sql, *params)


async def _copy_skipping_stored(
    driver: Any, block: CopyRows, then: Sequence[tuple[str, Any]]
) -> int:
    columns = ", ".join(block.columns)
    staging = f"{block.table}_copy_staging"
    async with driver.transaction():
        await driver.execute(
            f"CREATE TEMPORARY TABLE {staging} (LIKE {block.table} INCLUDING DEFAULTS) "
            "ON COMMIT DROP"
        )
        await driver.copy_records_to_table(
            staging, records=block.records, columns=list(block.columns)
        )
        status = await driver.execute(
            f"INSERT INTO {block.table} ({columns}) SELECT {columns} FROM {staging} "
            "ON CONFLICT DO NOTHING"
        )
        await _run(driver, then)
    return int(status.rsplit(" ", 1)[-1])  # "INSERT 0 <rows>"
