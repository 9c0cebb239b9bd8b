"""driftscope.testing.user_model: the flights model other suites serve and watch."""

from __future__ import annotations

import asyncio

from driftscope.db import create_engine, make_sessionmaker
from driftscope.registry import load_spec, resolve
from driftscope.settings import Settings
from driftscope.testing.user_model import FLIGHTS_TARGET, flights, train_flights


def test_flights_has_every_kind_and_missing_values() -> None:
    frame = flights(500, seed=1)
    assert frame["distance_km"].isna().sum() > 0
    assert set(frame["weekend"]) == {"true", "false"}
    assert set(frame["carrier"]) == {"A", "B", "C"}
    assert set(frame[FLIGHTS_TARGET]) == {"delayed", "on_time"}


def test_train_flights_registers_a_production_version_with_its_spec(settings: Settings) -> None:
    result = asyncio.run(train_flights(settings, "late", rows=800))

    async def state() -> tuple[int | None, list[tuple[str, str]], list[str]]:
        engine = create_engine(settings.resolved_database_url)
        try:
            async with make_sessionmaker(engine)() as session:
                production = await resolve(session, "late")
                spec = await load_spec(session, "late")
                kinds = [(f.name, f.kind) for f in spec.features]
                return None if production is None else production.version, kinds, list(spec.classes)
        finally:
            await engine.dispose()

    version, kinds, classes = asyncio.run(state())
    assert result.version == version == 1
    assert kinds == [
        ("distance_km", "numeric"),
        ("stops", "integer"),
        ("weekend", "boolean"),
        ("carrier", "categorical"),
    ]
    assert classes == ["delayed", "on_time"]
