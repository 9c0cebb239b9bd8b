"""The spec stored with every model version: migration 0004, register_version and load_spec."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import sqlalchemy
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from driftscope.db import ModelVersion, make_sessionmaker, upgrade
from driftscope.db.migrate import current_revision, downgrade
from driftscope.errors import InvalidSpecError, NotFoundError
from driftscope.registry import get_version, load_spec, register_version
from driftscope.spec import ModelSpec, shipped_spec

FRAUD = shipped_spec("fraud")
PENGUINS = ModelSpec.from_dict(
    {
        "name": "penguins",
        "target": "sex",
        "classes": ["male", "female"],
        "features": [{"name": "bill_length_mm", "kind": "numeric", "minimum": 29.1}],
    }
)


async def version_columns(engine: AsyncEngine) -> set[str]:
    def _columns(connection: Connection) -> set[str]:
        return {c["name"] for c in sqlalchemy.inspect(connection).get_columns("model_versions")}

    async with engine.connect() as conn:
        return await conn.run_sync(_columns)


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    await upgrade(engine)
    async with make_sessionmaker(engine)() as session:
        yield session  # each test has a database of its own: nothing to roll back


async def register(
    session: AsyncSession, name: str, version: int, spec: ModelSpec | None = None
) -> ModelVersion:
    columns = {"kind": "xgboost", "artifact_path": "/m", "sha256": "a" * 64, "threshold": 0.5}
    row, _ = await register_version(
        session, model_name=name, version=version, metrics={}, profile={}, spec=spec, **columns
    )
    return row


async def test_migration_0004_adds_and_removes_the_spec_column(engine: AsyncEngine) -> None:
    await upgrade(engine)
    assert "spec" in await version_columns(engine)

    await downgrade(engine, "0003")
    assert await current_revision(engine) == "0003"
    assert "spec" not in await version_columns(engine)

    await upgrade(engine, "0004")
    assert await current_revision(engine) == "0004"
    assert "spec" in await version_columns(engine)


async def test_a_version_registered_before_0004_reads_the_shipped_spec(
    engine: AsyncEngine,
) -> None:
    await upgrade(engine, "0003")
    async with engine.begin() as conn:
        await conn.execute(
            sqlalchemy.text(
                "INSERT INTO model_versions (model_name, version, kind, artifact_path, sha256,"
                " metrics, threshold, created_at) VALUES ('fraud', 1, 'xgboost', '/m', :sha,"
                " '{}', 0.5, CURRENT_TIMESTAMP)"
            ),
            {"sha": "a" * 64},
        )
    await upgrade(engine)
    async with make_sessionmaker(engine)() as session:
        row = await get_version(session, "fraud", 1)
        assert row is not None and row.spec is None
        assert await load_spec(session, "fraud", 1) == FRAUD


async def test_register_version_stores_the_shipped_spec_of_a_built_in_model(
    session: AsyncSession,
) -> None:
    row = await register(session, "fraud", 1)
    assert FRAUD is not None and row.spec == FRAUD.to_dict()
    assert await load_spec(session, "fraud") == FRAUD


async def test_each_version_keeps_the_spec_it_was_registered_with(
    session: AsyncSession,
) -> None:
    await register(session, "penguins", 1, PENGUINS)
    wider = PENGUINS.model_copy(update={"description": "v2: more penguins"})
    await register(session, "penguins", 2, wider)
    session.expire_all()  # read back from the database, not the identity map

    assert await load_spec(session, "penguins", 1) == PENGUINS
    assert await load_spec(session, "penguins", 2) == wider
    # No version given: production, which is the first registered version.
    assert await load_spec(session, "penguins") == PENGUINS


async def test_a_spec_registered_under_another_name_is_refused(session: AsyncSession) -> None:
    with pytest.raises(InvalidSpecError, match="spec of model 'penguins' registered as model"):
        await register(session, "fraud", 1, PENGUINS)


async def test_load_spec_of_an_unknown_model_or_version_is_not_found(
    session: AsyncSession,
) -> None:
    assert await load_spec(session, "fraud") == FRAUD  # built in: shipped, even untrained
    with pytest.raises(NotFoundError, match="no spec for model 'penguins'"):
        await load_spec(session, "penguins")
    await register(session, "penguins", 1, PENGUINS)
    with pytest.raises(NotFoundError, match="model 'penguins' has no version 7"):
        await load_spec(session, "penguins", 7)
    churn = await register(session, "churn", 1)  # no spec given, none shipped: NULL
    assert churn.spec is None
    with pytest.raises(NotFoundError, match="no spec for model 'churn'"):
        await load_spec(session, "churn", 1)
