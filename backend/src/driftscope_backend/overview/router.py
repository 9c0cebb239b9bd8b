"""GET /api/v1/overview: the landing table of every model with a production version."""

from __future__ import annotations

from fastapi import APIRouter

from driftscope_backend.overview import service
from driftscope_backend.overview.schemas import Overview
from driftscope_backend.runtime import RuntimeDep, SessionDep

router = APIRouter(prefix="/api/v1", tags=["monitoring"])


@router.get("/overview", summary="Every model at a glance")
async def overview(runtime: RuntimeDep, session: SessionDep) -> Overview:
    """Per model with a production version: kind, version, traffic, latest drift share, open
    alerts, realised vs training F1; the default model first."""
    return Overview.model_validate(await service.overview(session, runtime.settings.model_name))
