"""Smoke: the served model answers with a calibrated probability and the row is stored."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from driftscope.contract import FRAUD_CONTRACT
from driftscope.db import Prediction
from driftscope.testing.waiting import wait_until


async def test_predict_logs_row(client: httpx.AsyncClient, app: FastAPI) -> None:
    response = await client.post("/api/v1/predict", json=FRAUD_CONTRACT.example())
    assert response.status_code == 200, response.text
    body = response.json()
    assert 0.0 <= body["fraud_probability"] <= 1.0
    assert body["decision"] in ("fraud", "legit")
    runtime = app.state.runtime

    async def stored() -> int:
        async with runtime.sessionmaker() as session:
            return int(await session.scalar(select(func.count()).select_from(Prediction)) or 0)

    # The background flush stores it (every 200 ms on a quiet machine; later on a busy one).
    await wait_until(stored, what="the row stored by the background flush")
    assert await stored() == 1
