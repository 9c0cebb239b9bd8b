"""The backend's cache of external models: answers from the registry, refreshed, never per request."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from backend.tests.conftest import error_of
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from driftscope import registry
from driftscope.db import script_sessions
from driftscope.errors import ModelNotServedError, UnknownModelError, WrongModelKindError
from driftscope.external import reference_from_csv, register_external
from driftscope.settings import Settings
from driftscope.testing.external_model import (
    SCORE_COLUMN,
    register_external_flights,
    scored_flights_csv,
)
from driftscope.testing.user_model import FLIGHTS_TARGET
from driftscope.testing.waiting import wait_until
from driftscope_backend.external.models import IDLE_FACTOR, ExternalModels

if TYPE_CHECKING:
    from backend.tests.conftest import Api

NAME = "ext-flights"
ITEM = {"features": {"distance_km": 900.0, "stops": 0, "weekend": True, "carrier": "B"}}


@pytest.fixture
async def sessions(
    database_url: str, tmp_path: Path
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a database holding the external model NAME (version 1, production)."""
    async with script_sessions(database_url) as made:
        async with made() as session:
            await register_external_flights(session, tmp_path, NAME, rows=400)
            await session.commit()
        yield made


async def register_again(
    sessions: async_sessionmaker[AsyncSession], directory: Path, threshold: float
) -> None:
    path = scored_flights_csv(directory, rows=400, seed=9)
    reference = reference_from_csv(
        path, name=NAME, target=FLIGHTS_TARGET, score_column=SCORE_COLUMN, threshold=threshold
    )
    async with sessions() as session:
        await register_external(session, reference)
        await session.commit()


async def test_answers_come_from_the_registry(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    models = ExternalModels(sessions, retention_days=7.0)

    model = await models.get(NAME)

    assert (model.name, model.version, model.positive) == (NAME, 1, "delayed")
    assert model.spec.target == FLIGHTS_TARGET and 0 < model.threshold < 1
    assert await models.get(NAME) is model  # cached: the same object, validators built once
    with pytest.raises(UnknownModelError):
        await models.get("nope")
    with pytest.raises(UnknownModelError):
        await models.get("Not A Name")
    with pytest.raises(WrongModelKindError) as served:
        await models.get("fraud")  # built in: served here even before it is trained
    assert served.value.code == "served_model"


async def test_after_a_quiet_spell_the_registry_is_read_before_answering(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    models = ExternalModels(sessions, retention_days=7.0, refresh_s=0.05)
    assert (await models.get(NAME)).version == 1
    await register_again(sessions, tmp_path / "v2", threshold=0.7)
    registered = time.monotonic()

    await wait_until(
        lambda: time.monotonic() - registered > 0.05 * IDLE_FACTOR,
        what="the cached answer to go idle",
    )
    model = await models.get(NAME)

    assert (model.version, model.threshold) == (2, 0.7)


async def test_a_model_without_production_is_not_served(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    async with sessions() as session:
        await registry.clear_alias(session, NAME, registry.PRODUCTION)
        await session.commit()

    with pytest.raises(ModelNotServedError, match="has no production version"):
        await ExternalModels(sessions, retention_days=7.0).get(NAME)


async def test_a_running_backend_follows_the_registry_within_seconds(
    serve: Callable[[Settings], AbstractAsyncContextManager[Api]],
    sessions: async_sessionmaker[AsyncSession],
    database_url: str,
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url)
    async with serve(settings) as api:
        url = f"/api/v1/models/{NAME}/log"
        assert (await api.client.post(url, json=ITEM)).status_code == 200
        fraud = await api.client.post("/api/v1/models/fraud/log", json=ITEM)
        error_of(fraud, 409, "served_model")  # built in, not trained in this database
        async with sessions() as session:
            await registry.clear_alias(session, NAME, registry.PRODUCTION)
            await session.commit()

        async def refused() -> bool:
            return (await api.client.post(url, json=ITEM)).status_code == 503

        await wait_until(refused, what="/log to see the production alias cleared")
        error_of(await api.client.post(url, json=ITEM), 503, "model_not_served")
