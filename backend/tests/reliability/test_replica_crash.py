"""A backend replica SIGKILLed under load: the window counts match the stored rows exactly.

Counts are written in the same transaction as their rows, so a crash can lose only what was
still in the killed replica's buffer, rows and counts alike; nothing stored goes uncounted and
nothing is counted that was not stored. A replica started after the crash on the same database
carries on, and its rows are counted once.
"""

from __future__ import annotations

import asyncio
import contextlib

import httpx
import pytest
from backend.tests.conftest import transaction
from sqlalchemy import func, select

from driftscope.db import Prediction, WindowCount, create_engine
from driftscope.settings import Settings
from driftscope.testing.backend import serve_backend
from driftscope.testing.waiting import wait_until

pytestmark = pytest.mark.slow

CONCURRENCY = 8


async def rows_and_counts(settings: Settings) -> tuple[int, int, dict[str, int]]:
    """(stored predictions, their sum in window_counts, stored rows by source)."""
    engine = create_engine(settings.resolved_database_url)
    try:
        async with engine.connect() as conn:
            stored = int(await conn.scalar(select(func.count()).select_from(Prediction)) or 0)
            counted = int(await conn.scalar(select(func.sum(WindowCount.n))) or 0)
            by_source = dict(
                (
                    await conn.execute(
                        select(Prediction.source, func.count()).group_by(Prediction.source)
                    )
                ).all()  # type: ignore[arg-type]
            )
        return stored, counted, by_source
    finally:
        await engine.dispose()


async def keep_predicting(base_url: str, acknowledged: list[str]) -> None:
    """POST /predict from CONCURRENCY clients until the server goes away."""

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
            while True:
                try:
                    response = await http.post("/api/v1/predict", json=transaction())
                except httpx.HTTPError:
                    return  # killed
                if response.status_code == 200:
                    acknowledged.append(response.json()["prediction_id"])

    await asyncio.gather(*(client() for _ in range(CONCURRENCY)))


async def test_a_replica_killed_under_load_leaves_counts_equal_to_stored_rows(
    registered_settings: Settings,
) -> None:
    settings = registered_settings.model_copy(
        update={"writer_flush_interval_ms": 50.0, "rate_limit_per_s": 0.0}
    )
    acknowledged: list[str] = []
    async with serve_backend(settings) as backend:
        load = asyncio.create_task(keep_predicting(backend.url, acknowledged))
        # killed while requests keep arriving, once some are acknowledged and some stored

        async def under_way() -> bool:
            return len(acknowledged) >= 300 and (await rows_and_counts(settings))[0] > 0

        await wait_until(under_way, what="300 acknowledged predictions, some stored", timeout_s=120)
        assert not load.done(), "the load ended before the kill"
        backend.process.kill()
        await backend.process.wait()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(load, 30)

    stored, counted, by_source = await rows_and_counts(settings)
    assert by_source == {"online": stored}
    assert stored > 0, "nothing was stored before the kill"
    assert counted == stored, f"{counted} counted for {stored} stored rows"
    assert stored <= len(acknowledged) + CONCURRENCY  # nothing stored that was never sent

    # a replica started after the crash carries on; its rows are counted once
    async with (
        serve_backend(settings) as backend,
        httpx.AsyncClient(base_url=backend.url, timeout=10) as http,
    ):
        for _ in range(50):
            response = await http.post("/api/v1/predict", json=transaction())
            assert response.status_code == 200, response.text
    total, counted_after, _ = await rows_and_counts(settings)
    assert total == stored + 50
    assert counted_after == total
