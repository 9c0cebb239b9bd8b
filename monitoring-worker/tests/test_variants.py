"""Canary/shadow versions in the windows: own snapshots with the variant split, shadow rows
labelled through their online twins, and no say in production's alerts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import insert, select

from driftscope.db import (
    Alert,
    Label,
    ModelVersion,
    PerformanceSnapshot,
    Prediction,
    ReferenceProfile,
)
from driftscope.variants import SHADOW, shadow_id
from driftscope_worker.monitor import drift_and_performance

if TYPE_CHECKING:
    from conftest import Harness


async def clone_version(harness: Harness, source: int, target: int) -> None:
    """Register `target` with the same artifact and reference profile as `source`."""
    async with harness.ctx.sessionmaker() as session, session.begin():
        mv = await session.scalar(select(ModelVersion).where(ModelVersion.version == source))
        profile = await session.scalar(
            select(ReferenceProfile.profile).where(ReferenceProfile.model_version == source)
        )
        assert mv is not None and profile is not None
        session.add(
            ModelVersion(
                model_name="fraud",
                version=target,
                kind=mv.kind,
                artifact_path=mv.artifact_path,
                sha256=mv.sha256,
                metrics=mv.metrics,
                threshold=mv.threshold,
            )
        )
        session.add(ReferenceProfile(model_name="fraud", model_version=target, profile=profile))


async def test_shadow_rows_get_their_twins_labels_and_do_not_touch_production_alerts(
    harness: Harness,
) -> None:
    harness.configure(alert_consecutive_windows=1, performance_min_labels=20)
    await clone_version(harness, 1, 2)
    end = harness.clock.now
    frame = harness.transactions(400, seed=21)
    ids = await harness.log(frame, end)
    async with harness.ctx.sessionmaker() as session, session.begin():
        online = list(await session.scalars(select(Prediction).where(Prediction.id.in_(ids))))
        # The shadow (v2) ranks backwards: terrible performance, same features.
        shadows = [
            {
                **{c.name: getattr(p, c.name) for c in Prediction.__table__.columns},
                "id": shadow_id(p.id),
                "model_version": 2,
                "variant": SHADOW,
                "score": 1.0 - p.score,
                "decision": 1.0 - p.score >= p.threshold,
            }
            for p in online
        ]
        await session.execute(insert(Prediction), shadows)
        labels = dict(zip(ids, frame["is_fraud"].astype(int), strict=True))
        await session.execute(
            insert(Label),
            [
                {"prediction_id": pid, "model_name": "fraud", "label": int(y), "ts": end}
                for pid, y in labels.items()
            ],
        )

    assert await drift_and_performance(harness.ctx) == 2
    snapshots = {s.model_version: s for s in await harness.all(PerformanceSnapshot)}
    assert snapshots[1].metrics["variants"] == {"production": 400}
    assert snapshots[2].metrics["variants"] == {SHADOW: 400}
    assert snapshots[2].n_labelled == 400  # labels sent for the online ids
    assert snapshots[2].metrics["realised"]["f1"] < snapshots[1].metrics["realised"]["f1"]
    assert snapshots[2].metrics["realised"]["roc_auc"] < 0.5
    alerts = await harness.all(Alert)
    assert [a for a in alerts if a.kind == "performance_drop"] == []
