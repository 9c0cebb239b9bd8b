"""The `log_sample` job: unkept raw rows past the hold go unless labelled (a shadow row: its
twin's label); kept, flagged, labelled and recent rows stay; counts and drift do not change."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import func, insert, select, update

from driftscope.db import Label, Prediction, WindowCount
from driftscope.sampling import keeps_row
from driftscope.testing import prediction_row
from driftscope.variants import SHADOW, shadow_id
from driftscope_worker.log_sample import prune_unkept
from driftscope_worker.monitor import drift_and_performance

if TYPE_CHECKING:
    from conftest import Harness

RATE, HOLD = 0.1, timedelta(hours=1)


async def sample(harness: Harness) -> set[uuid.UUID]:
    """Mark the logged rows as a backend sampling at RATE would; returns the unkept ids."""
    async with harness.ctx.sessionmaker() as session, session.begin():
        rows = (
            await session.execute(select(Prediction.id, Prediction.variant, Prediction.decision))
        ).all()
        unkept = {r.id for r in rows if not keeps_row(r.id, r.variant, r.decision, RATE)}
        await session.execute(
            update(Prediction).where(Prediction.id.in_(unkept)).values(kept=False)
        )
    harness.configure(log_sample_rate=RATE, log_sample_hold_s=HOLD.total_seconds())
    return unkept


async def label(harness: Harness, ids: list[uuid.UUID], after: timedelta) -> None:
    """Labels for `ids`, arriving `after` the window's end (after the rows were written)."""
    ts = harness.clock.now + after
    async with harness.ctx.sessionmaker() as session, session.begin():
        await session.execute(
            insert(Label),
            [
                {"prediction_id": p, "model_name": "fraud", "label": k % 3 == 0, "ts": ts}
                for k, p in enumerate(ids)
            ],
        )


async def stored_ids(harness: Harness) -> set[uuid.UUID]:
    async with harness.ctx.sessionmaker() as session:
        return set(await session.scalars(select(Prediction.id)))


async def counted(harness: Harness) -> Any:
    async with harness.ctx.sessionmaker() as session:
        return (await session.execute(select(func.count(), func.sum(WindowCount.n)))).one()


async def add_shadows(harness: Harness, online: list[uuid.UUID]) -> list[uuid.UUID]:
    """Unkept shadow twins of `online` predictions (labels reach them through their twins)."""
    shadows = [
        {
            **prediction_row({}, 0.1, 0.5, harness.clock.now - timedelta(seconds=30)),
            "id": shadow_id(pid),
            "variant": SHADOW,
            "kept": False,
        }
        for pid in online
    ]
    async with harness.ctx.sessionmaker() as session, session.begin():
        await session.execute(insert(Prediction), shadows)
    return [s["id"] for s in shadows]


async def test_sampling_keeps_every_labelled_row(harness: Harness) -> None:
    ids = await harness.log(harness.transactions(600, seed=11), harness.clock.now)
    assert len(await harness.count_logged()) >= 6
    unkept = await sample(harness)
    labelled = ids[::4]  # labels come half an hour after the rows, within the hold
    await label(harness, labelled, timedelta(minutes=30))
    shadows = await add_shadows(harness, ids[:40])  # ids[:40:4] have labelled twins
    recent = await harness.log(harness.transactions(50, seed=12), harness.clock.now + HOLD)
    await sample(harness)
    flagged = {r.id for r in await harness.all(Prediction) if r.decision}
    assert 40 < len(unkept - set(labelled)) < 600  # some unkept, unlabelled rows to go
    counts_before = await counted(harness)

    harness.clock.advance(HOLD + timedelta(minutes=1))  # the first rows are past the hold
    done = await prune_unkept(harness.ctx, batch=50)  # several batches

    stored = await stored_ids(harness)
    assert set(labelled) <= stored  # every labelled row survives, kept or not
    assert {shadow_id(p) for p in ids[:40:4]} <= stored  # and labelled shadow twins
    assert set(recent) <= stored  # younger than the hold
    assert flagged and flagged <= stored  # decided positive
    gone = (set(ids) | set(shadows)) - stored
    assert gone == (unkept | set(shadows)) - set(labelled) - {shadow_id(p) for p in labelled}
    assert done == {"removed": len(gone), "labelled": len((unkept | set(shadows)) - gone)}
    assert await counted(harness) == counts_before  # window counts untouched
    assert await prune_unkept(harness.ctx) == {"removed": 0, "labelled": 0}  # settled


async def test_a_rate_of_one_removes_nothing(harness: Harness) -> None:
    ids = await harness.log(harness.transactions(200, seed=13), harness.clock.now)
    unkept = await sample(harness)
    assert unkept
    harness.configure(log_sample_rate=1.0)
    harness.clock.advance(timedelta(days=2))

    assert await prune_unkept(harness.ctx) == {"removed": 0, "labelled": 0}
    assert await stored_ids(harness) == set(ids)


async def test_drift_decisions_are_the_same_after_pruning(harness: Harness) -> None:
    end = harness.clock.now
    ids = await harness.log(harness.transactions(1_500, seed=7, amount_shift=2.0), end)
    await label(harness, ids[:600], timedelta(minutes=5))
    await harness.count_logged()
    harness.configure(performance_min_labels=50)
    assert await drift_and_performance(harness.ctx) == 1
    before, perf_before = await harness.take_results()

    await sample(harness)
    harness.clock.advance(HOLD + timedelta(minutes=1))
    removed = (await prune_unkept(harness.ctx))["removed"]  # ≈ 90 % of 900 unlabelled, less
    assert 700 < removed == 1_500 - len(await stored_ids(harness))  # the flagged ones
    harness.clock.now = end  # the same window again, from what is left
    assert await drift_and_performance(harness.ctx) == 1
    after, perf_after = await harness.take_results()

    assert after.n == before.n == 1_500
    assert after.features == before.features
    assert after.prediction_drift == before.prediction_drift
    assert after.dataset_drifted == before.dataset_drifted
    assert perf_after.n_labelled == perf_before.n_labelled == 600
    assert perf_after.metrics.keys() == perf_before.metrics.keys()
    for key, value in perf_before.metrics.items():  # the same rows, maybe read in another order
        assert perf_after.metrics[key] == (approx(value) if key in FLOAT_SUMS else value), key


FLOAT_SUMS = ("realised", "estimated", "predicted_rate")


def approx(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: approx(v) for k, v in value.items()}
    return pytest.approx(value, rel=1e-12) if isinstance(value, float) else value
