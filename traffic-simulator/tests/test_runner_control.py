"""Live control: the backend's desired state reaches a running simulator within 2 s."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from .conftest import ADMIN_KEY, LiveServer, Running, wait_for

ADMIN = {"X-API-Key": ADMIN_KEY}


async def simulator_state(http: httpx.AsyncClient) -> dict[str, Any]:
    response = await http.get("/api/v1/simulator")
    assert response.status_code == 200, response.text
    state: dict[str, Any] = response.json()
    return state


async def state_when(
    http: httpx.AsyncClient, predicate: Callable[[dict[str, Any]], bool], timeout_s: float
) -> dict[str, Any]:
    """The first GET /api/v1/simulator state satisfying `predicate`, or the last one seen."""
    deadline = time.monotonic() + timeout_s
    state = await simulator_state(http)
    while not predicate(state) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        state = await simulator_state(http)
    return state


@pytest.mark.slow
async def test_put_changes_the_running_scenario_within_two_seconds(
    server: LiveServer, run_simulator: Callable[..., Running]
) -> None:
    running = run_simulator(
        url=server.url,
        api_key=ADMIN_KEY,
        seed=31,
        initial={"rate": 30, "scenario": "none"},
        label_coverage=0.0,
    )
    sim = running.sim
    async with httpx.AsyncClient(base_url=server.url) as http:
        await wait_for(lambda: sim.control_online and sim.counters.ok > 0, timeout_s=5)
        state = await simulator_state(http)
        assert (state["desired"]["rate"], state["desired"]["scenario"]) == (30.0, "none")
        assert sim.stream.phase == "none"

        changed_at = time.monotonic()
        response = await http.put("/api/v1/simulator", json={"scenario": "sudden"}, headers=ADMIN)
        assert response.status_code == 200, response.text
        # The simulator polls once a second; the next transaction is made under the new scenario.
        await wait_for(
            lambda: sim.stream.phase == "sudden", timeout_s=2.0 - (time.monotonic() - changed_at)
        )
        assert sim.desired.scenario == "sudden"
        assert sim.desired.rate == 30.0  # fields not in the PUT keep their value
        print(f"scenario applied {time.monotonic() - changed_at:.2f} s after the PUT")

        # Its heartbeat reports the new phase: the dashboard sees it online and drifting.
        state = await state_when(
            http, lambda s: bool(s["status"]) and s["status"]["phase"] == "sudden", timeout_s=3.0
        )
        assert state["online"] is True
        assert (state["status"]["scenario"], state["status"]["phase"]) == ("sudden", "sudden")
        assert state["status"]["sent"] > 0

        await http.put("/api/v1/simulator", json={"running": False}, headers=ADMIN)
        await wait_for(lambda: not sim.desired.running, timeout_s=2.0)
        paused_at = sim.counters.sent
        await asyncio.sleep(0.5)
        assert sim.counters.sent == paused_at
    await running.stop()
