"""Experiment tracking: one `training_runs` row per training (a search trial or a plain train)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope.db.models import TrainingRun

COMPLETED = "completed"  # trained and evaluated, artifacts not kept (a search trial)
REGISTERED = "registered"  # written and registered as a model version


async def record_run(
    session: AsyncSession,
    *,
    model_name: str,
    kind: str,
    params: dict[str, Any],
    cv_metrics: dict[str, Any],
    test_metrics: dict[str, Any],
    duration_s: float,
    search_id: str | None = None,
    status: str = COMPLETED,
    artifact_path: str | None = None,
    model_version: int | None = None,
) -> TrainingRun:
    row = TrainingRun(
        model_name=model_name,
        search_id=search_id,
        kind=kind,
        status=status,
        params=params,
        cv_metrics=cv_metrics,
        test_metrics=test_metrics,
        duration_s=duration_s,
        artifact_path=artifact_path,
        model_version=model_version,
    )
    session.add(row)
    await session.flush()
    return row


async def list_runs(
    session: AsyncSession, model_name: str, limit: int = 50, search_id: str | None = None
) -> list[TrainingRun]:
    """Runs of a model, newest first (ties by id, so rows of one search keep their order)."""
    query = select(TrainingRun).where(TrainingRun.model_name == model_name)
    if search_id is not None:
        query = query.where(TrainingRun.search_id == search_id)
    query = query.order_by(TrainingRun.started_at.desc(), TrainingRun.id.desc()).limit(limit)
    return list(await session.scalars(query))
