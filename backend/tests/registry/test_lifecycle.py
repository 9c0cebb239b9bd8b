"""Promotion gate, promote/rollback through aliases (admin), and hot swap under load."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from driftscope.contract import FRAUD_CONTRACT
from driftscope.db import Event, ModelVersion
from driftscope.settings import Settings
from driftscope.testing import TrainedArtifact, register_artifact
from driftscope.testing.waiting import wait_until
from driftscope_backend.app import create_app

ADMIN = {"x-api-key": "k1"}


@pytest.fixture
async def two_versions(
    registered_settings: Settings, trained_model: TrainedArtifact
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    # No per-client rate limit: the hot-swap test drives > 1,000 req/s from one client.
    settings = registered_settings.model_copy(
        update={"admin_api_keys": "k1", "rate_limit_per_s": 0}
    )
    await register_artifact(settings, trained_model, version=2)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield app, client


async def test_gate_promote_rollback_and_audit(
    two_versions: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = two_versions
    gate = (await client.get("/api/v1/models/2/gate")).json()
    assert gate["passed"] is True and {c["name"] for c in gate["checks"]} >= {
        "roc_auc_floor",
        "f1_floor",
    }
    assert (await client.post("/api/v1/models/2/promote")).status_code == 401
    assert (
        await client.post("/api/v1/models/2/promote", headers={"x-api-key": "nope"})
    ).status_code == 401
    promoted = await client.post("/api/v1/models/2/promote", headers=ADMIN)
    assert promoted.status_code == 200, promoted.text
    assert (
        promoted.json()["version"],
        promoted.json()["previous"],
        promoted.json()["serving"],
    ) == (2, 1, 2)
    served = await client.post("/api/v1/predict", json=FRAUD_CONTRACT.example())
    assert served.json()["model_version"] == 2
    rolled = await client.post("/api/v1/models/rollback", headers=ADMIN)
    assert (rolled.json()["version"], rolled.json()["serving"]) == (1, 1)
    async with app.state.runtime.sessionmaker() as session:
        events = list(
            await session.scalars(select(Event).where(Event.kind == "model").order_by(Event.id))
        )
    assert [e.payload["action"] for e in events] == ["promote", "rollback"]
    assert (await client.post("/api/v1/models/99/promote", headers=ADMIN)).status_code == 404


async def test_promoting_production_again_changes_nothing(
    two_versions: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    """No event, so no actor or event id: the answer has only the keys of a no-op."""
    _, client = two_versions

    response = await client.post("/api/v1/models/1/promote", headers=ADMIN)

    assert response.status_code == 200, response.text
    assert response.json() == {
        "action": "promote",
        "version": 1,
        "previous": 1,
        "changed": False,
        "serving": 1,
        "canary": None,
        "shadow": None,
    }


async def test_gate_refuses_a_worse_model_unless_forced_with_a_reason(
    two_versions: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = two_versions
    async with app.state.runtime.sessionmaker() as session:
        worse = await session.scalar(select(ModelVersion).where(ModelVersion.version == 2))
        assert worse is not None
        worse.metrics = {**worse.metrics, "test": {**worse.metrics["test"], "roc_auc": 0.80}}
        await session.commit()
    refused = await client.post("/api/v1/models/2/promote", headers=ADMIN)
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "gate_failed"
    failing = {c["name"] for c in error["details"] if not c["passed"]}
    assert failing == {"roc_auc_floor", "roc_auc_vs_production"}
    assert app.state.runtime.model.version == 1
    no_reason = await client.post("/api/v1/models/2/promote", headers=ADMIN, json={"force": True})
    assert (
        no_reason.status_code == 422
        and no_reason.json()["error"]["details"][0]["field"] == "reason"
    )
    forced = await client.post(
        "/api/v1/models/2/promote", headers=ADMIN, json={"force": True, "reason": "incident 42"}
    )
    assert (
        forced.status_code == 200
        and forced.json()["forced"] is True
        and forced.json()["serving"] == 2
    )


@pytest.mark.slow
async def test_hot_swap_under_load_has_no_failures(
    two_versions: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    """Concurrent load while promoting and rolling back 5 times each: every request succeeds and
    names a version that was live at some moment while it was in flight."""
    _, client = two_versions
    swaps: list[tuple[float, float, int]] = []  # (started, finished, version live after)
    seen: list[tuple[float, float, int, int]] = []  # (started, finished, status, version)
    stop = asyncio.Event()

    async def load() -> None:
        while not stop.is_set():
            started = time.monotonic()
            response = await client.post("/api/v1/predict", json=FRAUD_CONTRACT.example())
            version = (
                response.json().get("model_version", -1) if response.status_code == 200 else -1
            )
            seen.append((started, time.monotonic(), response.status_code, version))
            await asyncio.sleep(0)  # an in-process ASGI call may never suspend: let others run

    async def served(more: int) -> None:
        # Counted, not timed: each version serves under load however slow the machine is.
        target = len(seen) + more
        await wait_until(lambda: len(seen) >= target, what=f"{more} more predictions")

    workers = [asyncio.create_task(load()) for _ in range(8)]
    for target in [2, 1] * 5:
        await served(25)
        started = time.monotonic()
        path = f"/api/v1/models/{target}/promote" if target == 2 else "/api/v1/models/rollback"
        response = await client.post(path, headers=ADMIN)
        assert response.status_code == 200, response.text
        swaps.append((started, time.monotonic(), response.json()["serving"]))
    await served(25)
    stop.set()
    await asyncio.gather(*workers)

    assert len(seen) > 200
    assert all(status == 200 for _, _, status, _ in seen)

    def live_during(start: float, end: float) -> set[int]:
        live = {1}
        for s_start, s_end, version in swaps:
            if s_end <= start:
                live = {version}
            elif s_start <= end:  # a swap overlapping the request: either side may have served it
                live = live | {version}
        return live

    assert all(version in live_during(start, end) for start, end, _, version in seen)
    assert {version for *_, version in seen} == {1, 2}
