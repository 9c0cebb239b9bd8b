"""Read side of the model registry and the feature contract: /api/v1/schema, /api/v1/models."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from driftscope import lifecycle, registry
from driftscope.contract import get_contract
from driftscope.events import notify
from driftscope_backend.registry.service import sync_production
from driftscope_backend.runtime import RuntimeDep, SessionDep
from driftscope_backend.security import AdminDep

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
        "gate": asdict(runtime.settings.gate_config()),
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


class PromoteRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{}, {"force": True, "reason": "hotfix for incident 42"}]},
    )

    force: bool = Field(
        False, description="Promote even if the gate fails (needs a reason; audited)"
    )
    reason: str | None = Field(None, max_length=500)


ADMIN_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "No X-API-Key"},
    403: {"description": "Wrong key"},
    404: {"description": "Unknown version / nothing to roll back to"},
}


async def _commit_and_swap(
    session: SessionDep, runtime: RuntimeDep, result: dict[str, Any]
) -> dict[str, Any]:
    await session.commit()
    await notify(session, result.get("event_id"))
    await sync_production(runtime)  # this replica swaps now; the others on the event
    return {**result, "serving": None if runtime.model is None else runtime.model.version}


@router.get("/models/{version}/gate", summary="Run the promotion gate for a version")
async def gate(
    version: Annotated[int, Path(ge=1)], runtime: RuntimeDep, session: SessionDep
) -> dict[str, Any]:
    checks = await lifecycle.gate_checks(
        session, runtime.settings.model_name, version, runtime.settings.gate_config()
    )
    return {
        "version": version,
        "passed": all(c.passed for c in checks),
        "checks": [asdict(c) for c in checks],
    }


@router.post(
    "/models/{version}/promote",
    summary="Promote a version to production (admin, gated)",
    responses={
        **ADMIN_RESPONSES,
        422: {"description": "The gate fails: `details` lists every check"},
    },
)
async def promote(
    version: Annotated[int, Path(ge=1)],
    runtime: RuntimeDep,
    session: SessionDep,
    _admin: AdminDep,
    body: PromoteRequest | None = None,
) -> dict[str, Any]:
    """Hot swap without downtime: in-flight requests finish on the old model."""
    body = body or PromoteRequest()
    result = await lifecycle.promote(
        session,
        runtime.settings.model_name,
        version,
        runtime.settings.gate_config(),
        force=body.force,
        reason=body.reason,
    )
    return await _commit_and_swap(session, runtime, result)


@router.post(
    "/models/rollback",
    summary="Roll production back to the previous version (admin)",
    responses=ADMIN_RESPONSES,
)
async def rollback(runtime: RuntimeDep, session: SessionDep, _admin: AdminDep) -> dict[str, Any]:
    result = await lifecycle.rollback(session, runtime.settings.model_name)
    return await _commit_and_swap(session, runtime, result)
