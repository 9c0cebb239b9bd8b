"""Monitoring results written as the worker writes them, for tests of the processes that read them.

The backend's monitoring API tests need drift reports, performance snapshots and alerts; they
get them from the core drift and performance code and the core tables directly, without the
worker's package (a process's tests import core, never another process).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope import registry
from driftscope.db import (
    Alert,
    DriftReport,
    PerformanceSnapshot,
    ReferenceProfile,
    script_sessions,
    utcnow,
)
from driftscope.drift import DriftReport as DriftResult
from driftscope.drift import compare_to_profile
from driftscope.drift.report import strict_json
from driftscope.performance import configured_performance
from driftscope.settings import Settings
from driftscope.text.vocabulary import vocabulary_features


async def record_window(
    settings: Settings,
    features: pd.DataFrame,
    scores: Sequence[float],
    *,
    version: int = 1,
    variant: str = "production",
    model_name: str | None = None,
    labels: Sequence[int] | None = None,
) -> DriftResult:
    """One window ending now of `features` and their model `scores` (and true `labels`, none by
    default: not arrived yet): its drift
    report and performance snapshot, and an open `feature_drift` alert per drifted feature
    (what the worker stores once `alert_consecutive_windows` drifted windows were seen), for
    `model_name` (default: the settings' model)."""
    name, end = model_name or settings.model_name, utcnow()
    key = {
        "model_name": name,
        "model_version": version,
        "window_start": end - timedelta(seconds=settings.window_s),
        "window_end": end,
    }
    url = settings.resolved_database_url
    async with script_sessions(url, None) as sessions, sessions() as session, session.begin():
        profile, threshold = await _reference(session, name, version)
        config = settings.drift_config()
        report = compare_to_profile(
            profile,
            features,
            np.asarray(scores),
            config=config,
            extra=vocabulary_features(profile, features, config),
        )
        session.add(_report_row(key, len(scores), report))
        session.add(_snapshot_row(key, scores, labels, threshold, settings, variant))
        session.add_all(_alerts(name, report))
    return report


async def _reference(
    session: AsyncSession, model_name: str, version: int
) -> tuple[dict[str, Any], float]:
    """The version's reference profile and decision threshold, as registered at training."""
    profile = await session.scalar(
        select(ReferenceProfile.profile).where(
            ReferenceProfile.model_name == model_name, ReferenceProfile.model_version == version
        )
    )
    registered = await registry.get_version(session, model_name, version)
    assert profile is not None and registered is not None, f"{model_name} v{version} unknown"
    return profile, registered.threshold


def _report_row(key: dict[str, Any], n: int, report: DriftResult) -> DriftReport:
    return DriftReport(
        **key,
        n=n,
        features={name: f.to_dict() for name, f in report.features.items()},
        prediction_drift=report.prediction.to_dict() if report.prediction else {},
        dataset_drift_share=report.dataset_drift_share,
        dataset_drifted=report.dataset_drifted,
        sufficient=report.sufficient,
    )


def _snapshot_row(
    key: dict[str, Any],
    scores: Sequence[float],
    labels: Sequence[int] | None,
    threshold: float,
    settings: Settings,
    variant: str,
) -> PerformanceSnapshot:
    known = np.full(len(scores), np.nan) if labels is None else np.asarray(labels, dtype=float)
    metrics = configured_performance(np.asarray(scores), known, threshold, settings)
    metrics = strict_json({**metrics, "variants": {variant: len(scores)}})
    return PerformanceSnapshot(
        **key,
        n_predictions=metrics["n_predictions"],
        n_labelled=metrics["n_labelled"],
        label_coverage=metrics["label_coverage"],
        metrics=metrics,
    )


def _alerts(model_name: str, report: DriftResult) -> list[Alert]:
    now = utcnow()
    return [
        Alert(
            model_name=model_name,
            kind="feature_drift",
            feature=name,
            severity="critical" if f.severity == "alert" else "warning",
            status="open",
            first_seen=now,
            last_seen=now,
            message=f"{name} drifted: PSI {f.psi:.3f}, q={f.q_value:.2g}",
            details={"psi": f.psi, "q_value": f.q_value, "test": f.test},
        )
        for name, f in report.features.items()
        if f.drifted
    ]
