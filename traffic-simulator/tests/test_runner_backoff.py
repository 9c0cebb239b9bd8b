"""Back-pressure: 429/503 with Retry-After pause the simulator; connection errors back off."""

from __future__ import annotations

import asyncio
import itertools
import math
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import httpx
import pytest

from driftscope.settings import Settings

from .conftest import LiveServer, Running, free_port, wait_for

RATE = 50.0
PREDICT = "/api/v1/predict"


class Stub:
    """A backend stand-in: from the first request on, `outage` for `outage_s`, then 200s."""

    def __init__(self, outage: Callable[[], httpx.Response], outage_s: float) -> None:
        self.outage, self.outage_s = outage, outage_s
        self.first: float | None = None
        self.requests: list[
            tuple[float, int]
        ] = []  # (seconds since the first, status; 0 = refused)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handle), base_url="http://stub")

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path != PREDICT:
            return httpx.Response(200, json={})
        now = time.monotonic()
        self.first = self.first if self.first is not None else now
        try:
            response = self.outage() if now - self.first < self.outage_s else None
        except httpx.ConnectError:
            self.requests.append((now - self.first, 0))
            raise
        response = response or httpx.Response(200, json={"prediction_id": str(uuid.uuid4())})
        self.requests.append((now - self.first, response.status_code))
        return response

    def count(self, start_s: float, end_s: float) -> int:
        """Requests in [start_s, end_s) seconds after the first one."""
        return sum(1 for t, _ in self.requests if start_s <= t < end_s)

    def times(self, status: int) -> list[float]:
        return [t for t, code in self.requests if code == status]


def bursts(times: list[float], within_s: float = 0.25) -> list[list[float]]:
    """Requests grouped by closeness: the ones of a burst were in flight together, before the
    simulator saw the first answer, so only the gaps between bursts show its pauses."""
    groups: list[list[float]] = []
    for t in times:
        if groups and t - groups[-1][-1] < within_s:
            groups[-1].append(t)
        else:
            groups.append([t])
    return groups


def gaps(groups: list[list[float]]) -> list[float]:
    return [b[0] - a[-1] for a, b in itertools.pairwise(groups)]


def throttled(status: int, retry_after: str) -> Callable[[], httpx.Response]:
    return lambda: httpx.Response(status, headers={"Retry-After": retry_after}, json={})


def refused() -> httpx.Response:
    raise httpx.ConnectError("connection refused")


def start(run_simulator: Callable[..., Running], stub: Stub) -> Running:
    return run_simulator(
        client=stub.client(),
        seed=21,
        control=False,
        initial={"rate": RATE, "scenario": "none"},
        label_coverage=0.0,
    )


# Poisson arrivals: 2 s at 50 req/s is 100 ± 10 requests; 60 means "back at the target rate".
RESUMED = 0.6 * 2 * RATE


@pytest.mark.parametrize(("status", "retry_after"), [(429, "1"), (503, "1"), (429, "2")])
async def test_retry_after_pauses_then_traffic_resumes(
    run_simulator: Callable[..., Running], status: int, retry_after: str
) -> None:
    pause_s, outage_s = float(retry_after), 1.5
    stub = Stub(throttled(status, retry_after), outage_s)
    running = start(run_simulator, stub)
    await wait_for(lambda: len(stub.times(200)) > 0, timeout_s=outage_s + pause_s + 2)
    await asyncio.sleep(2.2)
    counters = await running.stop()
    refusals = bursts(stub.times(status))
    assert counters.throttled == sum(len(b) for b in refusals)
    # Each refusal silences the simulator for Retry-After seconds (≈75 requests would fall in
    # the outage at 50 req/s): one refused burst per pause, then the first success.
    assert len(refusals) == math.ceil(outage_s / pause_s)
    resumed_at = stub.times(200)[0]
    assert all(gap >= 0.95 * pause_s for gap in [*gaps(refusals), resumed_at - refusals[-1][-1]])
    assert stub.count(0.0, outage_s) <= 2 * len(refusals) + 4
    assert stub.count(resumed_at, resumed_at + 2.0) >= RESUMED
    assert counters.failed == 0


async def test_connection_errors_back_off_then_resume(
    run_simulator: Callable[..., Running],
) -> None:
    stub = Stub(refused, outage_s=1.2)
    running = start(run_simulator, stub)
    sim = running.sim
    await wait_for(lambda: sim.counters.ok > 0, timeout_s=5)
    attempts = bursts(stub.times(0))
    # Back-off 0.5 s, then doubled to 1 s: two attempts instead of ≈60 requests; requests in
    # flight together count as one attempt and do not double it again.
    assert len(attempts) == 2
    assert gaps(attempts)[0] == pytest.approx(0.5, abs=0.15)
    resumed_at = stub.times(200)[0]
    assert resumed_at - attempts[-1][-1] == pytest.approx(1.0, abs=0.2)
    await asyncio.sleep(2.2)
    counters = await running.stop()
    assert sim.backoff_s == 0.0  # a success resets the back-off
    assert stub.count(resumed_at, resumed_at + 2.0) >= RESUMED
    assert counters.failed == sum(len(a) for a in attempts)


async def test_simulator_started_before_the_backend_catches_up_when_it_comes_up(
    admin_settings: Settings,
    start_server: Callable[[Settings, int], AbstractAsyncContextManager[LiveServer]],
    run_simulator: Callable[..., Running],
) -> None:
    port = free_port()
    running = run_simulator(
        url=f"http://127.0.0.1:{port}",
        seed=22,
        control=False,
        initial={"rate": RATE, "scenario": "none"},
        label_coverage=0.0,
    )
    sim = running.sim
    await wait_for(lambda: sim.counters.failed >= 2, timeout_s=5)
    async with start_server(admin_settings, port) as server:
        # The back-off doubles from 0.5 s up to 10 s: the next attempt comes within ≈ 8 s.
        waited = await wait_for(lambda: sim.counters.ok >= 50, timeout_s=15)
        counters = await running.stop()
        assert await server.flush() == counters.ok
    print(f"resumed {waited:.1f} s after the backend started")
    assert sim.backoff_s == 0.0
