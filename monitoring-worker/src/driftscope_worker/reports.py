"""What one window of one model version writes: drift report, performance snapshot, events."""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope.db import DriftReport, ModelVersion, PerformanceSnapshot
from driftscope.db.upsert import upsert
from driftscope.drift import DriftReport as DriftResult
from driftscope.drift.error_segments import error_segments
from driftscope.drift.report import strict_json
from driftscope.events import add_event
from driftscope.performance import configured_performance, counted_performance
from driftscope.settings import Settings
from driftscope_worker.conditions import SEGMENTS_SAID, performance_bad
from driftscope_worker.window_data import WindowData
from driftscope_worker.windows import Window


def _dataset_verdict(report: DriftResult) -> dict[str, Any]:
    """The window's overall verdict: stored on the report row and repeated in the drift event."""
    return {
        "dataset_drift_share": report.dataset_drift_share,
        "dataset_drifted": report.dataset_drifted,
        "sufficient": report.sufficient,
    }


def _drift_summary(report: DriftResult) -> dict[str, Any]:
    return {
        **_dataset_verdict(report),
        "drifted_features": report.drifted_features,
        "features": {
            n: {"psi": f.psi, "drifted": f.drifted, "severity": f.severity, "q_value": f.q_value}
            for n, f in report.features.items()
        },
        "prediction": None
        if report.prediction is None
        else {"psi": report.prediction.psi, "drifted": report.prediction.drifted},
    }


def performance(
    data: WindowData,
    threshold: float,
    settings: Settings,
    moments: dict[str, float] | None = None,
) -> dict[str, Any]:
    """Window metrics on the rows that carry a score (a model logged from elsewhere may send
    none), plus the rows per variant, so the history shows canary/shadow A/B. With `moments`
    (the window's counted sums), `data` holds only its labelled rows."""
    scored = ~np.isnan(data.scores)
    scores, labels = data.scores[scored], data.labels[scored]
    metrics = (
        configured_performance(scores, labels, threshold, settings)
        if moments is None
        else counted_performance(scores, labels, moments, threshold, settings)
    )
    return strict_json({**metrics, "variants": data.variants})


def add_error_segments(
    metrics: dict[str, Any],
    data: WindowData,
    mv: ModelVersion,
    report: dict[str, Any],
    settings: Settings,
) -> None:
    """A window judged bad gets `segments`: where its labelled errors exceed the training rate
    (drift.error_segments; `report` the window's drift report as stored). Only then: a window
    that is not bad has no performance drop to explain."""
    if not (metrics.get("evidence") or {}).get("sufficient"):
        return
    if not performance_bad(metrics, mv.metrics.get("test") or {}, settings)[0]:
        return
    found = error_segments(
        report, data.features, data.scores, data.labels, mv.threshold, top=SEGMENTS_SAID
    )
    metrics["segments"] = strict_json([s.to_dict() for s in found])


async def upsert_report(
    session: AsyncSession, key: dict[str, Any], window: Window, n: int, report: DriftResult
) -> None:
    row = {
        **key,
        "window_start": window.start,
        "n": n,
        "features": {name: f.to_dict() for name, f in report.features.items()},
        "prediction_drift": report.prediction.to_dict() if report.prediction else {},
        **_dataset_verdict(report),
    }
    await upsert(session, DriftReport, row, conflict=list(key))


async def upsert_performance(
    session: AsyncSession, key: dict[str, Any], window: Window, metrics: dict[str, Any]
) -> None:
    await upsert(
        session,
        PerformanceSnapshot,
        {
            **key,
            "window_start": window.start,
            "n_predictions": metrics["n_predictions"],
            "n_labelled": metrics["n_labelled"],
            "label_coverage": metrics["label_coverage"],
            "metrics": metrics,
        },
        conflict=list(key),
    )


async def add_window_events(
    session: AsyncSession,
    key: dict[str, Any],
    window: Window,
    n: int,
    report: DriftResult,
    metrics: dict[str, Any],
) -> None:
    """The `drift` and `performance` events of the window (the event row names the model)."""
    stamp = {
        "model_version": key["model_version"],
        "window_start": window.start.isoformat(),
        "window_end": window.end.isoformat(),
        "n": n,
    }
    name = key["model_name"]
    await add_event(session, name, "drift", strict_json({**stamp, **_drift_summary(report)}))
    await add_event(session, name, "performance", {**stamp, **metrics})
