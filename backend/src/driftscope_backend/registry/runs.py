"""GET /api/v1/runs: the experiment log (one row per training or search trial), newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from driftscope.training.runs import list_runs
from driftscope_backend.runtime import RuntimeDep, SessionDep

router = APIRouter(prefix="/api/v1", tags=["models"])


class RunOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    model_name: str
    search_id: str | None = Field(description="Shared by the trials of one search; null otherwise")
    kind: str = Field(examples=["xgboost"])
    status: str = Field(description="completed (a trial) or registered (written as a version)")
    params: dict[str, Any]
    cv_metrics: dict[str, Any] = Field(
        description="folds and, per metric (roc_auc, pr_auc), mean, std and per_fold; "
        "empty for a plain train"
    )
    test_metrics: dict[str, Any] = Field(description="Calibrated metrics on the test split")
    duration_s: float
    artifact_path: str | None
    model_version: int | None
    started_at: datetime


class RunsPage(BaseModel):
    model: str
    runs: list[RunOut]


@router.get("/runs", summary="Training runs and search trials, newest first")
async def runs(
    runtime: RuntimeDep,
    session: SessionDep,
    model: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=64,
            pattern=r"^[a-z0-9_\-]+$",
            description="Model name (default: the served model's)",
            examples=["fraud"],
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="Most rows returned")] = 50,
    search_id: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=64,
            pattern=r"^[^\x00-\x1f\x7f]+$",  # PostgreSQL text cannot hold NUL: 422, not 500
            description="Only this search's trials",
        ),
    ] = None,
) -> RunsPage:
    name = model or runtime.settings.model_name
    rows = await list_runs(session, name, limit, search_id)
    return RunsPage(model=name, runs=[RunOut.model_validate(r) for r in rows])
