"""Monitoring API fixtures: an app with an admin key, fed shifted traffic and one monitored window.

- `monitored`: the app (admin key "k1") after 500 shifted transactions went through
  POST /api/v1/predict and one window of the logged rows was recorded as the worker records it
  (drift report, performance snapshot, an open alert per drifted feature; driftscope.testing).
- `fresh`: the same kind of app with no window recorded yet (no reports).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any

import pandas as pd
import pytest

from driftscope.contract import FRAUD_CONTRACT
from driftscope.generator import generate_frame
from driftscope.settings import Settings
from driftscope.testing.monitoring import record_window

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


async def record_logged_window(api: Api, settings: Settings) -> None:
    """One monitored window of every prediction the app has logged (features and scores as
    stored, which is what the worker reads)."""
    await api.flush()
    rows = await api.predictions()
    features = pd.DataFrame([row.features for row in rows], columns=FRAUD_CONTRACT.names)
    await record_window(settings, features, [row.score for row in rows])


@pytest.fixture
def admin_settings(registered_settings: Settings) -> Settings:
    return registered_settings.model_copy(update={"admin_api_keys": ADMIN_KEY})


@pytest.fixture
async def fresh(admin_settings: Settings, serve: Serve) -> AsyncIterator[Api]:
    async with serve(admin_settings) as api:
        yield api


@pytest.fixture
async def monitored(fresh: Api, admin_settings: Settings) -> Api:
    response = await fresh.predict(shifted_transactions(500, seed=31))
    assert response.status_code == 200, response.text
    await record_logged_window(fresh, admin_settings)
    return fresh
