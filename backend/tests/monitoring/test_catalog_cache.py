"""The backend's model catalog cache: one registry read per refresh period or model event."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from driftscope.db import create_engine, make_sessionmaker, upgrade
from driftscope.errors import UnknownModelError
from driftscope.settings import Settings
from driftscope.spec import shipped_spec
from driftscope.testing.user_model import train_flights
from driftscope_backend.monitoring.catalog import CatalogCache


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def cache(database_url: str) -> AsyncIterator[CatalogCache]:
    engine = create_engine(database_url)
    await upgrade(engine)
    try:
        yield CatalogCache(make_sessionmaker(engine), refresh_s=5.0, clock=Clock())
    finally:
        await engine.dispose()


def clock_of(cache: CatalogCache) -> Clock:
    assert isinstance(cache.clock, Clock)
    return cache.clock


async def test_a_burst_of_requests_reads_the_registry_once(cache: CatalogCache) -> None:
    specs = await asyncio.gather(*(cache.spec("fraud") for _ in range(20)))
    assert cache.reads == 1
    assert all(spec == shipped_spec("fraud") for spec in specs)  # built in, not trained yet
    clock_of(cache).now += 4.9
    await cache.models()
    assert cache.reads == 1
    clock_of(cache).now += 0.2  # older than refresh_s: read again
    await cache.models()
    assert cache.reads == 2


async def test_an_unknown_model_until_registered_and_refreshed(
    cache: CatalogCache, database_url: str, tmp_path: Path
) -> None:
    with pytest.raises(UnknownModelError) as refused:
        await cache.spec("flights")
    assert (refused.value.code, refused.value.details) == ("unknown_model", {"model": "flights"})

    await train_flights(Settings(data_dir=tmp_path / "data", database_url=database_url))
    with pytest.raises(UnknownModelError):
        await cache.spec("flights")  # still fresh: the cache has not heard of it
    cache.invalidate()
    assert (await cache.spec("flights")).name == "flights"
    assert cache.reads == 2


async def test_a_change_heard_during_a_read_leaves_the_cache_stale(cache: CatalogCache) -> None:
    sessionmaker = cache.sessionmaker

    def invalidating_sessionmaker() -> object:
        cache.invalidate()  # a `model` event arrives while the registry is being read
        return sessionmaker()

    cache.sessionmaker = invalidating_sessionmaker  # type: ignore[assignment]
    await cache.models()
    cache.sessionmaker = sessionmaker
    await cache.models()
    assert cache.reads == 2
