"""The `retention` job: remove monitoring data older than the retention period.

On PostgreSQL the prediction log (`predictions`, `labels`) is partitioned by day: whole days
older than the cutoff are dropped (instant, no bloat), and only rows of the DEFAULT partition
(late or odd timestamps) are deleted row by row. A day partition goes once all of its day is
past the cutoff, so PostgreSQL keeps the log up to one day longer than the retention period.
Everything else, and everything on SQLite, is deleted in batches.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import column, delete, select, table

from driftscope.db import (
    Alert,
    DriftReport,
    Event,
    Label,
    PerformanceSnapshot,
    Prediction,
    WindowCount,
)
from driftscope.db.partitions import default_partition, drop_partitions_before, is_partitioned
from driftscope_worker.context import WorkerContext

log = logging.getLogger(__name__)
BATCH = 5_000
# (table, primary-key column, timestamp column): each batch deletes ids selected by age
TARGETS: list[tuple[Any, Any, Any]] = [
    (Prediction, Prediction.id, Prediction.ts),
    (Label, Label.prediction_id, Label.ts),
    (DriftReport, DriftReport.id, DriftReport.window_end),
    (PerformanceSnapshot, PerformanceSnapshot.id, PerformanceSnapshot.window_end),
    (WindowCount, WindowCount.id, WindowCount.bucket),
    (Event, Event.id, Event.ts),
    (Alert, Alert.id, Alert.resolved_at),  # only resolved alerts have resolved_at
]


async def retention(ctx: WorkerContext, batch: int = BATCH) -> dict[str, int]:
    """Rows deleted per table, and `partitions`: day partitions dropped (PostgreSQL)."""
    cutoff = ctx.clock() - timedelta(days=ctx.settings.retention_days)
    deleted: dict[str, int] = {}
    dropped: list[str] = []
    for target in TARGETS:
        name = target[0].__tablename__
        async with ctx.engine.begin() as conn:
            partitioned = await is_partitioned(conn, name)
            if partitioned:
                dropped += await drop_partitions_before(conn, name, cutoff)
        if partitioned:  # what is left to delete by row lives in the DEFAULT partition
            target = _in_default_partition(*target)
        deleted[name] = await _delete_in_batches(ctx, target, cutoff, batch)
    deleted["partitions"] = len(dropped)
    if any(deleted.values()):
        log.info(
            "retention removed %s (older than %s): partitions %s",
            deleted,
            cutoff.isoformat(),
            dropped,
        )
    return deleted


def _in_default_partition(model: Any, key: Any, ts: Any) -> tuple[Any, Any, Any]:
    default = table(default_partition(model.__tablename__), column(key.name), column(ts.name))
    return default, default.c[key.name], default.c[ts.name]


async def _delete_in_batches(
    ctx: WorkerContext, target: tuple[Any, Any, Any], cutoff: datetime, batch: int
) -> int:
    rows, key, ts = target
    total = 0
    while True:
        async with ctx.sessionmaker() as session, session.begin():
            ids = select(key).where(ts < cutoff).limit(batch).scalar_subquery()
            result = await session.execute(delete(rows).where(key.in_(ids)))
        count = result.rowcount or 0  # type: ignore[attr-defined]
        total += count
        if count < batch:
            return total
