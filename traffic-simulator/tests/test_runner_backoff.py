"""Back-pressure: 429/503 with Retry-After pause the simulator; connection errors back off."""

from __future__ import annotations

import itertools
import math
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import httpx
import pytest

from driftscope.settings import Settings
from driftscope.testing.waiting import wait_until

from .conftest import LiveServer, Running, free_port

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

    async def wait_traffic_until(self, seconds: float) -> None:
        """Until a request `seconds` after the first one has been seen."""
        await wait_until(
            lambda: self.requests and self.requests[-1][0] >= seconds,
            what=f"requests {seconds:.1f} s after the first",
        )


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
    # A pause never ends early, only late (a busy machine): with Retry-After 1 the second
    # refused burst comes at 1 s, leaving 0.8 s of slack before the outage ends; with 2 the
    # simulator is back after the outage.
    pause_s, outage_s = float(retry_after), 1.8
    stub = Stub(throttled(status, retry_after), outage_s)
    running = start(run_simulator, stub)
    await wait_until(lambda: stub.times(200), what="a request answered 200")
    await stub.wait_traffic_until(stub.times(200)[0] + 2.0)
    counters = await running.stop()
    refusals = bursts(stub.times(status))
    assert counters.throttled == sum(len(b) for b in refusals)
    # Each refusal silences the simulator for Retry-After seconds (≈75 requests would fall in
    # the outage at 50 req/s): one refused burst per pause, then the first success.
    assert len(refusals) == math.ceil(outage_s / pause_s)
    resumed_at = stub.times(200)[0]
    assert all(gap >= 0.95 * pause_s for gap in [*gaps(refusals), resumed_at - refusals[-1][-1]])
    # Paused, not sending on: a handful per refused burst (a burst is what was already in
    # flight, more if a busy machine made the simulator fall behind), not ≈ 90.
    assert stub.count(0.0, outage_s) <= 10 * len(refusals)
    assert stub.count(resumed_at, resumed_at + 2.0) >= RESUMED
    assert counters.failed == 0


async def test_connection_errors_back_off_then_resume(
    run_simulator: Callable[..., Running],
) -> None:
    stub = Stub(refused, outage_s=1.2)
    running = start(run_simulator, stub)
    sim = running.sim
    await wait_until(lambda: sim.counters.ok > 0, what="a request answered 200")
    attempts = bursts(stub.times(0))
    # Back-off 0.5 s, then doubled to 1 s: two attempts instead of ≈60 requests; requests in
    # flight together count as one attempt and do not double it again. A pause never ends
    # early (0.1 s off for the burst's spread); a busy machine only makes it later, but not
    # as late as the next doubling.
    assert len(attempts) == 2
    assert 0.4 <= gaps(attempts)[0] < 1.0
    resumed_at = stub.times(200)[0]
    assert 0.9 <= resumed_at - attempts[-1][-1] < 2.0
    await stub.wait_traffic_until(resumed_at + 2.0)
    counters = await running.stop()
    assert sim.fraud.backoff_s == 0.0  # a success resets the back-off
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
    await wait_until(lambda: sim.counters.failed >= 2, what="two refused connections")
    async with start_server(admin_settings, port) as server:
        # The back-off doubles from 0.5 s up to 10 s: the next attempt comes within ≈ 8 s.
        waited = await wait_until(
            lambda: sim.counters.ok >= 50, what="50 predictions", timeout_s=60
        )
        counters = await running.stop()
        assert await server.flush() == counters.ok
    print(f"resumed {waited:.1f} s after the backend started")
    assert sim.fraud.backoff_s == 0.0
