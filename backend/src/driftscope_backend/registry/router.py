"""The model registry API: feature contract, versions and aliases, gate, promotion and rollout.

Each lifecycle endpoint is mounted twice: at today's path for the default model
(settings.model_name) and under `/models/{name}` for any model (see `_mount`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope import lifecycle, registry
from driftscope.contract import get_contract
from driftscope.events import notify
from driftscope_backend.registry.schemas import (
    MAX_VERSION,
    AliasChange,
    AliasOut,
    CanaryRequest,
    FeatureContractOut,
    GateResult,
    ModelsOut,
    PromoteRequest,
    VersionOut,
    VersionRequest,
)
from driftscope_backend.registry.service import live_aliases, retrain_history, sync_models
from driftscope_backend.runtime import (
    MODEL_NAME_PATTERN,
    Runtime,
    RuntimeDep,
    SessionDep,
    get_runtime,
)
from driftscope_backend.security import AdminDep

router = APIRouter(prefix="/api/v1", tags=["models"])
VersionPath = Annotated[int, Path(ge=1, le=MAX_VERSION)]


def named_model(
    name: Annotated[
        str, Path(pattern=MODEL_NAME_PATTERN, description="Model name", examples=["fraud"])
    ],
    runtime: RuntimeDep,
) -> str:
    """`{name}` of a per-model route: a model the registry knows (else 404 unknown_model; a
    name no model can have is a 422 naming `name`, as `?model=` is)."""
    return runtime.state_of(name).name


def model_name(request: Request) -> str:
    """The model a lifecycle route acts on: `{name}` when mounted per model, else the default."""
    name: str | None = request.path_params.get("name")
    return name if name is not None else get_runtime(request).settings.model_name


ModelNameDep = Annotated[str, Depends(model_name)]
PER_MODEL = [Depends(named_model)]


def _mount(path: str, model_path: str, endpoint: Callable[..., Any], **route: Any) -> None:
    """One endpoint at two paths: `path` for the default model, `model_path` (under
    `/models/{name}`) for any model. Operation ids differ by path."""
    router.add_api_route(path, endpoint, **route)
    router.add_api_route(model_path, endpoint, dependencies=PER_MODEL, **route)


Change = Callable[[str], Awaitable[dict[str, Any]]]  # model name → lifecycle result

ADMIN_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "Malformed JSON body"},
    401: {"description": "No X-API-Key"},
    403: {"description": "Wrong key"},
    404: {"description": "Unknown version / nothing to roll back to"},
}
GATED_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ADMIN_RESPONSES,
    422: {"description": "Invalid version/percent, or the gate fails: `details` lists every check"},
}
# The keys of an alias change vary by action (`percent` for a canary, `checks` when gated):
# leave out what the action did not produce rather than send nulls.
ALIAS_CHANGE: dict[str, Any] = {"response_model": AliasChange, "response_model_exclude_unset": True}


@router.get("/schema", summary="Feature contract of the served model")
async def schema(runtime: RuntimeDep) -> FeatureContractOut:
    """Features with type, unit, valid range, categories and an example transaction."""
    contract = get_contract(runtime.settings.model_name)
    return FeatureContractOut.model_validate({**contract.to_dict(), "example": contract.example()})


@router.get(
    "/models",
    summary="Registered model versions and aliases",
    response_model_exclude_unset=True,  # retraining steps and stored metrics keep their own keys
)
async def models(runtime: RuntimeDep, session: SessionDep) -> ModelsOut:
    name = runtime.settings.model_name
    versions = await registry.list_versions(session, name)
    aliases = await registry.list_aliases(session, name)
    return ModelsOut.model_validate(
        {
            "model_name": name,
            **live_aliases(runtime, name),
            "gate": asdict(runtime.settings.gate_config()),
            "retraining": await retrain_history(session, name),
            "aliases": [AliasOut.model_validate(a, from_attributes=True) for a in aliases],
            "versions": [VersionOut.model_validate(v) for v in versions],
        }
    )


async def _change(runtime: Runtime, session: SessionDep, name: str, change: Change) -> AliasChange:
    """Apply one alias change to model `name`, commit it, and swap this replica now (the
    others swap on the event)."""
    result = await change(name)
    await session.commit()
    await notify(session, result.get("event_id"))
    await sync_models(runtime, [name])
    state = runtime.state_of(name)
    return AliasChange.model_validate(
        {
            **result,
            "serving": state.version,
            "canary": None if state.canary is None else state.canary.version,
            "shadow": None if state.shadow is None else state.shadow.version,
        }
    )


async def gate(
    version: VersionPath, runtime: RuntimeDep, session: SessionDep, name: ModelNameDep
) -> GateResult:
    """Every check of the promotion gate (floors from the version's spec where it sets them)."""
    checks = await lifecycle.gate_checks(session, name, version, runtime.settings.gate_config())
    return GateResult.model_validate(
        {
            "version": version,
            "passed": all(c.passed for c in checks),
            "checks": [asdict(c) for c in checks],
        }
    )


async def promote(
    version: VersionPath,
    runtime: RuntimeDep,
    session: SessionDep,
    _admin: AdminDep,
    name: ModelNameDep,
    body: PromoteRequest | None = None,
) -> AliasChange:
    """Hot swap without downtime: in-flight requests finish on the old model."""
    body = body or PromoteRequest()
    config = runtime.settings.gate_config()
    return await _change(
        runtime,
        session,
        name,
        lambda name: lifecycle.promote(
            session, name, version, config, force=body.force, reason=body.reason
        ),
    )


async def rollback(
    runtime: RuntimeDep, session: SessionDep, _admin: AdminDep, name: ModelNameDep
) -> AliasChange:
    return await _change(runtime, session, name, lambda name: lifecycle.rollback(session, name))


async def put_canary(
    body: CanaryRequest,
    runtime: RuntimeDep,
    session: SessionDep,
    _admin: AdminDep,
    name: ModelNameDep,
) -> AliasChange:
    """Sticky per key (transaction_id, else API key, else client IP); replaces any canary."""
    config = runtime.settings.gate_config()
    return await _change(
        runtime,
        session,
        name,
        lambda name: lifecycle.set_canary(
            session,
            name,
            body.version,
            body.percent,
            config,
            force=body.force,
            reason=body.reason,
        ),
    )


def _add_alias_route(
    method: str,
    alias: str,
    endpoint: Callable[..., Awaitable[AliasChange]],
    summary: str,
    responses: dict[int | str, dict[str, Any]],
    description: str | None = None,
) -> None:
    _mount(
        f"/models/{alias}",
        f"/models/{{name}}/{alias}",
        endpoint,
        methods=[method],
        name=f"{method.lower()}_{alias}",  # keeps the operation ids clients know
        summary=summary,
        description=description,
        responses=responses,
        **ALIAS_CHANGE,
    )


def _add_clear_route(alias: str, summary: str) -> None:
    """DELETE /models/{alias}: turn the alias off (a `{alias}_off` event even if it was not set)."""

    async def clear_alias(
        runtime: RuntimeDep, session: SessionDep, _admin: AdminDep, name: ModelNameDep
    ) -> AliasChange:
        return await _change(
            runtime, session, name, lambda name: lifecycle.clear(session, name, alias)
        )

    _add_alias_route("DELETE", alias, clear_alias, summary, ADMIN_RESPONSES)


def _add_set_route(
    alias: str,
    setter: Callable[[AsyncSession, str, int], Awaitable[dict[str, Any]]],
    summary: str,
    responses: dict[int | str, dict[str, Any]],
    description: str | None = None,
) -> None:
    """PUT /models/{alias} with a version: point the alias at it."""

    async def set_alias(
        body: VersionRequest,
        runtime: RuntimeDep,
        session: SessionDep,
        _admin: AdminDep,
        name: ModelNameDep,
    ) -> AliasChange:
        return await _change(
            runtime, session, name, lambda name: setter(session, name, body.version)
        )

    _add_alias_route("PUT", alias, set_alias, summary, responses, description)


_mount(
    "/models/{version}/gate",
    "/models/{name}/versions/{version}/gate",
    gate,
    methods=["GET"],
    summary="Run the promotion gate for a version",
    responses={404: {"description": "Unknown model or version"}},
)
_mount(
    "/models/{version}/promote",
    "/models/{name}/versions/{version}/promote",
    promote,
    methods=["POST"],
    summary="Promote a version to production (admin, gated)",
    responses={
        **ADMIN_RESPONSES,
        422: {"description": "The gate fails: `details` lists every check"},
    },
    **ALIAS_CHANGE,
)
_mount(
    "/models/rollback",
    "/models/{name}/rollback",
    rollback,
    methods=["POST"],
    summary="Roll production back to the previous version (admin)",
    responses=ADMIN_RESPONSES,
    **ALIAS_CHANGE,
)
_mount(
    "/models/canary",
    "/models/{name}/canary",
    put_canary,
    methods=["PUT"],
    summary="Send a share of traffic to a version (admin, gated)",
    responses=GATED_RESPONSES,
    **ALIAS_CHANGE,
)
_add_clear_route(registry.CANARY, "Turn the canary off (admin)")
_add_set_route(
    registry.SHADOW,
    lifecycle.set_shadow,
    "Score all online traffic with a version too, off the request path (admin)",
    GATED_RESPONSES,
    'Shadow rows are logged with `variant="shadow"`; clients never see them.',
)
_add_clear_route(registry.SHADOW, "Turn shadow scoring off (admin)")
_add_set_route(
    registry.CANDIDATE,
    lifecycle.set_candidate,
    "Mark a version as the candidate for production (admin)",
    ADMIN_RESPONSES,
)
