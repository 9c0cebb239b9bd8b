"""The simulator: a fraud and a content stream, each at its own rate; late labels; live control."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from driftscope.settings import get_settings
from driftscope.text.traffic import ContentTraffic, content_traffic
from driftscope_simulator.labels import LabelQueue
from driftscope_simulator.lane import Lane, LaneConfig, LaneCounts
from driftscope_simulator.messages import MessageStream
from driftscope_simulator.stream import TransactionStream

log = logging.getLogger(__name__)
MAX_IN_FLIGHT = 256
LABEL_BATCH = 1_000


@dataclass
class StreamDesired:
    """What every stream has (defaults: the content stream's, real messages to `content`)."""

    running: bool = True
    rate: float = 5.0
    scenario: str = "none"
    intensity: float = 1.0


@dataclass
class Desired(StreamDesired):
    """The fraud stream's fields at the top (as the API has them), the content stream's nested."""

    rate: float = 20.0
    scenario: str = "auto"
    fraud_rate: float = 0.04
    features: list[str] | None = None
    content: StreamDesired = field(default_factory=StreamDesired)

    @classmethod
    def of(cls, desired: dict[str, Any]) -> Desired:
        """From the API's desired state; fields left out take their defaults."""
        fields = _known(cls, desired)
        fields["content"] = StreamDesired(**_known(StreamDesired, desired.get("content") or {}))
        return cls(**fields)


def _known(cls: Any, values: dict[str, Any]) -> dict[str, Any]:
    return {k: values[k] for k in cls.__dataclass_fields__ if k in values}


def _default_traffic() -> ContentTraffic:
    return content_traffic(get_settings().cache_dir)


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
    content_traffic: Callable[[], ContentTraffic] = _default_traffic  # read when first sent


@dataclass
class Counters(LaneCounts):
    """Both streams' requests, and the labels they share."""

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
        self.labels = LabelQueue()
        self.run_id = uuid.uuid4().hex[:8]
        seed = options.seed
        config = LaneConfig(
            options.label_delay_s, options.label_coverage, self._burst, MAX_IN_FLIGHT
        )
        self.fraud = Lane(
            TransactionStream(seed, run_id=self.run_id),
            lambda: self.desired,
            self.client,
            self.labels,
            config,
            None if seed is None else seed + 1,
        )
        self.content = Lane(
            MessageStream(options.content_traffic, None if seed is None else seed + 3),
            lambda: self.desired.content,
            self.client,
            self.labels,
            config,
            None if seed is None else seed + 4,
        )
        self.labels_sent = 0
        self.labels_failed = 0
        self.started_at = datetime.now(UTC)
        self.control_online = False
        self._stop = asyncio.Event()

    @property
    def lanes(self) -> tuple[Lane[TransactionStream], Lane[MessageStream]]:
        return self.fraud, self.content

    @property
    def counters(self) -> Counters:
        """Requests of both streams and labels, so far."""
        counts = [lane.counts for lane in self.lanes]
        return Counters(
            sent=sum(c.sent for c in counts),
            ok=sum(c.ok for c in counts),
            failed=sum(c.failed for c in counts),
            throttled=sum(c.throttled for c in counts),
            labels_sent=self.labels_sent,
            labels_failed=self.labels_failed,
            started_at=self.started_at,
        )

    @property
    def headers(self) -> dict[str, str]:
        return {"x-api-key": self.options.api_key} if self.options.api_key else {}

    def stop(self) -> None:
        self._stop.set()

    def _burst(self, now: float) -> float:
        o = self.options
        return o.burst_factor if o.bursts and (now % o.burst_every_s) < o.burst_length_s else 1.0

    async def _stop_after_duration(self) -> None:
        if self.options.duration_s is not None:
            await _sleep_or_stop(self._stop, self.options.duration_s)
            self._stop.set()

    # -- labels (both streams share one queue and /feedback) ------------------------------------

    async def send_labels(self, now: float) -> int:
        batch = self.labels.pop_due(now, LABEL_BATCH)
        if not batch:
            return 0
        payload = {"labels": [{"prediction_id": b.prediction_id, "label": b.label} for b in batch]}
        try:
            response = await self.client.post("/api/v1/feedback", json=payload)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            self.labels_failed += len(batch)
            self.labels.requeue(batch, time.monotonic() + 2.0)
            log.debug("feedback failed (%s); will retry", exc)
            return 0
        self.labels_sent += len(batch)
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
        """The heartbeat: the fraud stream at the top (as before), the content stream nested."""
        return {
            **self.fraud.status(),
            "scenario": self.desired.scenario,
            "labels_sent": self.labels_sent,
            "labels_pending": len(self.labels),
            "started_at": self.started_at.isoformat(),
            "content": {**self.content.status(), "scenario": self.desired.content.scenario},
        }

    def apply(self, desired: dict[str, Any]) -> None:
        self.desired = d = Desired.of(desired)
        now = time.monotonic()
        self.fraud.source.configure(d.scenario, d.intensity, d.fraud_rate, d.features, now)
        self.content.source.configure(d.content.scenario, d.content.intensity)

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
        self.apply(self.options.initial or {})
        loops = [
            *(lane.arrivals(self._stop) for lane in self.lanes),
            self._label_loop(),
            self._stop_after_duration(),
        ]
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
            in_flight = {t for lane in self.lanes for t in lane.in_flight}
            if in_flight:
                await asyncio.wait(in_flight, timeout=3.0)
            await self.flush_labels(label_flush_timeout_s)
            await self.client.aclose()
        return self.counters


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
