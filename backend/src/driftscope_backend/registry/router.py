"""Read side of the model registry and the feature contract: /api/v1/schema, /api/v1/models."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from driftscope import registry
from driftscope.contract import get_contract
from driftscope_backend.runtime import RuntimeDep, SessionDep

router = APIRouter(prefix="/api/v1", tags=["models"])


@router.get("/schema", summary="Feature contract of the served model")
async def schema(runtime: RuntimeDep) -> dict[str, Any]:
    """Features with type, unit, valid range, categories and an example transaction."""
    contract = get_contract(runtime.settings.model_name)
    return {**contract.to_dict(), "example": contract.example()}


@router.get("/models", summary="Registered model versions and aliases")
async def models(runtime: RuntimeDep, session: SessionDep) -> dict[str, Any]:
    name = runtime.settings.model_name
    versions = await registry.list_versions(session, name)
    aliases = await registry.list_aliases(session, name)
    return {
        "model_name": name,
        "serving": None
        if runtime.model is None
        else {"version": runtime.model.version, "alias": "production"},
        "aliases": [
            {
                "alias": a.alias,
                "version": a.version,
                "traffic_percent": a.traffic_percent,
                "updated_at": a.updated_at,
            }
            for a in aliases
        ],
        "versions": [
            {
                "version": v.version,
                "kind": v.kind,
                "created_at": v.created_at,
                "threshold": v.threshold,
                "sha256": v.sha256,
                "metrics": {
                    "test": v.metrics.get("test"),
                    "threshold_policy": v.metrics.get("threshold_policy"),
                    "evaluator": v.metrics.get("evaluator"),
                },
            }
            for v in versions
        ],
    }
