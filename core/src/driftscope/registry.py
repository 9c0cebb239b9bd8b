"""Model registry: versions, their reference profiles, and aliases (production, candidate, ...)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope.db.models import ModelAlias, ModelVersion, ReferenceProfile, utcnow
from driftscope.errors import InvalidSpecError, NotFoundError
from driftscope.spec import ModelSpec, shipped_spec

PRODUCTION = "production"
CANDIDATE = "candidate"  # proposed next production version: a label, serves nothing
CANARY = "canary"  # serves `traffic_percent` of online traffic
SHADOW = "shadow"  # scores every online prediction off the request path; never answers

# The `kind` of a version of a model served elsewhere (monitor-only): no artifact to load
# (artifact_path "" and sha256 ""); its predictions arrive through /models/{name}/log.
EXTERNAL_KIND = "external"


def is_external(version: ModelVersion) -> bool:
    return version.kind == EXTERNAL_KIND


async def next_version(session: AsyncSession, model_name: str) -> int:
    current = await session.scalar(
        select(func.max(ModelVersion.version)).where(ModelVersion.model_name == model_name)
    )
    return int(current or 0) + 1


async def register_version(
    session: AsyncSession,
    *,
    profile: dict[str, Any],
    spec: ModelSpec | None = None,
    **columns: Any,
) -> tuple[ModelVersion, bool]:
    """Store a version, its spec and reference profile; the first version becomes production.

    `columns` are ModelVersion's (model_name, version, kind, artifact_path, sha256, metrics,
    threshold); `spec` defaults to the model's shipped spec (a model with neither stores
    none, and load_spec refuses it). Returns the row and whether it was made production.
    """
    row = ModelVersion(**columns)
    name, version = row.model_name, row.version
    spec = spec or shipped_spec(name)
    if spec is not None and spec.name != name:
        raise InvalidSpecError(f"spec of model '{spec.name}' registered as model '{name}'")
    row.spec = None if spec is None else spec.to_dict()
    session.add(row)
    session.add(ReferenceProfile(model_name=name, model_version=version, profile=profile))
    promoted = await get_alias(session, name, PRODUCTION) is None
    if promoted:
        session.add(ModelAlias(model_name=name, alias=PRODUCTION, version=version))
    await session.flush()
    return row, promoted


async def get_alias(session: AsyncSession, model_name: str, alias: str) -> ModelAlias | None:
    return await session.get(ModelAlias, (model_name, alias))


async def set_alias(
    session: AsyncSession,
    model_name: str,
    alias: str,
    version: int,
    traffic_percent: float | None = None,
) -> ModelAlias:
    row = await get_alias(session, model_name, alias)
    if row is None:
        row = ModelAlias(model_name=model_name, alias=alias, version=version)
        session.add(row)
    row.version, row.traffic_percent, row.updated_at = version, traffic_percent, utcnow()
    await session.flush()
    return row


async def clear_alias(session: AsyncSession, model_name: str, alias: str) -> int | None:
    """Remove an alias; returns the version it pointed to (None when it was not set)."""
    row = await get_alias(session, model_name, alias)
    if row is None:
        return None
    version = row.version
    await session.delete(row)
    await session.flush()
    return version


async def get_version(session: AsyncSession, model_name: str, version: int) -> ModelVersion | None:
    return await session.scalar(
        select(ModelVersion).where(
            ModelVersion.model_name == model_name, ModelVersion.version == version
        )
    )


async def resolve(
    session: AsyncSession, model_name: str, alias: str = PRODUCTION
) -> ModelVersion | None:
    """The model version an alias points to, if any."""
    target = await get_alias(session, model_name, alias)
    return None if target is None else await get_version(session, model_name, target.version)


async def list_versions(session: AsyncSession, model_name: str) -> list[ModelVersion]:
    result = await session.scalars(
        select(ModelVersion)
        .where(ModelVersion.model_name == model_name)
        .order_by(ModelVersion.version)
    )
    return list(result)


async def list_aliases(session: AsyncSession, model_name: str) -> list[ModelAlias]:
    result = await session.scalars(select(ModelAlias).where(ModelAlias.model_name == model_name))
    return list(result)


async def load_spec(
    session: AsyncSession, model_name: str, version: int | None = None
) -> ModelSpec:
    """The spec stored with a version (default: production, else the latest version).

    Versions registered before specs were stored, and a built-in model not trained yet, read
    the model's shipped spec."""
    if version is None:
        row = await resolve(session, model_name) or await _latest_version(session, model_name)
    else:
        row = await get_version(session, model_name, version)
        if row is None:
            raise NotFoundError(f"model '{model_name}' has no version {version}")
    spec = ModelSpec.from_dict(row.spec) if row is not None and row.spec else None
    spec = spec or shipped_spec(model_name)
    if spec is None:
        raise NotFoundError(f"no spec for model '{model_name}'")
    return spec


async def _latest_version(session: AsyncSession, model_name: str) -> ModelVersion | None:
    return await session.scalar(
        select(ModelVersion)
        .where(ModelVersion.model_name == model_name)
        .order_by(ModelVersion.version.desc())
        .limit(1)
    )
