"""The `retention` job: delete monitoring data older than the retention period, in batches."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select

from driftscope.db import Alert, DriftReport, Event, Label, PerformanceSnapshot, Prediction
from driftscope_worker.context import WorkerContext

log = logging.getLogger(__name__)
BATCH = 5_000
# (table, primary-key column, timestamp column): each batch deletes ids selected by age
TARGETS: list[tuple[Any, Any, Any]] = [
    (Prediction, Prediction.id, Prediction.ts),
    (Label, Label.prediction_id, Label.ts),
    (DriftReport, DriftReport.id, DriftReport.window_end),
    (PerformanceSnapshot, PerformanceSnapshot.id, PerformanceSnapshot.window_end),
    (Event, Event.id, Event.ts),
    (Alert, Alert.id, Alert.resolved_at),  # only resolved alerts have resolved_at
]


async def retention(ctx: WorkerContext, batch: int = BATCH) -> dict[str, int]:
    cutoff = ctx.clock() - timedelta(days=ctx.settings.retention_days)
    deleted: dict[str, int] = {}
    for table, key, ts in TARGETS:
        total = 0
        while True:
            async with ctx.sessionmaker() as session, session.begin():
                ids = select(key).where(ts < cutoff).limit(batch).scalar_subquery()
                result = await session.execute(delete(table).where(key.in_(ids)))
            count = result.rowcount or 0  # type: ignore[attr-defined]
            total += count
            if count < batch:
                break
        deleted[table.__tablename__] = total
    if any(deleted.values()):
        log.info("retention removed %s (older than %s)", deleted, cutoff.isoformat())
    return deleted
