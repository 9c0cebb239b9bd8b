"""The drift_and_performance and label_join jobs against a real database, with a fake clock."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import insert

from driftscope.db import Alert, DriftReport, Event, Label, PerformanceSnapshot
from driftscope_worker.monitor import drift_and_performance, label_join

if TYPE_CHECKING:
    from conftest import Harness

MINUTE = timedelta(seconds=60)


async def latest_report(harness: Harness) -> DriftReport:
    return (await harness.all(DriftReport, DriftReport.window_end))[-1]


async def test_rerun_of_a_window_is_idempotent(harness: Harness) -> None:
    end = harness.clock.now
    await harness.log(harness.transactions(300, seed=1), end)

    assert await drift_and_performance(harness.ctx) == 1
    assert await drift_and_performance(harness.ctx) == 1

    key = (DriftReport.model_version == 1, DriftReport.window_end == end)
    assert await harness.count(DriftReport, *key) == 1
    assert await harness.count(DriftReport) == 1
    snapshot_key = (PerformanceSnapshot.model_version == 1, PerformanceSnapshot.window_end == end)
    assert await harness.count(PerformanceSnapshot, *snapshot_key) == 1
    report = await latest_report(harness)
    assert (report.n, report.sufficient, report.window_start) == (300, True, end - MINUTE)
    assert set(report.features) == set(harness.model.contract.names)
    assert report.prediction_drift["name"] == "prediction"
    assert not report.dataset_drifted

    events = await harness.all(Event, Event.id)
    assert [e.kind for e in events] == ["drift", "performance"] * 2
    assert events[0].payload["window_end"] == end.isoformat()
    assert events[1].payload["n_predictions"] == 300
    assert await harness.count(Alert) == 0


async def test_missed_windows_are_all_computed_after_downtime(harness: Harness) -> None:
    start = harness.clock.now
    await harness.log(harness.transactions(150, seed=2), start)
    assert await drift_and_performance(harness.ctx) == 1

    await harness.log(harness.transactions(120, seed=3), start + 3 * MINUTE)
    harness.clock.advance(5 * MINUTE + timedelta(seconds=17))  # down for five boundaries
    assert await drift_and_performance(harness.ctx) == 5

    reports = await harness.all(DriftReport, DriftReport.window_end)
    assert [r.window_end for r in reports] == [start + k * MINUTE for k in range(6)]
    assert all(a.window_end == b.window_start for a, b in itertools.pairwise(reports))
    assert [r.n for r in reports] == [150, 0, 0, 120, 0, 0]
    assert [r.sufficient for r in reports] == [True, False, False, True, False, False]
    assert await harness.count(PerformanceSnapshot) == 6


async def test_shifted_traffic_opens_an_alert_after_k_windows_and_resolves_after_m(
    harness: Harness,
) -> None:
    start = harness.clock.now

    async def window(k: int, amount_shift: float) -> DriftReport:
        end = start + k * MINUTE
        harness.clock.now = end
        await harness.log(harness.transactions(500, seed=10 + k, amount_shift=amount_shift), end)
        assert await drift_and_performance(harness.ctx) == 1
        return await latest_report(harness)

    first = await window(0, 1.8)
    assert "avg_amount_30d" in [n for n, f in first.features.items() if f["drifted"]]
    assert first.features["avg_amount_30d"]["test"] == "ks"
    assert await harness.count(Alert) == 0  # K = 2: one window is not enough

    await window(1, 1.8)
    alerts = {a.feature: a for a in await harness.all(Alert, Alert.id)}
    assert (alerts["avg_amount_30d"].kind, alerts["avg_amount_30d"].status) == (
        "feature_drift",
        "open",
    )
    events = [e.payload for e in await harness.all(Event, Event.id) if e.kind == "alert"]
    assert [p["change"] for p in events if p["feature"] == "avg_amount_30d"] == ["opened"]
    assert [p["change"] for p in harness.notifier.pages if p["feature"] == "avg_amount_30d"] == [
        "opened"
    ]

    await window(2, 1.0)
    await window(3, 1.0)  # M = 2 clean windows
    alerts = {a.feature: a for a in await harness.all(Alert, Alert.id)}
    assert alerts["avg_amount_30d"].status == "resolved"
    assert [p["change"] for p in harness.notifier.pages if p["feature"] == "avg_amount_30d"] == [
        "opened",
        "resolved",
    ]


async def test_insufficient_data_decides_nothing(harness: Harness) -> None:
    harness.configure(alert_consecutive_windows=1)
    end = harness.clock.now
    await harness.log(harness.transactions(20, seed=4, amount_shift=5.0), end)

    assert await drift_and_performance(harness.ctx) == 1

    report = await latest_report(harness)
    assert (report.n, report.sufficient, report.dataset_drifted) == (20, False, False)
    assert not any(f["drifted"] for f in report.features.values())
    assert await harness.count(Alert) == 0
    assert harness.notifier.pages == []


async def test_label_join_refreshes_coverage(harness: Harness) -> None:
    end = harness.clock.now
    frame = harness.transactions(300, seed=5)
    ids = await harness.log(frame, end)
    await drift_and_performance(harness.ctx)
    (before,) = await harness.all(PerformanceSnapshot)
    assert (before.n_labelled, before.label_coverage) == (0, 0.0)
    assert before.metrics["realised"] is None and before.metrics["estimated"]["f1"] > 0

    labels = frame["is_fraud"].to_numpy()[:200]
    async with harness.ctx.sessionmaker() as session, session.begin():
        rows = [
            {"prediction_id": pid, "model_name": "fraud", "label": int(y), "ts": end}
            for pid, y in zip(ids[:200], labels, strict=True)
        ]
        await session.execute(insert(Label), rows)
    harness.clock.advance(timedelta(seconds=30))

    assert await label_join(harness.ctx) == 1

    (after,) = await harness.all(PerformanceSnapshot)
    assert (after.n_predictions, after.n_labelled) == (300, 200)
    assert after.label_coverage == 200 / 300
    assert after.metrics["realised"]["n"] == 200
    assert after.metrics["realised"]["fraud_rate"] == labels.mean()


async def test_label_join_ignores_windows_beyond_its_horizon(harness: Harness) -> None:
    await harness.log(harness.transactions(120, seed=6), harness.clock.now)
    await drift_and_performance(harness.ctx)
    harness.clock.advance(timedelta(hours=1))
    assert await label_join(harness.ctx, horizon_s=600) == 0
