"""Read side of the model registry and the feature contract: /api/v1/schema, /api/v1/models."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from driftscope import lifecycle, registry
from driftscope.contract import get_contract
from driftscope.events import notify
from driftscope_backend.http import NO_NUL
from driftscope_backend.registry.service import retrain_history, sync_production
from driftscope_backend.runtime import RuntimeDep, SessionDep
from driftscope_backend.security import AdminDep

router = APIRouter(prefix="/api/v1", tags=["models"])
MAX_VERSION = 2**31 - 1  # model_versions.version is INTEGER: larger would overflow the driver


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
        "canary": None
        if runtime.canary is None
        else {"version": runtime.canary.version, "percent": runtime.canary_percent},
        "shadow": None
        if runtime.shadow is None
        else {
            "version": runtime.shadow.version,
            "scored": runtime.shadow_scorer.scored if runtime.shadow_scorer else 0,
            "dropped": runtime.shadow_scorer.dropped if runtime.shadow_scorer else 0,
        },
        "gate": asdict(runtime.settings.gate_config()),
        "retraining": await retrain_history(session, name),
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
    reason: str | None = Field(None, max_length=500, pattern=NO_NUL)


ADMIN_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "Malformed JSON body"},
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
    return {
        **result,
        "serving": None if runtime.model is None else runtime.model.version,
        "canary": None if runtime.canary is None else runtime.canary.version,
        "shadow": None if runtime.shadow is None else runtime.shadow.version,
    }


@router.get(
    "/models/{version}/gate",
    summary="Run the promotion gate for a version",
    responses={404: {"description": "Unknown version"}},
)
async def gate(
    version: Annotated[int, Path(ge=1, le=MAX_VERSION)], runtime: RuntimeDep, session: SessionDep
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
    version: Annotated[int, Path(ge=1, le=MAX_VERSION)],
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


class VersionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"version": 3}]})

    version: int = Field(..., ge=1, le=MAX_VERSION, examples=[3])


class CanaryRequest(VersionRequest):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"version": 3, "percent": 10},
                {"version": 3, "percent": 5, "force": True, "reason": "gate skipped: incident 42"},
            ]
        },
    )

    percent: float = Field(..., ge=0, le=100, description="Share of online traffic", examples=[10])
    force: bool = Field(False, description="Even if the gate fails (needs a reason; audited)")
    reason: str | None = Field(None, max_length=500, pattern=NO_NUL)


GATED_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ADMIN_RESPONSES,
    422: {"description": "Invalid version/percent, or the gate fails: `details` lists every check"},
}


@router.put(
    "/models/canary",
    summary="Send a share of traffic to a version (admin, gated)",
    responses=GATED_RESPONSES,
)
async def put_canary(
    body: CanaryRequest, runtime: RuntimeDep, session: SessionDep, _admin: AdminDep
) -> dict[str, Any]:
    """Sticky per key (transaction_id, else API key, else client IP); replaces any canary."""
    result = await lifecycle.set_canary(
        session,
        runtime.settings.model_name,
        body.version,
        body.percent,
        runtime.settings.gate_config(),
        force=body.force,
        reason=body.reason,
    )
    return await _commit_and_swap(session, runtime, result)


@router.delete("/models/canary", summary="Turn the canary off (admin)", responses=ADMIN_RESPONSES)
async def delete_canary(
    runtime: RuntimeDep, session: SessionDep, _admin: AdminDep
) -> dict[str, Any]:
    result = await lifecycle.clear(session, runtime.settings.model_name, registry.CANARY)
    return await _commit_and_swap(session, runtime, result)


@router.put(
    "/models/shadow",
    summary="Score all online traffic with a version too, off the request path (admin)",
    responses=GATED_RESPONSES,
)
async def put_shadow(
    body: VersionRequest, runtime: RuntimeDep, session: SessionDep, _admin: AdminDep
) -> dict[str, Any]:
    """Shadow rows are logged with `variant="shadow"`; clients never see them."""
    result = await lifecycle.set_shadow(session, runtime.settings.model_name, body.version)
    return await _commit_and_swap(session, runtime, result)


@router.delete(
    "/models/shadow", summary="Turn shadow scoring off (admin)", responses=ADMIN_RESPONSES
)
async def delete_shadow(
    runtime: RuntimeDep, session: SessionDep, _admin: AdminDep
) -> dict[str, Any]:
    result = await lifecycle.clear(session, runtime.settings.model_name, registry.SHADOW)
    return await _commit_and_swap(session, runtime, result)


@router.put(
    "/models/candidate",
    summary="Mark a version as the candidate for production (admin)",
    responses=ADMIN_RESPONSES,
)
async def put_candidate(
    body: VersionRequest, runtime: RuntimeDep, session: SessionDep, _admin: AdminDep
) -> dict[str, Any]:
    result = await lifecycle.set_candidate(session, runtime.settings.model_name, body.version)
    return await _commit_and_swap(session, runtime, result)
