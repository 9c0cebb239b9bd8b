"""GET /api/v1/runs: the experiment log (one row per training or search trial), newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from driftscope.training.runs import list_runs
from driftscope_backend.registry.schemas import RunOut, RunsPage
from driftscope_backend.runtime import ModelQuery, RuntimeDep, SessionDep

router = APIRouter(prefix="/api/v1", tags=["models"])


@router.get("/runs", summary="Training runs and search trials, newest first")
async def runs(
    runtime: RuntimeDep,
    session: SessionDep,
    model: ModelQuery = None,
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
