"""Promotion and rollback through the `production` and `previous` aliases, gated and audited.

Each change writes a `model` event in the same transaction; every backend replica reloads
the model when it sees the event (or its periodic alias check notices the change).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from driftscope import registry
from driftscope.errors import ContractError, GateFailedError, NotFoundError
from driftscope.events import add_event
from driftscope.gate import Check, GateConfig, passed, run_gate

PREVIOUS = "previous"


async def gate_checks(
    session: AsyncSession, model_name: str, version: int, config: GateConfig
) -> list[Check]:
    target = await registry.get_version(session, model_name, version)
    if target is None:
        raise NotFoundError(f"no version {version} of model '{model_name}'")
    current = await registry.resolve(session, model_name)
    baseline = None if current is None or current.version == version else current.metrics
    return run_gate(target.metrics, baseline, config)


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
    checks = await gate_checks(session, model_name, version, config)
    if force and not (reason and reason.strip()):
        raise ContractError(
            "a forced promotion needs a reason",
            [{"field": "reason", "reason": "required with force"}],
        )
    if not passed(checks) and not force:
        failing = [c.message for c in checks if not c.passed]
        raise GateFailedError(
            f"version {version} fails the promotion gate: {'; '.join(failing)}",
            [asdict(c) for c in checks],
        )
    current = await registry.get_alias(session, model_name, registry.PRODUCTION)
    previous = None if current is None else current.version
    if previous == version:
        return {"action": "promote", "version": version, "previous": previous, "changed": False}
    if previous is not None:
        await registry.set_alias(session, model_name, PREVIOUS, previous)
    await registry.set_alias(session, model_name, registry.PRODUCTION, version)
    payload = {
        "action": "promote",
        "version": version,
        "previous": previous,
        "forced": force and not passed(checks),
        "reason": reason,
        "actor": actor,
        "checks": [asdict(c) for c in checks],
        "changed": True,
    }
    event = await add_event(session, model_name, "model", payload)
    return {**payload, "event_id": event.id}


async def rollback(session: AsyncSession, model_name: str, *, actor: str = "api") -> dict[str, Any]:
    """Swap `production` and `previous` (no gate: going back to what ran before). Caller commits."""
    previous = await registry.get_alias(session, model_name, PREVIOUS)
    current = await registry.get_alias(session, model_name, registry.PRODUCTION)
    if previous is None or current is None:
        raise NotFoundError(f"no previous production version of '{model_name}' to roll back to")
    target, replaced = previous.version, current.version
    await registry.set_alias(session, model_name, registry.PRODUCTION, target)
    await registry.set_alias(session, model_name, PREVIOUS, replaced)
    payload = {
        "action": "rollback",
        "version": target,
        "previous": replaced,
        "actor": actor,
        "changed": True,
    }
    event = await add_event(session, model_name, "model", payload)
    return {**payload, "event_id": event.id}
