"""Alias changes — promote, rollback, canary, shadow, candidate — gated where traffic moves.

Each change writes a `model` event in the same transaction; every backend replica reloads
its models when it sees the event (or its periodic alias check notices the change).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from driftscope import registry, variants
from driftscope.db.models import ModelVersion, utcnow
from driftscope.errors import ContractError, GateFailedError, NotFoundError
from driftscope.events import add_event
from driftscope.gate import Check, GateConfig, live_checks, passed, run_gate
from driftscope.spec import ModelSpec, shipped_spec

PREVIOUS = "previous"


async def _version(session: AsyncSession, model_name: str, version: int) -> ModelVersion:
    target = await registry.get_version(session, model_name, version)
    if target is None:
        raise NotFoundError(f"no version {version} of model '{model_name}'")
    return target


async def gate_checks(
    session: AsyncSession, model_name: str, version: int, config: GateConfig
) -> list[Check]:
    """Test-metric checks, plus live checks once canary/shadow traffic has enough labels.

    The floors are the version's spec's where it sets them (see GateConfig.with_spec_floors)."""
    target = await _version(session, model_name, version)
    spec = ModelSpec.from_dict(target.spec) if target.spec else shipped_spec(model_name)
    config = config if spec is None else config.with_spec_floors(spec.gate)
    current = await registry.resolve(session, model_name)
    if current is None or current.version == version:
        return run_gate(target.metrics, None, config)
    checks = run_gate(target.metrics, current.metrics, config)
    return checks + await _live_checks(session, model_name, version, current.version, config)


async def _live_checks(
    session: AsyncSession, model_name: str, version: int, production: int, config: GateConfig
) -> list[Check]:
    since = utcnow() - timedelta(hours=config.live_window_h)
    limit = max(config.live_min_labels * 10, 5_000)  # the newest labels are enough to compare
    candidate = await variants.labelled_predictions(
        session,
        model_name,
        version,
        since,
        variants=(variants.CANARY, variants.SHADOW),
        limit=limit,
    )
    served = await variants.labelled_predictions(
        session, model_name, production, since, variants=(variants.PRODUCTION,), limit=limit
    )
    return live_checks(variants.live_metrics(candidate), variants.live_metrics(served), config)


def _require_gate(
    checks: list[Check], version: int, action: str, force: bool, reason: str | None
) -> bool:
    """Raise unless the gate passes or the caller forces with a reason; returns 'was forced'."""
    if force and not (reason and reason.strip()):
        raise ContractError(
            f"a forced {action} needs a reason",
            [{"field": "reason", "reason": "required with force"}],
        )
    if not passed(checks) and not force:
        failing = [c.message for c in checks if not c.passed]
        raise GateFailedError(
            f"version {version} fails the promotion gate: {'; '.join(failing)}",
            [asdict(c) for c in checks],
        )
    return force and not passed(checks)


async def _pass_gate(
    session: AsyncSession,
    model_name: str,
    version: int,
    config: GateConfig,
    action: str,
    force: bool,
    reason: str | None,
) -> dict[str, Any]:
    """Gate `version` for `action` (see _require_gate); the event fields saying how it passed."""
    checks = await gate_checks(session, model_name, version, config)
    forced = _require_gate(checks, version, action, force, reason)
    return {"forced": forced, "reason": reason, "checks": [asdict(c) for c in checks]}


async def promote(
    session: AsyncSession,
    model_name: str,
    version: int,
    config: GateConfig,
    *,
    force: bool = False,
    reason: str | None = None,
    actor: str = "api",
) -> dict[str, Any]:
    """Make `version` production (the old one becomes `previous`). Caller commits."""
    gate = await _pass_gate(session, model_name, version, config, "promotion", force, reason)
    current = await registry.get_alias(session, model_name, registry.PRODUCTION)
    previous = None if current is None else current.version
    if previous == version:
        return {"action": "promote", "version": version, "previous": previous, "changed": False}
    if previous is not None:
        await registry.set_alias(session, model_name, PREVIOUS, previous)
    await registry.set_alias(session, model_name, registry.PRODUCTION, version)
    moved = {"action": "promote", "version": version, "previous": previous}
    cleared = await _clear_aliases_of(session, model_name, version)
    payload = {**moved, "cleared": cleared, **gate, "actor": actor, "changed": True}
    return await _announce(session, model_name, payload)


async def rollback(session: AsyncSession, model_name: str, *, actor: str = "api") -> dict[str, Any]:
    """Swap `production` and `previous` (no gate: going back to what ran before). Caller commits."""
    previous = await registry.get_alias(session, model_name, PREVIOUS)
    current = await registry.get_alias(session, model_name, registry.PRODUCTION)
    if previous is None or current is None:
        raise NotFoundError(f"no previous production version of '{model_name}' to roll back to")
    target, replaced = previous.version, current.version
    await registry.set_alias(session, model_name, registry.PRODUCTION, target)
    await registry.set_alias(session, model_name, PREVIOUS, replaced)
    return await _announce(
        session,
        model_name,
        {
            "action": "rollback",
            "version": target,
            "previous": replaced,
            "actor": actor,
            "changed": True,
        },
    )


async def _clear_aliases_of(session: AsyncSession, model_name: str, version: int) -> list[str]:
    """Production now serves `version`: its canary, shadow and candidate aliases have done their job."""
    cleared = []
    for alias in (registry.CANARY, registry.SHADOW, registry.CANDIDATE):
        row = await registry.get_alias(session, model_name, alias)
        if row is not None and row.version == version:
            await registry.clear_alias(session, model_name, alias)
            cleared.append(alias)
    return cleared


async def _not_production(session: AsyncSession, model_name: str, version: int, alias: str) -> None:
    await _version(session, model_name, version)
    production = await registry.get_alias(session, model_name, registry.PRODUCTION)
    if production is not None and production.version == version:
        raise ContractError(
            f"version {version} is production; a {alias} must be another version",
            [{"field": "version", "reason": f"already production; cannot also be {alias}"}],
        )


async def _announce(
    session: AsyncSession, model_name: str, payload: dict[str, Any]
) -> dict[str, Any]:
    event = await add_event(session, model_name, "model", payload)
    return {**payload, "event_id": event.id}


async def _move_alias(
    session: AsyncSession, model_name: str, alias: str, version: int, **event: Any
) -> dict[str, Any]:
    """Point `alias` at `version` (at `event["percent"]` of traffic, if given) and announce it
    with the version it pointed at before; `event` holds the payload's other fields."""
    before = await registry.get_alias(session, model_name, alias)
    await registry.set_alias(session, model_name, alias, version, event.get("percent"))
    previous = None if before is None else before.version
    payload = {"action": alias, "version": version, "previous": previous, **event}
    return await _announce(session, model_name, {**payload, "changed": True})


async def set_canary(
    session: AsyncSession,
    model_name: str,
    version: int,
    percent: float,
    config: GateConfig,
    *,
    force: bool = False,
    reason: str | None = None,
    actor: str = "api",
) -> dict[str, Any]:
    """Send `percent` % of online traffic to `version` (gated like a promotion). Caller commits."""
    if not 0 <= percent <= 100:
        raise ContractError(
            "percent must be within 0..100", [{"field": "percent", "reason": "0..100"}]
        )
    await _not_production(session, model_name, version, registry.CANARY)
    gate = await _pass_gate(session, model_name, version, config, "canary", force, reason)
    shadow = await registry.get_alias(session, model_name, registry.SHADOW)
    cleared = []
    if shadow is not None and shadow.version == version:  # shadow → canary: the usual next step
        await registry.clear_alias(session, model_name, registry.SHADOW)
        cleared.append(registry.SHADOW)
    return await _move_alias(
        session,
        model_name,
        registry.CANARY,
        version,
        percent=float(percent),
        cleared=cleared,
        **gate,
        actor=actor,
    )


async def set_shadow(
    session: AsyncSession, model_name: str, version: int, *, actor: str = "api"
) -> dict[str, Any]:
    """Score every online prediction with `version` too, off the request path. Caller commits."""
    await _not_production(session, model_name, version, registry.SHADOW)
    canary = await registry.get_alias(session, model_name, registry.CANARY)
    if canary is not None and canary.version == version:
        raise ContractError(
            f"version {version} is the canary; turn the canary off first",
            [{"field": "version", "reason": "already canary"}],
        )
    return await _move_alias(session, model_name, registry.SHADOW, version, actor=actor)


async def set_candidate(
    session: AsyncSession, model_name: str, version: int, *, actor: str = "api"
) -> dict[str, Any]:
    """Mark `version` as the proposed next production version (serves nothing). Caller commits."""
    await _version(session, model_name, version)
    return await _move_alias(session, model_name, registry.CANDIDATE, version, actor=actor)


async def clear(
    session: AsyncSession, model_name: str, alias: str, *, actor: str = "api"
) -> dict[str, Any]:
    """Turn the canary or shadow off (`{alias}_off` event even if it was not set). Caller commits."""
    version = await registry.clear_alias(session, model_name, alias)
    return await _announce(
        session,
        model_name,
        {
            "action": f"{alias}_off",
            "version": version,
            "actor": actor,
            "changed": version is not None,
        },
    )
