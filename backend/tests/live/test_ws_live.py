"""WS /ws/live end to end against a real uvicorn server on 127.0.0.1 (random port)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn
import websockets

from driftscope.contract import FRAUD_CONTRACT
from driftscope.events import add_event
from driftscope.settings import Settings
from driftscope.testing.waiting import DEADLINE_S, wait_until
from driftscope_backend.app import create_app


@pytest.fixture
async def server(registered_settings: Settings) -> AsyncIterator[tuple[str, Any]]:
    app = create_app(registered_settings)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    instance = uvicorn.Server(config)
    task = asyncio.create_task(instance.serve())
    # uvicorn exposes a flag, not an event
    await wait_until(lambda: instance.started or task.done(), what="uvicorn to start", timeout_s=60)
    assert not task.done(), "uvicorn stopped before it started"
    try:
        yield f"127.0.0.1:{port}", app
    finally:
        instance.should_exit = True
        await asyncio.wait_for(task, timeout=60)


def _http(address: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=f"http://{address}", timeout=DEADLINE_S)


async def _receive_until(ws: Any, kind: str, timeout_s: float = DEADLINE_S) -> dict[str, Any]:
    async with asyncio.timeout(timeout_s):
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == kind:
                return message


async def _write_event(app: Any, kind: str, payload: dict[str, Any], model: str = "fraud") -> int:
    async with app.state.runtime.sessionmaker() as session:
        event = await add_event(session, model, kind, payload)
        await session.commit()
        return event.id


async def test_snapshot_then_stats_counting_predictions(server: tuple[str, Any]) -> None:
    address, _ = server
    async with websockets.connect(f"ws://{address}/ws/live") as ws:
        snapshot = json.loads(await ws.recv())
        assert (snapshot["type"], snapshot["model"]) == ("snapshot", "fraud")
        assert snapshot["data"]["model"]["version"] == 1
        assert snapshot["data"]["model"]["metrics"]["roc_auc"] > 0.8
        assert snapshot["data"]["drift"] is None  # no worker has run: "no data yet"
        async with _http(address) as http:
            response = await http.post("/api/v1/predict", json=[FRAUD_CONTRACT.example()] * 3)
        assert response.status_code == 200
        stats = await _receive_until(ws, "stats")
        while stats["data"]["total"] < 3:
            stats = await _receive_until(ws, "stats")
    assert (stats["model"], stats["data"]["total"]) == ("fraud", 3)
    assert set(stats["data"]) >= {
        "rps",
        "p50_ms",
        "p99_ms",
        "fraud_rate",
        "queue_depth",
        "rows_written",
    }


async def test_stats_are_per_model(server: tuple[str, Any]) -> None:
    address, app = server
    live = app.state.runtime.live
    for latency_us, positive in ((200, True), (400, False)):  # as a second model's route would
        live.record(latency_us, positive, model="flights")
    async with websockets.connect(f"ws://{address}/ws/live") as ws:
        assert json.loads(await ws.recv())["type"] == "snapshot"
        seen: dict[str, dict[str, Any]] = {}
        async with asyncio.timeout(DEADLINE_S):
            while len(seen) < 2:
                stats = await _receive_until(ws, "stats")
                seen[stats["model"]] = stats["data"]
    assert set(seen) == {"fraud", "flights"}
    assert (seen["flights"]["total"], seen["fraud"]["total"]) == (2, 0)
    history = live.history("flights")
    assert any(point["positive_rate"] == 0.5 for point in history)
    assert live.history("unknown") == []


async def test_outbox_events_are_pushed_and_resumable(server: tuple[str, Any]) -> None:
    address, app = server
    async with websockets.connect(f"ws://{address}/ws/live") as ws:
        assert json.loads(await ws.recv())["type"] == "snapshot"
        first = await _write_event(app, "drift", {"window_end": "w1"})
        second = await _write_event(app, "alert", {"change": "opened", "id": 1}, "flights")
        drift = await _receive_until(ws, "drift")
        alert = await _receive_until(ws, "alert")
    assert (drift["id"], drift["model"], drift["data"]) == (first, "fraud", {"window_end": "w1"})
    assert (alert["id"], alert["model"]) == (second, "flights")
    # A client that saw `first` gets exactly what it missed, not a snapshot.
    async with websockets.connect(f"ws://{address}/ws/live?last_id={first}") as ws:
        resumed = json.loads(await ws.recv())
    assert (resumed["type"], resumed["id"]) == ("alert", second)


async def test_many_clients_do_not_block_predictions(server: tuple[str, Any]) -> None:
    address, app = server
    clients = [await websockets.connect(f"ws://{address}/ws/live") for _ in range(20)]
    try:
        async with _http(address) as http:
            responses = await asyncio.gather(
                *(http.post("/api/v1/predict", json=FRAUD_CONTRACT.example()) for _ in range(50))
            )
        assert all(r.status_code == 200 for r in responses)
        assert len(app.state.runtime.hub.clients) == 20
    finally:
        for ws in clients:
            with contextlib.suppress(Exception):
                await ws.close()
