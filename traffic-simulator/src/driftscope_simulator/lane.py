"""One stream of predictions to one model: Poisson arrivals at its own rate, back-off, labels."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import httpx
import numpy as np

from driftscope_simulator.labels import LabelQueue
from driftscope_simulator.stats import Rolling

log = logging.getLogger(__name__)
NOT_SERVED_PAUSE_S = 15.0  # a 404: the model is not trained yet; look again later


class Pace(Protocol):
    """What a lane reads of the desired state: whether to send, and how fast."""

    running: bool
    rate: float


class Source(Protocol):
    """Request bodies with their true labels, under the scenario in force."""

    path: str  # the endpoint the bodies go to

    @property
    def phase(self) -> str:
        """The scenario in force now."""
        ...

    def next(self, now: float) -> tuple[dict[str, Any], int]: ...

    async def prepare(self) -> bool:
        """Load what the source needs (once); False if it cannot send at all."""
        ...


@dataclass
class LaneCounts:
    sent: int = 0
    ok: int = 0
    failed: int = 0
    throttled: int = 0


@dataclass
class LaneConfig:
    label_delay_s: tuple[float, float]
    label_coverage: float
    burst: Callable[[float], float]  # now → rate multiplier
    max_in_flight: int


S = TypeVar("S", bound=Source)


class Lane(Generic[S]):
    """Sends `source`'s bodies at `pace().rate`; answers' prediction ids go to `labels`."""

    def __init__(
        self,
        source: S,
        pace: Callable[[], Pace],
        client: httpx.AsyncClient,
        labels: LabelQueue,
        config: LaneConfig,
        seed: int | None,
    ) -> None:
        self.source, self.pace, self.client = source, pace, client
        self.labels, self.config = labels, config
        # Arrivals draw from their own stream: label draws happen in response order, which
        # would otherwise make the arrival times of a seeded run differ from run to run.
        self.arrival_rng = np.random.default_rng(seed)
        self.label_rng = np.random.default_rng(None if seed is None else seed + 1)
        self.latency = Rolling()
        self.counts = LaneCounts()
        self.paused_until = 0.0
        self.backoff_s = 0.0
        self.served = True  # False after a 404 until an answer comes back
        self.last_failure: str | None = None  # why the latest failed request failed
        self.available: bool | None = None  # the source prepared (None: not yet tried)
        self._slots = asyncio.Semaphore(config.max_in_flight)
        self.in_flight: set[asyncio.Task[None]] = set()

    def current_rate(self, now: float) -> float:
        return min(1000.0, self.pace().rate * self.config.burst(now))

    def held(self, now: float) -> bool:
        return not self.pace().running or now < self.paused_until

    async def arrivals(self, stop: asyncio.Event) -> None:
        """Until `stop`: a request at each Poisson arrival while running and not paused."""
        next_at = time.monotonic()
        while not stop.is_set():
            now = time.monotonic()
            if self.held(now) or not await self._ready():
                await asyncio.sleep(0.05)
                next_at = time.monotonic()
                continue
            next_at += float(self.arrival_rng.exponential(1.0 / self.current_rate(now)))
            if next_at > now:
                await asyncio.sleep(next_at - now)
            elif now - next_at > 1.0:
                next_at = now  # fell behind by more than a second: do not fire a catch-up burst
            if stop.is_set() or self.held(time.monotonic()):
                continue  # paused (429/503, an error, running=false) while waiting: dropped
            await self._slots.acquire()
            task = asyncio.create_task(self._send_one())
            self.in_flight.add(task)
            task.add_done_callback(self.in_flight.discard)

    async def _ready(self) -> bool:
        if self.available is None:
            self.available = await self.source.prepare()
        return self.available

    async def _send_one(self) -> None:
        try:
            body, label = self.source.next(time.monotonic())
            self.counts.sent += 1
            started = time.monotonic()
            try:
                response = await self.client.post(self.source.path, json=body)
            except httpx.HTTPError as exc:
                self._failed(f"{type(exc).__name__}: {exc}")
                return
            self._answered(response, started, label)
        finally:
            self._slots.release()

    def _answered(self, response: httpx.Response, started: float, label: int) -> None:
        if response.status_code in (429, 503):
            self.counts.throttled += 1
            self._pause(_retry_after(response))
            return
        if response.status_code == 404:
            self._not_served()
            return
        if response.status_code != 200:
            self._failed(f"HTTP {response.status_code}: {response.text[:200]}")
            return
        now = time.monotonic()
        self.backoff_s, self.served = 0.0, True
        self.counts.ok += 1
        self.latency.add(now, (now - started) * 1000)
        if self.label_rng.random() < self.config.label_coverage:
            lo, hi = self.config.label_delay_s
            due = now + float(self.label_rng.uniform(lo, hi))
            self.labels.push(due, response.json()["prediction_id"], label)

    def _not_served(self) -> None:
        self.counts.failed += 1
        if self.served:
            log.warning(
                "%s answers 404: its model is not served (trained?); retrying every %gs",
                self.source.path,
                NOT_SERVED_PAUSE_S,
            )
        self.served = False
        self._pause(NOT_SERVED_PAUSE_S)

    def _pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, time.monotonic() + seconds)

    def _failed(self, reason: str) -> None:
        self.counts.failed += 1
        self.last_failure = reason
        if time.monotonic() < self.paused_until:
            return  # in flight when an earlier failure paused us: same outage, no extra doubling
        self.backoff_s = min(10.0, max(0.5, self.backoff_s * 2))
        self._pause(self.backoff_s)
        log.debug("request failed (%s); backing off %.1fs", reason, self.backoff_s)

    def status(self) -> dict[str, Any]:
        """This stream's share of the heartbeat: rate, latency, counts, scenario in force."""
        now = time.monotonic()
        return {
            "actual_rate": round(self.latency.rate(now), 2),
            "phase": self.source.phase,
            "sent": self.counts.sent,
            "failed": self.counts.failed,
            "throttled": self.counts.throttled,
            "p50_ms": self.latency.percentile(0.5),
            "p99_ms": self.latency.percentile(0.99),
            "served": self.served,
        }


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(0.1, min(60.0, float(response.headers.get("retry-after", "1"))))
    except ValueError:
        return 1.0
