"""GET /api/v1/predictions/recent: a model's newest predictions, e.g. the latest messages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from driftscope_backend.prediction.recent import service
from driftscope_backend.prediction.recent.schemas import RecentPredictions
from driftscope_backend.runtime import ModelQuery, RuntimeDep, SessionDep

router = APIRouter(prefix="/api/v1", tags=["monitoring"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "Unknown model (`unknown_model`)"}
}


@router.get("/predictions/recent", responses=NOT_FOUND, summary="Newest predictions of a model")
async def recent(
    runtime: RuntimeDep,
    session: SessionDep,
    model: ModelQuery = None,
    limit: Annotated[int, Query(ge=1, le=100, description="How many, newest first")] = 10,
) -> RecentPredictions:
    """What the model was just asked and answered: score, decision, path, the label once it
    arrived, and for a text model the logged text (the dashboard's latest messages)."""
    spec = await runtime.catalog.spec(model or runtime.settings.model_name)
    rows = await service.recent_predictions(session, spec, limit)
    body = {
        "model_name": spec.name,
        "text_feature": service.text_feature(spec),
        "predictions": rows,
    }
    return RecentPredictions.model_validate(body)
