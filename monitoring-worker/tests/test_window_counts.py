"""The worker reads a window from its counts when backends counted it: same decisions as from
the raw rows, performance from the labelled rows plus the counted sums."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sqlalchemy import insert

from driftscope.db import Label
from driftscope.window_counts import bucket_of
from driftscope_worker.monitor import drift_and_performance

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

    assert await harness.count_logged() >= 6
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
