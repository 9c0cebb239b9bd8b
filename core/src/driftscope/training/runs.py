"""Experiment tracking: one `training_runs` row per training (a search trial or a plain train)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope.db.models import TrainingRun

if TYPE_CHECKING:  # the trainer records its runs here
    from driftscope.training.trainer import TrainConfig, TrainedModel

COMPLETED = "completed"  # trained and evaluated, artifacts not kept (a search trial)
REGISTERED = "registered"  # written and registered as a model version


async def record_run(session: AsyncSession, **columns: Any) -> TrainingRun:
    """Add a run: `columns` are TrainingRun's (model_name, kind, params, cv_metrics,
    test_metrics, duration_s; search_id, artifact_path, model_version where they apply);
    status is `completed` unless given."""
    row = TrainingRun(**{"status": COMPLETED, **columns})
    session.add(row)
    await session.flush()
    return row


async def record_trained(
    session: AsyncSession,
    config: TrainConfig,
    trained: TrainedModel,
    seconds: float,
    **columns: Any,
) -> TrainingRun:
    """The run row of a trained model (kind, params, test metrics, time) plus `columns`."""
    return await record_run(
        session,
        model_name=config.model_name,
        kind=config.kind,
        params=trained.predictor.params,
        test_metrics=trained.metrics["test"],
        duration_s=round(seconds, 3),
        **columns,
    )


async def list_runs(
    session: AsyncSession, model_name: str, limit: int = 50, search_id: str | None = None
) -> list[TrainingRun]:
    """Runs of a model, newest first (ties by id, so rows of one search keep their order)."""
    query = select(TrainingRun).where(TrainingRun.model_name == model_name)
    if search_id is not None:
        query = query.where(TrainingRun.search_id == search_id)
    query = query.order_by(TrainingRun.started_at.desc(), TrainingRun.id.desc()).limit(limit)
    return list(await session.scalars(query))
