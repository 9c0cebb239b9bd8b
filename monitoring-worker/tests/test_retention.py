"""The retention job: rows older than the retention period go, in batches; the rest stays."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert

from driftscope.db import (
    Alert,
    DriftReport,
    Event,
    Label,
    PerformanceSnapshot,
    Prediction,
    WindowCount,
)
from driftscope_worker.retention import retention

if TYPE_CHECKING:
    from conftest import Harness

OLD, RECENT = timedelta(days=8), timedelta(days=6)  # retention_days defaults to 7


async def seed(harness: Harness, age: timedelta, n: int) -> None:
    """`n` rows of every retained table, `age` old."""
    ts = harness.clock.now - age
    ids = await harness.log(harness.transactions(n, seed=n), ts + timedelta(seconds=60))
    window: dict[str, Any] = {"model_name": "fraud", "model_version": 1, "window_start": ts}
    async with harness.ctx.sessionmaker() as session, session.begin():
        await session.execute(
            insert(Label),
            [{"prediction_id": p, "model_name": "fraud", "label": 0, "ts": ts} for p in ids],
        )
        for k in range(n):
            end = ts + timedelta(seconds=k + 1)
            session.add(
                DriftReport(
                    **window,
                    window_end=end,
                    n=0,
                    features={},
                    prediction_drift={},
                    dataset_drift_share=0.0,
                    dataset_drifted=False,
                    sufficient=False,
                )
            )
            session.add(
                PerformanceSnapshot(
                    **window,
                    window_end=end,
                    n_predictions=0,
                    n_labelled=0,
                    label_coverage=0.0,
                    metrics={},
                )
            )
            session.add(Event(model_name="fraud", kind="drift", payload={"k": k}, ts=ts))
            session.add(
                WindowCount(
                    id=uuid.uuid4(),
                    model_name="fraud",
                    model_version=1,
                    variant="production",
                    source="online",
                    bucket=ts,
                    n=1,
                    counts={"n": 1},
                )
            )


def alert(status: str, seen: Any, resolved: Any = None) -> Alert:
    return Alert(
        model_name="fraud",
        kind="feature_drift",
        feature=f"{status}-{uuid.uuid4().hex[:6]}",
        severity="warning",
        status=status,
        first_seen=seen,
        last_seen=seen,
        message="m",
        details={},
        resolved_at=resolved,
    )


async def test_old_rows_are_deleted_in_batches_and_recent_rows_kept(harness: Harness) -> None:
    await seed(harness, OLD, 5)
    await seed(harness, RECENT, 3)
    now = harness.clock.now
    async with harness.ctx.sessionmaker() as session, session.begin():
        session.add_all(
            [
                alert("resolved", now - OLD, now - OLD),  # resolved long ago: goes
                alert("resolved", now - OLD, now - RECENT),  # resolved recently: stays
                alert("open", now - OLD),  # still open, however old: stays
                alert("acknowledged", now - OLD),
            ]
        )

    deleted = await retention(harness.ctx, batch=2)  # 5 old rows: batches of 2, 2, 1

    assert deleted == {
        "predictions": 5,
        "labels": 5,
        "drift_reports": 5,
        "performance_snapshots": 5,
        "window_counts": 5,
        "events": 5,
        "alerts": 1,
        "partitions": 0,  # the rows are in no day partition (PostgreSQL: in the DEFAULT one)
    }
    for table in (Prediction, Label, DriftReport, PerformanceSnapshot, Event, WindowCount):
        assert await harness.count(table) == 3, table.__tablename__
    kept = await harness.all(Alert, Alert.id)
    assert [a.status for a in kept] == ["resolved", "open", "acknowledged"]

    assert set((await retention(harness.ctx, batch=2)).values()) == {0}  # nothing left to do


async def test_exact_multiple_of_the_batch_size(harness: Harness) -> None:
    await seed(harness, OLD, 4)
    deleted = await retention(harness.ctx, batch=2)
    assert deleted["predictions"] == 4 and deleted["drift_reports"] == 4
    assert await harness.count(Prediction) == 0


async def test_retention_period_comes_from_settings(harness: Harness) -> None:
    await seed(harness, timedelta(days=2), 2)
    harness.configure(retention_days=1.0)
    assert (await retention(harness.ctx))["predictions"] == 2
