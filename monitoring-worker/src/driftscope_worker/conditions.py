"""Alert conditions read from stored reports: drifted features, prediction drift, performance drop."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope.db import DriftReport, PerformanceSnapshot
from driftscope.settings import Settings
from driftscope_worker.alerts import Condition


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
    conditions = [
        _drift_condition(
            "feature_drift",
            name,
            f,
            f"{name} drifted: PSI {f['psi']:.3f} ({_threshold_label(f)}), q={f['q_value']:.2g}",
            {"psi": f["psi"], "q_value": f["q_value"], "test": f["test"], "window_end": window_end},
        )
        for name, f in report.features.items()
    ]
    prediction = report.prediction_drift
    if prediction:
        message = f"score distribution drifted: PSI {prediction['psi']:.3f}"
        details = {"psi": prediction["psi"], "p_value": prediction["p_value"]}
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
    metrics: dict[str, Any], training_f1: float | None, settings: Settings
) -> tuple[bool, str]:
    realised = metrics.get("realised")
    if not realised or realised.get("f1") is None:
        return False, ""
    f1 = float(realised["f1"])
    if settings.performance_f1_floor is not None and f1 < settings.performance_f1_floor:
        return True, f"F1 {f1:.3f} below floor {settings.performance_f1_floor:.3f}"
    if training_f1:
        drop = (training_f1 - f1) / training_f1
        if drop > settings.performance_max_relative_drop:
            return True, f"F1 {f1:.3f} is {drop:.0%} below training ({training_f1:.3f})"
    return False, f"F1 {f1:.3f}"


async def performance_history(
    session: AsyncSession, model_name: str, version: int, depth: int
) -> list[PerformanceSnapshot]:
    """The newest `depth` snapshots with realised metrics, oldest first."""
    rows = await _newest(session, PerformanceSnapshot, (model_name, version), depth * 3)
    informative = [r for r in rows if r.metrics.get("realised")]
    return list(reversed(informative[:depth]))
