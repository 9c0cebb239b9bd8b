"""The worker reads a window from its counts when backends counted it: same decisions as from
the raw rows, performance from the labelled rows plus the counted sums."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import insert, select

from driftscope.db import Label, WindowCount
from driftscope.window_counts import bucket_of
from driftscope_worker.bucket_sums import BucketSums
from driftscope_worker.monitor import drift_and_performance
from driftscope_worker.window_data import load_counts
from driftscope_worker.windows import Window

if TYPE_CHECKING:
    from conftest import Harness


async def test_a_counted_window_gives_the_raw_rows_decisions(harness: Harness) -> None:
    end = harness.clock.now
    assert bucket_of(end) == end  # window edges on bucket boundaries: the same rows either way
    ids = await harness.log(harness.transactions(1_500, seed=7, amount_shift=2.0), end)
    async with harness.ctx.sessionmaker() as session, session.begin():
        await session.execute(
            insert(Label),
            [
                {"prediction_id": p, "model_name": "fraud", "label": k % 9 == 0}
                for k, p in enumerate(ids[:600])
            ],
        )
    harness.configure(window_counts=False)
    assert await drift_and_performance(harness.ctx) == 1
    raw, raw_perf = await harness.take_results()

    assert len(await harness.count_logged()) >= 6
    harness.configure(window_counts=True, performance_min_labels=50)
    assert await drift_and_performance(harness.ctx) == 1
    counted, counted_perf = await harness.take_results()

    assert counted.n == raw.n == 1_500
    drifted = {n for n, f in raw.features.items() if f["drifted"]}
    assert drifted and {"avg_amount_30d", "amount_to_avg_ratio"} <= drifted
    assert {n for n, f in counted.features.items() if f["drifted"]} == drifted
    for name, feature in raw.features.items():
        assert counted.features[name]["psi"] == pytest.approx(feature["psi"], abs=1e-9), name
    assert counted.prediction_drift["psi"] == pytest.approx(raw.prediction_drift["psi"], abs=1e-9)
    assert counted_perf.n_predictions == raw_perf.n_predictions == 1_500
    assert counted_perf.n_labelled == raw_perf.n_labelled == 600
    for key in ("predicted_rate", "estimated", "realised"):
        assert counted_perf.metrics[key] == pytest.approx(raw_perf.metrics[key], rel=1e-9), key


async def test_bucket_sums_reread_only_buckets_that_got_rows(harness: Harness) -> None:
    end = harness.clock.now
    await harness.log(harness.transactions(900, seed=3), end)
    assert len(await harness.count_logged()) == 6  # six 10 s buckets of a 60 s window
    window = Window(end - timedelta(seconds=60), end)
    sums = BucketSums()
    where = [WindowCount.model_name == "fraud", WindowCount.model_version == 1]
    async with harness.ctx.sessionmaker() as session:
        first = await sums.read(session, ("fraud", 1, False), where, end)
        plain = await load_counts(session, "fraud", 1, window, include_batch=False)
        summed = await load_counts(session, "fraud", 1, window, include_batch=False, sums=sums)
    assert plain is not None and summed is not None
    assert summed.n == plain.n == 900 and summed.variants == plain.variants == {"production": 900}
    assert summed.document["features"] == plain.document["features"]

    late = first[0].document  # a late batch for the first bucket: its counts once more
    async with harness.ctx.sessionmaker() as session, session.begin():
        bucket = min(await session.scalars(select(WindowCount.bucket)))
        row = {"model_name": "fraud", "model_version": 1, "variant": "production"}
        await session.execute(
            insert(WindowCount),
            [
                {
                    **row,
                    "id": uuid.uuid4(),
                    "source": "online",
                    "bucket": bucket,
                    "n": late["n"],
                    "counts": late,
                }
            ],
        )
    async with harness.ctx.sessionmaker() as session:
        second = await sums.read(session, ("fraud", 1, False), where, end)
        summed = await load_counts(session, "fraud", 1, window, include_batch=False, sums=sums)
    assert summed is not None and summed.n == 900 + late["n"]
    assert second[0] is not first[0] and second[0].n == 2 * first[0].n
    assert all(a is b for a, b in zip(first[1:], second[1:], strict=True))  # not summed again
