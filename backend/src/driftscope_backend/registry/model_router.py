"""Per-model registry reads: GET /api/v1/models/{name} and /api/v1/models/{name}/schema."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from driftscope import registry
from driftscope.db import ModelVersion
from driftscope.spec import ModelSpec
from driftscope_backend.registry.model_schemas import ModelOut, ModelSpecOut
from driftscope_backend.registry.router import named_model
from driftscope_backend.registry.schemas import AliasOut, VersionOut
from driftscope_backend.registry.service import (
    live_aliases,
    retrain_history,
    spec_changes,
    version_spec,
)
from driftscope_backend.runtime import RuntimeDep, SessionDep

router = APIRouter(prefix="/api/v1", tags=["models"])
NameDep = Annotated[str, Depends(named_model)]
UNKNOWN: dict[int | str, dict[str, Any]] = {404: {"description": "Unknown model (`unknown_model`)"}}


@router.get(
    "/models/{name}/schema", summary="A model's spec: features, target, classes", responses=UNKNOWN
)
async def model_schema(name: NameDep, session: SessionDep) -> ModelSpecOut:
    """Features as a list (each with `name`, `kind` and `type`), `target` and `classes` (the
    positive first): what `POST /api/v1/models/{name}/predict` takes."""
    spec = await registry.load_spec(session, name)
    return ModelSpecOut.model_validate(spec.to_dict())


def _versions(rows: list[ModelVersion]) -> list[dict[str, Any]]:
    """Each version with what its spec changed vs the one before it."""
    out, previous = [], None
    for row in rows:
        spec = version_spec(row)
        version = VersionOut.model_validate(row).model_dump()
        out.append({**version, "spec_changes": spec_changes(previous, spec)})
        previous = spec
    return out


@router.get(
    "/models/{name}",
    summary="One model: spec, versions (with spec changes) and aliases",
    responses=UNKNOWN,
    response_model_exclude_unset=True,  # retraining steps and stored metrics keep their own keys
)
async def model(name: NameDep, runtime: RuntimeDep, session: SessionDep) -> ModelOut:
    rows = await registry.list_versions(session, name)
    spec: ModelSpec = await registry.load_spec(session, name)
    state = runtime.state_of(name)
    return ModelOut.model_validate(
        {
            "model_name": name,
            "kind": "external" if state.external else "served",
            "spec": spec.to_dict(),
            **live_aliases(runtime, name),
            "gate": asdict(runtime.settings.gate_config().with_spec_floors(spec.gate)),
            "retraining": await retrain_history(session, name),
            "aliases": [
                AliasOut.model_validate(a, from_attributes=True)
                for a in await registry.list_aliases(session, name)
            ],
            "versions": _versions(rows),
        }
    )
