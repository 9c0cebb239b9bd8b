"""The simulator: Poisson arrivals at the desired rate, late labels, live control, back-off."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import numpy as np

from driftscope_simulator.labels import LabelQueue
from driftscope_simulator.stats import Rolling
from driftscope_simulator.stream import TransactionStream

log = logging.getLogger(__name__)
MAX_IN_FLIGHT = 256
LABEL_BATCH = 1_000


@dataclass
class Desired:
    running: bool = True
    rate: float = 20.0
    scenario: str = "auto"
    intensity: float = 1.0
    fraud_rate: float = 0.04
    features: list[str] | None = None


@dataclass
class Options:
    url: str = "http://127.0.0.1:8000"
    api_key: str | None = None
    seed: int | None = None
    duration_s: float | None = None
    label_delay_s: tuple[float, float] = (10.0, 60.0)
    label_coverage: float = 0.8
    bursts: bool = False
    burst_every_s: float = 180.0
    burst_length_s: float = 10.0
    burst_factor: float = 10.0
    control: bool = True  # follow the backend's desired state (GET/PUT /api/v1/simulator)
    initial: dict[str, Any] | None = None  # desired fields to set on the backend at start


@dataclass
class Counters:
    sent: int = 0
    ok: int = 0
    failed: int = 0
    throttled: int = 0
    labels_sent: int = 0
    labels_failed: int = 0
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))


class Simulator:
    def __init__(self, options: Options, client: httpx.AsyncClient | None = None) -> None:
        self.options = options
        self.desired = Desired()
        self.client = client or httpx.AsyncClient(
            base_url=options.url,
            # Sent on every call: predictions too, for a server with DRIFTSCOPE_REQUIRE_PREDICT_KEY.
            headers={"x-api-key": options.api_key} if options.api_key else None,
            timeout=10.0,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
        )
        self.stream = TransactionStream(options.seed)
        self.rng = np.random.default_rng(None if options.seed is None else options.seed + 1)
        # Arrivals draw from their own stream: label draws happen in response order, which
        # would otherwise make the arrival times of a seeded run differ from run to run.
        self.arrival_rng = np.random.default_rng(None if options.seed is None else options.seed + 2)
        self.labels = LabelQueue()
        self.latency = Rolling()
        self.counters = Counters()
        self.run_id = uuid.uuid4().hex[:8]
        self.paused_until = 0.0
        self.backoff_s = 0.0
        self.control_online = False
        self._stop = asyncio.Event()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(MAX_IN_FLIGHT)

    @property
    def headers(self) -> dict[str, str]:
        return {"x-api-key": self.options.api_key} if self.options.api_key else {}

    def stop(self) -> None:
        self._stop.set()

    # -- arrivals ------------------------------------------------------------------------------

    def current_rate(self, now: float) -> float:
        rate = self.desired.rate
        o = self.options
        if o.bursts and (now % o.burst_every_s) < o.burst_length_s:
            rate = min(1000.0, rate * o.burst_factor)
        return rate

    def _held(self, now: float) -> bool:
        return not self.desired.running or now < self.paused_until

    async def _arrivals(self) -> None:
        next_at = time.monotonic()
        started = next_at
        while not self._stop.is_set():
            now = time.monotonic()
            if self.options.duration_s is not None and now - started >= self.options.duration_s:
                self._stop.set()
                break
            if self._held(now):
                await asyncio.sleep(0.05)
                next_at = time.monotonic()
                continue
            next_at += float(self.arrival_rng.exponential(1.0 / self.current_rate(now)))
            if next_at > now:
                await asyncio.sleep(next_at - now)
            elif now - next_at > 1.0:
                next_at = now  # fell behind by more than a second: do not fire a catch-up burst
            if self._stop.is_set() or self._held(time.monotonic()):
                continue  # paused (429/503, an error, running=false) while waiting: dropped
            await self._slots.acquire()
            task = asyncio.create_task(self._send_one())
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    async def _send_one(self) -> None:
        try:
            record, label = self.stream.next(time.monotonic())
            self.counters.sent += 1
            body = {**record, "transaction_id": f"sim-{self.run_id}-{self.counters.sent}"}
            started = time.monotonic()
            try:
                response = await self.client.post("/api/v1/predict", json=body)
            except httpx.HTTPError as exc:
                self._failed(f"{type(exc).__name__}: {exc}")
                return
            if response.status_code in (429, 503):
                self.counters.throttled += 1
                self._pause(_retry_after(response))
                return
            if response.status_code != 200:
                self._failed(f"HTTP {response.status_code}: {response.text[:200]}")
                return
            now = time.monotonic()
            self.backoff_s = 0.0
            self.counters.ok += 1
            self.latency.add(now, (now - started) * 1000)
            if self.rng.random() < self.options.label_coverage:
                lo, hi = self.options.label_delay_s
                self.labels.push(
                    now + float(self.rng.uniform(lo, hi)), response.json()["prediction_id"], label
                )
        finally:
            self._slots.release()

    def _pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, time.monotonic() + seconds)

    def _failed(self, reason: str) -> None:
        self.counters.failed += 1
        if time.monotonic() < self.paused_until:
            return  # in flight when an earlier failure paused us: same outage, no extra doubling
        self.backoff_s = min(10.0, max(0.5, self.backoff_s * 2))
        self._pause(self.backoff_s)
        log.debug("request failed (%s); backing off %.1fs", reason, self.backoff_s)

    # -- labels --------------------------------------------------------------------------------

    async def send_labels(self, now: float) -> int:
        batch = self.labels.pop_due(now, LABEL_BATCH)
        if not batch:
            return 0
        payload = {"labels": [{"prediction_id": b.prediction_id, "label": b.label} for b in batch]}
        try:
            response = await self.client.post("/api/v1/feedback", json=payload)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            self.counters.labels_failed += len(batch)
            self.labels.requeue(batch, time.monotonic() + 2.0)
            log.debug("feedback failed (%s); will retry", exc)
            return 0
        self.counters.labels_sent += len(batch)
        return len(batch)

    async def _label_loop(self) -> None:
        while not self._stop.is_set():
            await self.send_labels(time.monotonic())
            await _sleep_or_stop(self._stop, 0.5)

    async def flush_labels(self, timeout_s: float) -> None:
        """At stop: send every pending label now (ignoring its delay), up to `timeout_s`."""
        deadline = time.monotonic() + timeout_s
        while len(self.labels) and time.monotonic() < deadline:
            if not await self.send_labels(float("inf")):
                await asyncio.sleep(0.2)

    # -- control -------------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        now = time.monotonic()
        return {
            "actual_rate": round(self.latency.rate(now), 2),
            "scenario": self.desired.scenario,
            "phase": self.stream.phase,
            "sent": self.counters.sent,
            "failed": self.counters.failed,
            "throttled": self.counters.throttled,
            "labels_sent": self.counters.labels_sent,
            "labels_pending": len(self.labels),
            "p50_ms": self.latency.percentile(0.5),
            "p99_ms": self.latency.percentile(0.99),
            "started_at": self.counters.started_at.isoformat(),
        }

    def apply(self, desired: dict[str, Any]) -> None:
        self.desired = Desired(
            **{k: desired[k] for k in Desired.__dataclass_fields__ if k in desired}
        )
        d = self.desired
        self.stream.configure(d.scenario, d.intensity, d.fraud_rate, d.features, time.monotonic())

    async def sync_control(self) -> None:
        """Report status and adopt the desired state (one call per second)."""
        try:
            if self.options.api_key:
                response = await self.client.put(
                    "/api/v1/simulator/status", json=self.status(), headers=self.headers
                )
            else:
                response = await self.client.get("/api/v1/simulator")
            response.raise_for_status()
        except httpx.HTTPError as exc:
            self.control_online = False
            log.debug("control sync failed: %s", exc)
            return
        self.control_online = True
        self.apply(response.json()["desired"])

    async def _control_loop(self) -> None:
        while not self._stop.is_set():
            await self.sync_control()
            await _sleep_or_stop(self._stop, 1.0)

    async def _push_initial(self) -> None:
        if self.options.initial and self.options.api_key:
            try:
                response = await self.client.put(
                    "/api/v1/simulator", json=self.options.initial, headers=self.headers
                )
                response.raise_for_status()
            except httpx.HTTPError as exc:
                log.warning("could not set the initial simulator state on the backend: %s", exc)

    # -- lifecycle -----------------------------------------------------------------------------

    async def run(self, label_flush_timeout_s: float = 5.0) -> Counters:
        self.apply({**Desired().__dict__, **(self.options.initial or {})})
        loops = [self._arrivals(), self._label_loop()]
        if self.options.control and self.options.initial and not self.options.api_key:
            log.warning(
                "explicit options without an admin API key: running locally, not following the backend"
            )
            self.options.control = False
        if self.options.control:
            await self._push_initial()
            await self.sync_control()
            loops.append(self._control_loop())
        tasks = [asyncio.create_task(c) for c in loops]
        try:
            await self._stop.wait()
        finally:
            self._stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            if self._in_flight:
                await asyncio.wait(self._in_flight, timeout=3.0)
            await self.flush_labels(label_flush_timeout_s)
            await self.client.aclose()
        return self.counters


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(0.1, min(60.0, float(response.headers.get("retry-after", "1"))))
    except ValueError:
        return 1.0


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
