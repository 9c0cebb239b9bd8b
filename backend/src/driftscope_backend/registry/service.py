"""Hot swap of every registered model: load the versions its `production`, `canary` and
`shadow` aliases name, warm them, then replace the model's serving state as one reference.
Also the registry's read side: recent retraining steps.

Requests in flight keep the state (and model objects) they started with; new requests get the
new one. Each model swaps on its own: a promotion of one never touches another's state.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope import registry
from driftscope.contract import FeatureContract
from driftscope.db import Event, ModelAlias, ModelVersion
from driftscope.errors import DriftscopeError
from driftscope.serving.artifact import LoadedModel, load_model
from driftscope.spec import ModelSpec, shipped_spec
from driftscope_backend.prediction.state import Aliases, ModelState, served_state
from driftscope_backend.runtime import Runtime

log = logging.getLogger(__name__)


def version_spec(row: ModelVersion) -> ModelSpec | None:
    """The version's stored spec (versions from before specs were stored: the shipped one)."""
    return ModelSpec.from_dict(row.spec) if row.spec else shipped_spec(row.model_name)


def _load_and_warm(row: ModelVersion) -> LoadedModel:
    spec = version_spec(row)
    contract: FeatureContract | None = None if spec is None else spec.contract()
    model = load_model(Path(row.artifact_path), row.sha256, row.version, contract)
    model.probability_row(model.encode(model.contract.example()))  # first call pays lazy costs
    return model


# Versions whose artifact failed to load, by (model, version, path, sha256): the alias poll
# does not load (and log) them again every few seconds; a fixed artifact is a new version.
_FAILED: dict[tuple[str, int, str, str], str] = {}


async def _load(target: ModelVersion, loaded: list[LoadedModel | None]) -> LoadedModel | str:
    """The model for `target`: one already loaded (any role), a fresh load, or why not."""
    for model in loaded:
        if model is not None and model.version == target.version:
            return model
    key = (target.model_name, target.version, target.artifact_path, target.sha256)
    if key in _FAILED:
        return _FAILED[key]
    try:
        return await asyncio.to_thread(_load_and_warm, target)
    except DriftscopeError as exc:
        log.error("cannot load %s v%d: %s", target.model_name, target.version, exc.message)
        _FAILED[key] = exc.message
    except Exception as exc:  # one model's unexpected failure must not stop serving the others
        log.exception("cannot load %s v%d", target.model_name, target.version)
        _FAILED[key] = f"{type(exc).__name__}: {exc}"[:500]
    return _FAILED[key]


async def _load_extra(
    target: ModelVersion | None, loaded: list[LoadedModel | None]
) -> LoadedModel | None:
    if target is None or registry.is_external(target):
        return None
    model = await _load(target, loaded)
    return model if isinstance(model, LoadedModel) else None  # a broken canary/shadow: none


async def _build(
    name: str, aliases: Aliases, rows: dict[int, ModelVersion], current: ModelState | None
) -> ModelState:
    """The state `aliases` ask for; a production version that fails to load keeps the one
    served before (with the error)."""
    target = None if aliases.production is None else rows.get(aliases.production)
    if target is None:
        return served_state(name, None, None, aliases=aliases)
    if registry.is_external(target):
        if current is None or not current.external:
            log.info("%s v%d is external (monitor-only): nothing to load", name, target.version)
        return ModelState(name, external=True, spec=version_spec(target), aliases=aliases)
    loaded = [] if current is None else [current.production, current.canary, current.shadow]
    fresh = await _load(target, loaded)
    production: LoadedModel | None
    if isinstance(fresh, LoadedModel):
        production, spec, error = fresh, version_spec(target), None
    else:
        production = None if current is None else current.production
        spec = None if current is None else current.spec
        error = fresh or "not loaded"
    canary_row = None if aliases.canary is None else rows.get(aliases.canary)
    shadow_row = None if aliases.shadow is None else rows.get(aliases.shadow)
    return served_state(
        name,
        spec,
        production,
        canary=await _load_extra(canary_row, loaded),
        canary_percent=aliases.canary_percent,
        shadow=await _load_extra(shadow_row, loaded),
        error=error,
        aliases=aliases,
    )


async def _read_targets(
    session: AsyncSession, names: set[str] | None, default: str
) -> dict[str, Aliases]:
    """Every model to serve (`names`, else every registered one and the default) → aliases."""
    query = select(ModelAlias)
    if names is not None:
        query = query.where(ModelAlias.model_name.in_(names))
    by_model: dict[str, dict[str, ModelAlias]] = {}
    for row in await session.scalars(query):
        by_model.setdefault(row.model_name, {})[row.alias] = row
    if names is None:
        names = set(await session.scalars(select(ModelVersion.model_name).distinct()))
        names.add(default)
    return {name: Aliases.of(by_model.get(name, {})) for name in names}


async def _versions(session: AsyncSession, name: str, aliases: Aliases) -> dict[int, ModelVersion]:
    wanted = {v for v in (aliases.production, aliases.canary, aliases.shadow) if v is not None}
    if not wanted:
        return {}
    rows = await session.scalars(
        select(ModelVersion).where(
            ModelVersion.model_name == name, ModelVersion.version.in_(wanted)
        )
    )
    return {row.version: row for row in rows}


async def sync_models(runtime: Runtime, names: Iterable[str] | None = None) -> set[str]:
    """Serve what the aliases say for `names` (None: every registered model); returns the
    names whose production version changed. A model whose aliases did not move is untouched."""
    async with runtime.swap_lock:
        async with runtime.sessionmaker() as session:
            targets = await _read_targets(
                session, None if names is None else set(names), runtime.settings.model_name
            )
            stale = {
                name: aliases
                for name, aliases in targets.items()
                if (state := runtime.serving.get(name)) is None
                or state.aliases != aliases
                or state.error is not None
            }
            rows = {name: await _versions(session, name, a) for name, a in stale.items()}
        changed = set()
        for name, aliases in sorted(stale.items()):
            current = runtime.serving.get(name)
            state = await _build(name, aliases, rows[name], current)
            runtime.serving[name] = state  # one reference: requests see all old or all new
            if (current.version if current else None) != state.version:
                changed.add(name)
                log.info(
                    "now serving %s v%s (was %s)",
                    name,
                    state.version,
                    None if current is None or current.version is None else f"v{current.version}",
                )
        return changed


def live_aliases(runtime: Runtime, name: str) -> dict[str, Any]:
    """What this replica serves of model `name` now, which may lag the aliases by one swap."""
    shadow_scorer = runtime.shadow_scorer
    state = runtime.serving.get(name)
    production, canary, shadow = (
        (None, None, None) if state is None else (state.production, state.canary, state.shadow)
    )
    return {
        "serving": None
        if production is None
        else {"version": production.version, "alias": "production"},
        "canary": None
        if canary is None or state is None
        else {"version": canary.version, "percent": state.canary_percent},
        "shadow": None
        if shadow is None
        else {
            "version": shadow.version,
            "scored": shadow_scorer.scored if shadow_scorer else 0,
            "dropped": shadow_scorer.dropped if shadow_scorer else 0,
        },
    }


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


SPEC_KEYS = ("description", "target", "classes", "positive_value", "gate", "monitoring")


def spec_changes(before: ModelSpec | None, after: ModelSpec | None) -> list[dict[str, Any]]:
    """What `after` changed vs `before`: one entry per top-level key and feature attribute
    (a feature added or removed is one entry, the whole feature on one side)."""
    if before is None or after is None:
        return []
    old, new = before.to_dict(), after.to_dict()
    changes = [
        {"field": key, "before": old.get(key), "after": new.get(key)}
        for key in SPEC_KEYS
        if old.get(key) != new.get(key)
    ]
    old_features = {f["name"]: f for f in old["features"]}
    new_features = {f["name"]: f for f in new["features"]}
    for name in [*old_features, *(n for n in new_features if n not in old_features)]:
        was, now = old_features.get(name), new_features.get(name)
        if was is None or now is None:
            changes.append({"field": f"features.{name}", "before": was, "after": now})
            continue
        changes.extend(
            {"field": f"features.{name}.{key}", "before": was[key], "after": now[key]}
            for key in now
            if key != "type" and was.get(key) != now[key]
        )
    return changes
