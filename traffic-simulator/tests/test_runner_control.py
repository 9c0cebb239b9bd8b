"""Live control: the backend's desired state reaches a running simulator (it polls once a
second: about a second on a quiet machine; the deadlines are generous for a busy one)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from driftscope.testing.waiting import DEADLINE_S, wait_until

from .conftest import ADMIN_KEY, LiveServer, Running

ADMIN = {"X-API-Key": ADMIN_KEY}


async def simulator_state(http: httpx.AsyncClient) -> dict[str, Any]:
    response = await http.get("/api/v1/simulator")
    assert response.status_code == 200, response.text
    state: dict[str, Any] = response.json()
    return state


async def state_when(
    http: httpx.AsyncClient, predicate: Callable[[dict[str, Any]], bool], what: str
) -> dict[str, Any]:
    """The first GET /api/v1/simulator state satisfying `predicate`."""
    last: dict[str, Any] = {}

    async def holds() -> bool:
        last.update(await simulator_state(http))
        return predicate(last)

    await wait_until(holds, what=what, interval_s=0.1, detail=lambda: f"last state: {last}")
    return last


@pytest.mark.slow
async def test_put_changes_the_running_scenario(
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
    async with httpx.AsyncClient(base_url=server.url, timeout=DEADLINE_S) as http:
        await wait_until(
            lambda: sim.control_online and sim.counters.ok > 0, what="the simulator running"
        )
        state = await simulator_state(http)
        assert (state["desired"]["rate"], state["desired"]["scenario"]) == (30.0, "none")
        assert sim.fraud.source.phase == "none"

        response = await http.put("/api/v1/simulator", json={"scenario": "sudden"}, headers=ADMIN)
        assert response.status_code == 200, response.text
        # The simulator polls once a second; the next transaction is made under the new scenario.
        applied = await wait_until(
            lambda: sim.fraud.source.phase == "sudden", what="the simulator to adopt the scenario"
        )
        assert sim.desired.scenario == "sudden"
        assert sim.desired.rate == 30.0  # fields not in the PUT keep their value
        print(f"scenario applied {applied:.2f} s after the PUT")

        # Its heartbeat reports the new phase: the dashboard sees it online and drifting.
        state = await state_when(
            http,
            lambda s: bool(s["status"]) and s["status"]["phase"] == "sudden",
            what="a heartbeat reporting the sudden phase",
        )
        assert state["online"] is True
        assert (state["status"]["scenario"], state["status"]["phase"]) == ("sudden", "sudden")
        assert state["status"]["sent"] > 0

        await http.put("/api/v1/simulator", json={"running": False}, headers=ADMIN)
        await wait_until(lambda: not sim.desired.running, what="the simulator to pause")
        paused_at = sim.counters.sent
        await asyncio.sleep(0.5)  # an absence can only be watched for a while: nothing is sent
        assert sim.counters.sent == paused_at
    await running.stop()
