"""The `partitions` job: the prediction log's day partitions for today and the days ahead."""

from __future__ import annotations

from datetime import date

from driftscope.db.partitions import DAYS_AHEAD, create_partitions_ahead, days_ahead
from driftscope_worker.context import WorkerContext


async def partitions_ahead(ctx: WorkerContext) -> list[date]:
    """Create (idempotently) the partitions of today and DAYS_AHEAD days after on PostgreSQL,
    so rows never wait on a partition; a no-op on SQLite. Returns the days covered."""
    today = ctx.clock().date()
    async with ctx.engine.begin() as conn:
        await create_partitions_ahead(conn, today, DAYS_AHEAD)
    return days_ahead(today, DAYS_AHEAD)
