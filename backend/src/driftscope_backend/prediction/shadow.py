"""Shadow scoring off the request path: online rows queue here; a background task scores them in
batches with the shadow model and logs `variant="shadow"` rows. Never answers a client.

The queue is bounded and `offer` never blocks or raises: when it is full, or when the
prediction log is more than half full (online rows come first), shadow work is dropped and
counted.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np

from driftscope.serving.artifact import LoadedModel
from driftscope.variants import SHADOW, shadow_id
from driftscope_backend.prediction.writer import PredictionWriter, Row

log = logging.getLogger(__name__)
# After the first row arrives, wait this long for more before scoring: one model call and one
# log hand-off per batch (≈ 25 rows at 500 req/s) instead of a task switch per request.
GATHER_S = 0.05


class ShadowScorer:
    def __init__(
        self,
        writer: PredictionWriter,
        model: Callable[[str], LoadedModel | None],
        *,
        capacity: int,
        batch_rows: int,
    ) -> None:
        self.writer = writer
        # A model name's shadow, read per batch: a swap or `shadow off` applies to the next one.
        self.model = model
        self.capacity = capacity
        self.batch_rows = batch_rows
        self._queue: deque[Row] = deque()
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.scored = 0
        self.dropped = 0

    @property
    def depth(self) -> int:
        return len(self._queue)

    def offer(self, rows: list[Row]) -> None:
        """Queue online rows for shadow scoring (called on the request path: O(rows), no I/O)."""
        room = self.capacity - len(self._queue)
        if room < len(rows):
            self.dropped += len(rows) - max(room, 0)
            rows = rows[: max(room, 0)]
        self._queue.extend(rows)
        if rows:
            self._wakeup.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="shadow-scorer")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            await self._wakeup.wait()
            if len(self._queue) < self.batch_rows:
                await asyncio.sleep(GATHER_S)
            self._wakeup.clear()
            while self._queue:
                try:
                    self.drain_batch()
                except Exception:  # a bad batch must not stop shadow scoring for good
                    log.exception("shadow scoring failed; batch dropped")
                await asyncio.sleep(0)  # one batch at a time: requests run in between

    def drain_batch(self) -> int:
        """Score and log up to `batch_rows` queued rows; returns how many were logged."""
        batch = [self._queue.popleft() for _ in range(min(len(self._queue), self.batch_rows))]
        if self.writer.depth + len(batch) > self.writer.capacity // 2:
            self.dropped += len(batch)  # the log is filling up: keep its room for online rows
            return 0
        by_model: dict[str, list[Row]] = {}
        for row in batch:
            by_model.setdefault(row["model_name"], []).append(row)
        logged = 0
        for name, online in by_model.items():
            model = self.model(name)
            if model is None:
                self.dropped += len(online)
                continue
            rows = shadow_rows(model, online)
            self.writer.submit_many(rows)
            logged += len(rows)
        self.scored += logged
        return logged


def shadow_rows(model: LoadedModel, online: list[Row]) -> list[Row]:
    """One shadow row per online row: same features, time and source; the shadow's verdict."""
    started = time.perf_counter_ns()
    matrix = np.asarray(
        [model.contract.encode_record(row["features"]) for row in online], dtype=np.float32
    )
    probabilities = model.probability(matrix)
    latency_us = (time.perf_counter_ns() - started) // 1_000 // len(online)
    return [
        _shadow_row(model, row, float(p), latency_us)
        for row, p in zip(online, probabilities, strict=True)
    ]


def _shadow_row(model: LoadedModel, row: Row, probability: float, latency_us: int) -> Row:
    shadow: dict[str, Any] = {
        **row,
        "id": shadow_id(
            row["id"]
        ),  # labels of the online prediction reach it (driftscope.variants)
        "model_version": model.version,
        "transaction_id": None,  # unique per model: the online row holds it
        "score": probability,
        "decision": probability >= model.threshold,
        "threshold": model.threshold,
        "path": "model",  # the shadow scores every row with its model, rules or not
        "rule": None,
        "variant": SHADOW,
        "latency_us": latency_us,
    }
    return shadow
