"""Hot swap: load the versions the `production`, `canary` and `shadow` aliases name, warm them,
then swap the references together. Also the registry's read side: recent retraining steps.

Requests in flight keep the model objects they started with; new requests get the new ones.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope import registry
from driftscope.db import Event, ModelAlias, ModelVersion
from driftscope.errors import DriftscopeError
from driftscope.serving.artifact import LoadedModel, load_model
from driftscope_backend.runtime import Runtime

log = logging.getLogger(__name__)


def _load_and_warm(path: Path, sha256: str, version: int) -> LoadedModel:
    model = load_model(path, sha256, version)
    model.probability_row(
        model.contract.encode_record(model.contract.example())
    )  # first call pays lazy costs
    return model


async def _load(target: ModelVersion, loaded: list[LoadedModel | None]) -> LoadedModel | str:
    """The model for `target`: one already loaded (any role), a fresh load, or why not."""
    for model in loaded:
        if model is not None and model.version == target.version:
            return model
    try:
        return await asyncio.to_thread(
            _load_and_warm, Path(target.artifact_path), target.sha256, target.version
        )
    except DriftscopeError as exc:
        log.error("cannot load %s v%d: %s", target.model_name, target.version, exc.message)
        return exc.message


async def _load_alias(
    extra: dict[str, tuple[ModelVersion, ModelAlias]], alias: str, loaded: list[LoadedModel | None]
) -> LoadedModel | None:
    if alias not in extra:
        return None
    model = await _load(extra[alias][0], loaded)
    return model if isinstance(model, LoadedModel) else None  # a broken canary/shadow: none


async def _targets(
    runtime: Runtime,
) -> tuple[ModelVersion | None, dict[str, tuple[ModelVersion, ModelAlias]]]:
    name = runtime.settings.model_name
    async with runtime.sessionmaker() as session:
        production = await registry.resolve(session, name)
        extra = {}
        for alias in (registry.CANARY, registry.SHADOW):
            row = await registry.get_alias(session, name, alias)
            version = (
                None if row is None else await registry.get_version(session, name, row.version)
            )
            if row is not None and version is not None:
                extra[alias] = (version, row)
    return production, extra


async def sync_production(runtime: Runtime) -> bool:
    """Serve what the aliases say; returns True when the production model changed."""
    name = runtime.settings.model_name
    async with runtime.swap_lock:
        production, extra = await _targets(runtime)
        if production is None:
            runtime.model_error = (
                f"no '{name}' model registered with alias production (run: driftscope train)"
            )
            return False
        loaded = [runtime.model, runtime.canary, runtime.shadow]
        changed = runtime.model is None or runtime.model.version != production.version
        model = await _load(production, loaded) if changed else runtime.model
        if not isinstance(model, LoadedModel):
            runtime.model_error = model or "not loaded"  # keep serving what we have
            model, changed = runtime.model, False
        canary = await _load_alias(extra, registry.CANARY, loaded)
        shadow = await _load_alias(extra, registry.SHADOW, loaded)
        percent = extra[registry.CANARY][1].traffic_percent if canary is not None else None
        # No await from here on: a request sees all three references old or all three new.
        old = runtime.model
        runtime.model, runtime.canary, runtime.shadow = model, canary, shadow
        runtime.canary_percent = float(percent or 0.0) if canary is not None else 0.0
        if changed:
            runtime.model_error = None
            log.info(
                "now serving %s v%d (was %s)",
                name,
                production.version,
                None if old is None else f"v{old.version}",
            )
        return changed


async def retrain_history(
    session: AsyncSession, model_name: str, limit: int = 12
) -> list[dict[str, Any]]:
    """The newest `retrain` events (the worker's automatic retraining steps), newest first."""
    events = await session.scalars(
        select(Event)
        .where(Event.model_name == model_name, Event.kind == "retrain")
        .order_by(Event.id.desc())
        .limit(limit)
    )
    return [{"id": e.id, "ts": e.ts, **e.payload} for e in events]
