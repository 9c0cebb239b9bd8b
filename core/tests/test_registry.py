"""Model registry: version numbers, promotion of the first version, aliases."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope.db import ReferenceProfile
from driftscope.registry import (
    PRODUCTION,
    get_alias,
    list_aliases,
    list_versions,
    next_version,
    register_version,
    resolve,
    set_alias,
)


async def register(session: AsyncSession, version: int, model_name: str = "fraud") -> bool:
    _, promoted = await register_version(
        session,
        model_name=model_name,
        version=version,
        kind="xgboost",
        artifact_path=f"/models/{model_name}/v{version}",
        sha256=f"{version:064x}",
        metrics={"test": {"roc_auc": 0.9 + version / 100}},
        threshold=0.1 * version,
        profile={"model_name": model_name, "n": 1000 * version},
    )
    return promoted


async def test_next_version_starts_at_one_and_increments(session: AsyncSession) -> None:
    assert await next_version(session, "fraud") == 1
    await register(session, 1)
    assert await next_version(session, "fraud") == 2
    await register(session, 2)
    assert await next_version(session, "fraud") == 3
    assert await next_version(session, "churn") == 1


async def test_first_version_becomes_production_and_later_ones_do_not(
    session: AsyncSession,
) -> None:
    assert await resolve(session, "fraud") is None
    assert await register(session, 1) is True
    assert await register(session, 2) is False

    production = await resolve(session, "fraud")
    assert production is not None
    assert (production.version, production.artifact_path) == (1, "/models/fraud/v1")
    assert production.metrics == {"test": {"roc_auc": 0.91}}
    assert production.threshold == pytest.approx(0.1)
    assert [v.version for v in await list_versions(session, "fraud")] == [1, 2]
    assert [(a.alias, a.version) for a in await list_aliases(session, "fraud")] == [(PRODUCTION, 1)]


async def test_each_model_name_has_its_own_production(session: AsyncSession) -> None:
    assert await register(session, 1, "fraud") is True
    assert await register(session, 1, "churn") is True
    churn = await resolve(session, "churn")
    assert churn is not None
    assert churn.artifact_path == "/models/churn/v1"


async def test_register_stores_the_reference_profile(session: AsyncSession) -> None:
    await register(session, 1)
    await register(session, 2)
    profiles = await session.scalars(
        select(ReferenceProfile).order_by(ReferenceProfile.model_version)
    )
    assert [(p.model_version, p.profile["n"]) for p in profiles] == [(1, 1000), (2, 2000)]


async def test_set_alias_creates_and_moves_aliases(session: AsyncSession) -> None:
    await register(session, 1)
    await register(session, 2)

    candidate = await set_alias(session, "fraud", "candidate", 2, traffic_percent=10.0)
    assert (candidate.version, candidate.traffic_percent) == (2, 10.0)
    resolved = await resolve(session, "fraud", "candidate")
    assert resolved is not None
    assert resolved.version == 2

    first_update = candidate.updated_at
    await set_alias(session, "fraud", PRODUCTION, 2)
    production = await resolve(session, "fraud")
    assert production is not None
    assert production.version == 2
    alias = await get_alias(session, "fraud", PRODUCTION)
    assert alias is not None
    assert alias.traffic_percent is None
    assert alias.updated_at >= first_update
    assert alias.updated_at.tzinfo is not None
    assert {a.alias: a.version for a in await list_aliases(session, "fraud")} == {
        PRODUCTION: 2,
        "candidate": 2,
    }


async def test_resolve_unknown_alias_or_model_is_none(session: AsyncSession) -> None:
    await register(session, 1)
    assert await resolve(session, "fraud", "shadow") is None
    assert await resolve(session, "churn") is None


async def test_alias_to_a_missing_version_resolves_to_none(session: AsyncSession) -> None:
    await register(session, 1)
    await set_alias(session, "fraud", "candidate", 7)
    assert await resolve(session, "fraud", "candidate") is None
