"""Drift windows: batch-scored rows excluded by default (included with drift_include_batch);
rows without a score (an external model's logged rows) count for input drift only."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import insert, update

from driftscope.contract import FRAUD_CONTRACT
from driftscope.db import DriftReport, Label, PerformanceSnapshot, Prediction
from driftscope_worker.monitor import drift_and_performance
from driftscope_worker.window_data import load_window, versions_in_window
from driftscope_worker.windows import Window

if TYPE_CHECKING:
    from conftest import Harness


async def mark_batch(harness: Harness, ids: list[uuid.UUID]) -> None:
    """Turn logged rows into batch-scored ones, as POST /api/v1/predict/batch stores them."""
    async with harness.ctx.sessionmaker() as session, session.begin():
        await session.execute(
            update(Prediction).where(Prediction.id.in_(ids)).values(source="batch")
        )


async def test_batch_rows_are_left_out_of_windows_unless_included(harness: Harness) -> None:
    end = harness.clock.now
    await harness.log(harness.transactions(300, seed=1), end)
    batch_ids = await harness.log(harness.transactions(200, seed=2, amount_shift=1.8), end)
    await mark_batch(harness, batch_ids)

    assert await drift_and_performance(harness.ctx) == 1
    report = (await harness.all(DriftReport))[-1]
    assert report.n == 300
    assert not report.features["avg_amount_30d"]["drifted"]
    snapshot = (await harness.all(PerformanceSnapshot))[-1]
    assert snapshot.n_predictions == 300

    harness.configure(drift_include_batch=True)
    assert await drift_and_performance(harness.ctx) == 1  # the same window, recomputed
    assert await harness.count(DriftReport) == 1
    report = (await harness.all(DriftReport))[-1]
    assert report.n == 500
    assert report.features["avg_amount_30d"]["drifted"]
    assert (await harness.all(PerformanceSnapshot))[-1].n_predictions == 500


async def test_a_version_seen_only_in_batch_rows_is_not_a_window_version(
    harness: Harness,
) -> None:
    end = harness.clock.now
    ids = await harness.log(harness.transactions(50, seed=3), end, version=2)
    await mark_batch(harness, ids)
    await harness.log(harness.transactions(40, seed=4), end, version=1)
    window = Window(end - timedelta(seconds=60), end)

    async with harness.ctx.sessionmaker() as session:
        assert await versions_in_window(session, "fraud", window) == [1]
        assert await versions_in_window(session, "fraud", window, include_batch=True) == [1, 2]
        online = await load_window(session, "fraud", 2, window, FRAUD_CONTRACT.names)
        everything = await load_window(
            session, "fraud", 2, window, FRAUD_CONTRACT.names, include_batch=True
        )
    assert (online.n, everything.n) == (0, 50)


async def test_rows_without_a_score_count_for_input_drift_only(harness: Harness) -> None:
    end = harness.clock.now
    ids = await harness.log(harness.transactions(300, seed=5), end)
    labels = [{"prediction_id": pid, "model_name": "fraud", "label": 0} for pid in ids[:120]]
    async with harness.ctx.sessionmaker() as session, session.begin():
        await session.execute(insert(Label), labels)
        await session.execute(
            update(Prediction).where(Prediction.id.in_(ids[:100])).values(score=None, decision=None)
        )
    window = Window(end - timedelta(seconds=60), end)

    async with harness.ctx.sessionmaker() as session:
        data = await load_window(session, "fraud", 1, window, FRAUD_CONTRACT.names)
    scored = ~np.isnan(data.scores)  # NaN where the row has no score: aligned with the rows
    assert (data.n, len(data.scores), int(scored.sum())) == (300, 300, 200)
    assert int((~np.isnan(data.labels[scored])).sum()) == 20  # labelled rows that have a score

    assert await drift_and_performance(harness.ctx) == 1
    assert (await harness.all(DriftReport))[-1].n == 300
    snapshot = (await harness.all(PerformanceSnapshot))[-1]
    assert (snapshot.n_predictions, snapshot.n_labelled) == (200, 20)
