"""The overview's queries: one per table for all models (aliases, reports, snapshots, alerts,
recent predictions), so its cost does not grow with the number of models."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope import registry
from driftscope.db import (
    BATCH_SOURCE,
    Alert,
    DriftReport,
    ModelAlias,
    ModelVersion,
    PerformanceSnapshot,
    Prediction,
    utcnow,
)

RATE_WINDOW_S = 60  # `rps` averages over this much of the prediction log
WindowRow = TypeVar("WindowRow", DriftReport, PerformanceSnapshot)


async def overview(session: AsyncSession, default_model: str) -> dict[str, Any]:
    production = await _production_versions(session)
    names = [version.model_name for version in production]
    drift = await _latest(session, DriftReport, names)
    performance = await _latest(session, PerformanceSnapshot, names)
    alerts = await _open_alerts(session, names)
    rates = await _rates(session, names)
    models = [
        {
            "name": version.model_name,
            "kind": "external" if registry.is_external(version) else "served",
            "production_version": version.version,
            "rps": rates.get(version.model_name, 0.0),
            "drift_share": _drift_share(drift.get(version.model_name)),
            "open_alerts": alerts.get(version.model_name, 0),
            "f1": _realised_f1(performance.get(version.model_name)),
            "training_f1": (version.metrics.get("test") or {}).get("f1"),
        }
        for version in production
    ]
    models.sort(key=lambda model: (model["name"] != default_model, model["name"]))
    return {"default_model": default_model, "models": models}


async def _production_versions(session: AsyncSession) -> list[ModelVersion]:
    query = select(ModelVersion).join(
        ModelAlias,
        and_(
            ModelAlias.model_name == ModelVersion.model_name,
            ModelAlias.version == ModelVersion.version,
            ModelAlias.alias == registry.PRODUCTION,
        ),
    )
    return list(await session.scalars(query))


async def _latest(
    session: AsyncSession, table: type[WindowRow], names: list[str]
) -> dict[str, WindowRow]:
    """Each model's newest window (as /drift/latest: the highest version on a tie)."""
    newest = (
        select(table.model_name, func.max(table.window_end).label("window_end"))
        .where(table.model_name.in_(names))
        .group_by(table.model_name)
        .subquery()
    )
    query = (
        select(table)
        .join(
            newest,
            and_(table.model_name == newest.c.model_name, table.window_end == newest.c.window_end),
        )
        .order_by(table.model_version.desc())
    )
    latest: dict[str, WindowRow] = {}
    for row in await session.scalars(query):
        latest.setdefault(row.model_name, row)
    return latest


async def _open_alerts(session: AsyncSession, names: list[str]) -> dict[str, int]:
    query = (
        select(Alert.model_name, func.count())
        .where(Alert.model_name.in_(names), Alert.status == "open")
        .group_by(Alert.model_name)
    )
    return {name: count for name, count in await session.execute(query)}


async def _rates(session: AsyncSession, names: list[str]) -> dict[str, float]:
    """Predictions a second over the last RATE_WINDOW_S, from the log (so external models'
    logged predictions count too); batch scoring is not traffic."""
    since = utcnow() - timedelta(seconds=RATE_WINDOW_S)
    query = (
        select(Prediction.model_name, func.count())
        .where(Prediction.ts >= since, Prediction.source != BATCH_SOURCE)
        .where(Prediction.model_name.in_(names))
        .group_by(Prediction.model_name)
    )
    rows = await session.execute(query)
    return {name: round(count / RATE_WINDOW_S, 2) for name, count in rows}


def _drift_share(report: DriftReport | None) -> float | None:
    return report.dataset_drift_share if report is not None else None


def _realised_f1(snapshot: PerformanceSnapshot | None) -> float | None:
    if snapshot is None:
        return None
    realised = snapshot.metrics.get("realised") or {}
    f1: float | None = realised.get("f1")
    return f1
