"""Alert conditions read from stored reports: drifted features, prediction drift, performance drop."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope.db import DriftReport, PerformanceSnapshot
from driftscope.drift.segments import SCORE, Segment, moved_segments
from driftscope.settings import Settings
from driftscope_worker.alerts import Condition

SEGMENTS_SAID = 3  # segments named in a feature alert's message and details


async def _newest(
    session: AsyncSession,
    table: type[DriftReport] | type[PerformanceSnapshot],
    key: tuple[str, int],
    limit: int,
    *criteria: Any,
) -> list[Any]:
    """The newest `limit` windows of (model name, version) in `table`, newest first."""
    model_name, version = key
    query = select(table).where(
        table.model_name == model_name, table.model_version == version, *criteria
    )
    return list(await session.scalars(query.order_by(table.window_end.desc()).limit(limit)))


async def drift_history(
    session: AsyncSession, model_name: str, version: int, depth: int
) -> list[DriftReport]:
    """The newest `depth` reports with enough data, oldest first."""
    rows = await _newest(
        session, DriftReport, (model_name, version), depth, DriftReport.sufficient.is_(True)
    )
    return list(reversed(rows))


def feature_conditions(report: DriftReport) -> list[Condition]:
    """A condition per feature, and one for the score distribution when it was compared."""
    window_end = report.window_end.isoformat()
    moved: dict[str, list[Segment]] = {}
    if report.dataset_drifted or any(f.get("drifted") for f in report.features.values()):
        # BH across every segment, the score band's among them
        for segment in moved_segments(
            report.features, prediction=report.prediction_drift, top=None
        ):
            moved.setdefault(segment.feature, []).append(segment)
    conditions = [
        _drift_condition(
            "feature_drift",
            name,
            f,
            f"{name} drifted: PSI {f['psi']:.3f} ({_threshold_label(f)}), q={f['q_value']:.2g}"
            + "".join(f"; {s.describe()}" for s in moved.get(name, [])[:SEGMENTS_SAID]),
            {
                "psi": f["psi"],
                "q_value": f["q_value"],
                "test": f["test"],
                "window_end": window_end,
                "segments": [s.to_dict() for s in moved.get(name, [])[:SEGMENTS_SAID]],
            },
        )
        for name, f in report.features.items()
    ]
    prediction = report.prediction_drift
    if prediction:
        bands = moved.get(SCORE, [])[:SEGMENTS_SAID]
        message = f"score distribution drifted: PSI {prediction['psi']:.3f}" + "".join(
            f"; {s.describe()}" for s in bands
        )
        details = {
            "psi": prediction["psi"],
            "p_value": prediction["p_value"],
            "segments": [s.to_dict() for s in bands],
        }
        conditions.append(_drift_condition("prediction_drift", None, prediction, message, details))
    return conditions


def _drift_condition(
    kind: str, feature: str | None, drift: dict[str, Any], message: str, details: dict[str, Any]
) -> Condition:
    """A stored drift result as a condition: `alert` severity is critical, any other a warning."""
    severity = "critical" if drift["severity"] == "alert" else "warning"
    return Condition(kind, feature, bool(drift["drifted"]), severity, message, details)


def _threshold_label(feature: dict[str, Any]) -> str:
    if feature["severity"] == "alert":
        return f"alert threshold {feature['alert_threshold']:.3f}"
    return f"warn threshold {feature['warn_threshold']:.3f}"


def flags(history: list[DriftReport], kind: str, feature: str | None) -> list[bool]:
    if kind == "prediction_drift":
        return [bool(r.prediction_drift.get("drifted")) for r in history if r.prediction_drift]
    return [bool(r.features.get(feature or "", {}).get("drifted")) for r in history]


def performance_bad(
    metrics: dict[str, Any], training: dict[str, Any], settings: Settings
) -> tuple[bool, str]:
    """Is a window's realised performance provably bad? Judged on the confidence intervals of
    `metrics["evidence"]` (core.confidence), never on the point values alone: F1 is bad when
    its upper bound is under the floor or under training F1 × (1 − max drop), ROC AUC when its
    upper bound is under training AUC − max AUC drop. A window with too few labelled positives
    is not judged (`performance_history` leaves it out)."""
    realised, trust = metrics.get("realised"), metrics.get("evidence")
    if not realised or not trust or realised.get("f1") is None:
        return False, ""
    f1, (f1_low, f1_high) = float(realised["f1"]), trust["intervals"]["f1"]
    ci = f"{trust['level']:.0%} CI {f1_low:.3f}–{f1_high:.3f}"
    floor = settings.performance_f1_floor
    if floor is not None and f1_high < floor:
        return True, f"F1 {f1:.3f} ({ci}) is below the floor {floor:.3f}"
    training_f1 = training.get("f1")
    if training_f1:
        limit = training_f1 * (1 - settings.performance_max_relative_drop)
        if f1_high < limit:
            drop = (training_f1 - f1) / training_f1
            return True, (
                f"F1 {f1:.3f} ({ci}) is {drop:.0%} below training ({training_f1:.3f}); "
                f"even its upper bound is under {limit:.3f}"
            )
    training_auc, auc_bounds = training.get("roc_auc"), trust["intervals"].get("roc_auc")
    if training_auc and auc_bounds and realised.get("roc_auc") is not None:
        limit = training_auc - settings.performance_max_auc_drop
        if auc_bounds[1] < limit:
            return True, (
                f"ROC AUC {realised['roc_auc']:.3f} ({trust['level']:.0%} CI "
                f"{auc_bounds[0]:.3f}–{auc_bounds[1]:.3f}) is under training "
                f"({training_auc:.3f}) − {settings.performance_max_auc_drop:g}"
            )
    return False, f"F1 {f1:.3f} ({ci})"


async def performance_history(
    session: AsyncSession, model_name: str, version: int, depth: int
) -> list[PerformanceSnapshot]:
    """The newest `depth` snapshots with enough labelled positives to judge, oldest first."""
    rows = await _newest(session, PerformanceSnapshot, (model_name, version), depth * 3)
    informative = [r for r in rows if (r.metrics.get("evidence") or {}).get("sufficient")]
    return list(reversed(informative[:depth]))
