"""The model catalog: every registered model, its production version, kind and spec, in two queries."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from driftscope.catalog import model_catalog
from driftscope.db import ModelVersion
from driftscope.registry import EXTERNAL_KIND, PRODUCTION, clear_alias, register_version
from driftscope.spec import ModelSpec, shipped_spec


def spec_named(name: str, description: str = "") -> ModelSpec:
    fraud = shipped_spec("fraud")
    assert fraud is not None
    return ModelSpec.from_dict({**fraud.to_dict(), "name": name, "description": description})


async def register(
    session: AsyncSession, name: str, version: int, *, spec: ModelSpec | None = None, **extra: Any
) -> None:
    columns = {
        "kind": "xgboost",
        "artifact_path": f"/models/{name}/v{version}",
        "sha256": f"{version:064x}",
        **extra,
    }
    await register_version(
        session,
        model_name=name,
        version=version,
        metrics={},
        threshold=0.1 * version,
        profile={"features": {}},
        spec=spec,
        **columns,
    )


async def test_every_model_with_its_production_version_kind_and_spec(
    session: AsyncSession,
) -> None:
    await register(session, "fraud", 1)
    await register(session, "fraud", 2)  # a candidate: production stays v1
    await register(
        session, "partner", 1, spec=spec_named("partner"), kind=EXTERNAL_KIND, artifact_path=""
    )
    await register(session, "draft", 1, spec=spec_named("draft", "first"))
    await register(session, "draft", 2, spec=spec_named("draft", "second"))
    await clear_alias(session, "draft", PRODUCTION)

    catalog = await model_catalog(session)

    assert list(catalog) == ["draft", "fraud", "partner"]
    summary = {n: (e.kind, e.production_version, e.threshold) for n, e in catalog.items()}
    assert summary == {
        "draft": ("served", None, None),
        "fraud": ("served", 1, pytest.approx(0.1)),
        "partner": ("external", 1, pytest.approx(0.1)),
    }
    assert catalog["draft"].spec.description == "second"  # without production: the newest
    assert catalog["fraud"].spec == shipped_spec("fraud")
    assert catalog["partner"].feature_names == [f.name for f in catalog["partner"].spec.features]


async def test_a_version_without_a_stored_spec_reads_the_shipped_one_or_is_left_out(
    session: AsyncSession,
) -> None:
    await register(session, "fraud", 1)
    await register(session, "legacy", 1, spec=spec_named("legacy"))
    await session.execute(update(ModelVersion).values(spec=None))  # rows from before specs

    catalog = await model_catalog(session)

    assert list(catalog) == ["fraud"]
    assert catalog["fraud"].spec == shipped_spec("fraud")


async def test_the_catalog_costs_two_queries_whatever_the_number_of_models(
    session: AsyncSession, engine: AsyncEngine
) -> None:
    for k in range(6):
        await register(session, f"model-{k}", 1, spec=spec_named(f"model-{k}"))
        await register(session, f"model-{k}", 2, spec=spec_named(f"model-{k}"))
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        catalog = await model_catalog(session)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert len(catalog) == 6 and len(statements) == 2
