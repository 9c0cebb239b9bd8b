"""Queries behind the drift, performance and alert read API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope.db import Alert, DriftReport, PerformanceSnapshot, utcnow
from driftscope.drift.segments import bin_labels, moved_segments
from driftscope.errors import NotFoundError
from driftscope.events import add_event, notify
from driftscope.spec import ModelSpec
from driftscope.text.descriptors import DESCRIPTORS
from driftscope.text.vocabulary import SUFFIX as VOCABULARY

SEGMENTS_SHOWN = 5  # "what moved" on the Drift page


def _shown(value: str) -> str:
    """A client-supplied name as echoed in a message: bounded, whatever was sent."""
    return value if len(value) <= 64 else value[:64] + "…"


def monitored_names(spec: ModelSpec) -> list[str]:
    """What a report has a drift entry for: the spec's features, and of a text feature its
    descriptors and vocabulary (the text itself is not binned)."""
    names = []
    for f in spec.features:
        if f.kind == "text":
            names += [*(f"{f.name}.{d}" for d in DESCRIPTORS), f"{f.name}.{VOCABULARY}"]
        else:
            names.append(f.name)
    return names


def check_feature(spec: ModelSpec, feature: str, field: str = "feature") -> None:
    names = monitored_names(spec)
    if feature not in names and feature != "prediction":
        reason = f"unknown feature '{_shown(feature)}' of model '{spec.name}'"
        raise NotFoundError(
            reason, [{"field": field, "reason": reason, "allowed": [*names, "prediction"]}]
        )


async def latest_report(
    session: AsyncSession, model_name: str, version: int | None = None
) -> DriftReport:
    query = select(DriftReport).where(DriftReport.model_name == model_name)
    if version is not None:
        query = query.where(DriftReport.model_version == version)
    report = await session.scalar(
        query.order_by(DriftReport.window_end.desc(), DriftReport.model_version.desc()).limit(1)
    )
    if report is None:
        raise NotFoundError(
            f"no drift report yet for model '{model_name}' (is the worker running?)"
        )
    return report


def report_body(report: DriftReport, spec: ModelSpec) -> dict[str, Any]:
    """The report with its features in the spec's order (JSONB does not keep key order); one
    the spec no longer has (a version before a retraining changed it) comes last."""
    order = [*monitored_names(spec), *sorted(report.features)]
    features = {n: report.features[n] for n in dict.fromkeys(order) if n in report.features}
    prediction = report.prediction_drift or None
    return {
        "model_name": report.model_name,
        "model_version": report.model_version,
        "window_start": report.window_start,
        "window_end": report.window_end,
        "n": report.n,
        "sufficient": report.sufficient,
        "dataset_drift_share": report.dataset_drift_share,
        "dataset_drifted": report.dataset_drifted,
        "features": features,
        "prediction": prediction,
        "segments": [
            s.to_dict() for s in moved_segments(features, prediction=prediction, top=SEGMENTS_SHOWN)
        ]
        if any(f.get("drifted") for f in [*features.values(), prediction or {}])
        else [],
    }


async def error_segments(session: AsyncSession, report: DriftReport) -> list[dict[str, Any]]:
    """Where the window's labelled errors exceed training's, as its performance snapshot holds
    them (the worker writes them only for a window judged bad)."""
    metrics = await session.scalar(
        select(PerformanceSnapshot.metrics).where(
            PerformanceSnapshot.model_name == report.model_name,
            PerformanceSnapshot.model_version == report.model_version,
            PerformanceSnapshot.window_end == report.window_end,
        )
    )
    return list((metrics or {}).get("segments") or [])


async def drift_history(
    session: AsyncSession, model_name: str, feature: str | None, since: datetime | None, limit: int
) -> list[dict[str, Any]]:
    query = select(DriftReport).where(DriftReport.model_name == model_name)
    if since is not None:
        query = query.where(DriftReport.window_end >= since)
    rows = list(await session.scalars(query.order_by(DriftReport.window_end.desc()).limit(limit)))
    points = []
    for r in reversed(rows):
        point: dict[str, Any] = {
            "window_end": r.window_end,
            "model_version": r.model_version,
            "n": r.n,
            "sufficient": r.sufficient,
            "dataset_drift_share": r.dataset_drift_share,
            "prediction_psi": (r.prediction_drift or {}).get("psi"),
        }
        if feature is not None:
            f = r.prediction_drift if feature == "prediction" else r.features.get(feature, {})
            point.update(
                {
                    k: f.get(k)
                    for k in (
                        "psi",
                        "drifted",
                        "severity",
                        "ks_statistic",
                        "p_value",
                        "q_value",
                        "warn_threshold",
                        "alert_threshold",
                    )
                }
            )
        points.append(point)
    return points


def distribution(report: DriftReport, feature: str) -> dict[str, Any]:
    f = report.prediction_drift if feature == "prediction" else report.features.get(feature)
    if not f:
        raise NotFoundError(
            f"feature '{feature}' is not in the report of {report.window_end.isoformat()}"
        )
    ref, cur = f["reference_counts"], f["current_counts"]
    ref_total, cur_total = max(1, sum(ref)), max(1, sum(cur))
    return {
        "feature": feature,
        "kind": f["kind"],
        "window_end": report.window_end,
        "model_version": report.model_version,
        "labels": bin_labels(f),
        "reference_counts": ref,
        "current_counts": cur,
        "reference_share": [c / ref_total for c in ref],
        "current_share": [c / cur_total for c in cur],
        **{
            k: f.get(k)
            for k in (
                "psi",
                "drifted",
                "severity",
                "test",
                "p_value",
                "q_value",
                "ks_statistic",
                "wasserstein_norm",
                "js_distance",
                "warn_threshold",
                "alert_threshold",
            )
        },
    }


async def performance_history(
    session: AsyncSession, model_name: str, since: datetime | None, limit: int
) -> list[dict[str, Any]]:
    query = select(PerformanceSnapshot).where(PerformanceSnapshot.model_name == model_name)
    if since is not None:
        query = query.where(PerformanceSnapshot.window_end >= since)
    rows = list(
        await session.scalars(query.order_by(PerformanceSnapshot.window_end.desc()).limit(limit))
    )
    return [
        {
            "window_start": r.window_start,
            "window_end": r.window_end,
            "model_version": r.model_version,
            "n_predictions": r.n_predictions,
            "n_labelled": r.n_labelled,
            "label_coverage": r.label_coverage,
            "realised": r.metrics.get("realised"),
            "evidence": r.metrics.get("evidence"),
            "estimated": r.metrics.get("estimated"),
            "predicted_rate": r.metrics.get("predicted_rate"),
            **_variant_split(r.metrics.get("variants")),
        }
        for r in reversed(rows)
    ]


def _variant_split(counts: dict[str, int] | None) -> dict[str, Any]:
    """How the version served in that window: production, canary or shadow (rows of each).

    One version per point, so canary/shadow vs production is an A/B by `model_version`.
    """
    if not counts:  # windows computed before variants were recorded
        return {"variant": None, "variants": {}}
    return {"variant": max(counts, key=lambda v: counts[v]), "variants": counts}


def alert_body(a: Alert) -> dict[str, Any]:
    return {
        "id": a.id,
        "model_name": a.model_name,
        "kind": a.kind,
        "feature": a.feature,
        "severity": a.severity,
        "status": a.status,
        "first_seen": a.first_seen,
        "last_seen": a.last_seen,
        "message": a.message,
        "details": a.details,
        "acknowledged_at": a.acknowledged_at,
        "resolved_at": a.resolved_at,
    }


async def list_alerts(
    session: AsyncSession, model_name: str, status: str | None, limit: int
) -> list[dict[str, Any]]:
    query = select(Alert).where(Alert.model_name == model_name)
    if status is not None:
        query = query.where(Alert.status == status)
    rows = await session.scalars(query.order_by(Alert.last_seen.desc()).limit(limit))
    return [alert_body(a) for a in rows]


async def acknowledge(session: AsyncSession, alert_id: int) -> dict[str, Any]:
    alert = await session.get(Alert, alert_id)
    if alert is None:
        raise NotFoundError(f"no alert with id {alert_id}")
    if alert.status == "open":
        alert.status, alert.acknowledged_at = "acknowledged", utcnow()
        body = alert_body(alert)
        event = await add_event(
            session,
            alert.model_name,
            "alert",
            {**_event_fields(body), "model": alert.model_name, "change": "acknowledged"},
        )
        await session.commit()
        await notify(session, event.id)
    return alert_body(alert)


def _event_fields(body: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (v.isoformat() if isinstance(v, datetime) else v)
        for k, v in body.items()
        if k != "details"
    }
