"""Monitoring API fixtures: an app with an admin key, fed shifted traffic and one worker run.

- `monitored`: the app (admin key "k1", alerts after one drifted window) after 500 shifted
  transactions went through POST /api/v1/predict and the worker computed the window.
- `fresh`: the same kind of app with no worker run yet (no reports).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest

from driftscope.contract import FRAUD_CONTRACT
from driftscope.db import utcnow
from driftscope.generator import generate_frame
from driftscope.settings import Settings
from driftscope_worker.monitor import drift_and_performance
from driftscope_worker.scheduler import make_context

if TYPE_CHECKING:
    from backend.tests.conftest import Api

ADMIN_KEY = "k1"
Serve = Callable[[Settings], AbstractAsyncContextManager["Api"]]


def shifted_transactions(n: int, seed: int) -> list[dict[str, Any]]:
    """Generator rows with card averages ×1.8 (ratio recomputed), as JSON-ready dicts."""
    frame = generate_frame(n, seed=seed)[FRAUD_CONTRACT.names]
    frame["avg_amount_30d"] = (frame["avg_amount_30d"] * 1.8).round(2)
    frame["amount_to_avg_ratio"] = (frame["amount"] / frame["avg_amount_30d"]).round(4)
    columns = frame.astype(object)
    return columns.where(columns.notna(), None).to_dict("records")  # type: ignore[return-value]


async def run_worker_once(settings: Settings) -> None:
    """One drift_and_performance run whose window [end − 1 h, end) covers the rows just logged."""
    ctx = make_context(settings)
    ctx.clock = lambda: utcnow() + timedelta(seconds=settings.monitor_interval_s)
    try:
        assert await drift_and_performance(ctx) == 1
    finally:
        await ctx.engine.dispose()


@pytest.fixture
def admin_settings(registered_settings: Settings) -> Settings:
    return registered_settings.model_copy(
        update={
            "admin_api_keys": ADMIN_KEY,
            "alert_consecutive_windows": 1,
            "monitor_interval_s": 60.0,
            "window_s": 3600.0,
        }
    )


@pytest.fixture
async def fresh(admin_settings: Settings, serve: Serve) -> AsyncIterator[Api]:
    async with serve(admin_settings) as api:
        yield api


@pytest.fixture
async def monitored(fresh: Api, admin_settings: Settings) -> Api:
    response = await fresh.predict(shifted_transactions(500, seed=31))
    assert response.status_code == 200, response.text
    await fresh.flush()
    await run_worker_once(admin_settings)
    return fresh
