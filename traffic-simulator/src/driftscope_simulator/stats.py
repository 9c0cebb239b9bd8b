"""Rolling counters for the status line and the heartbeat: rate and latency percentiles."""

from __future__ import annotations

from collections import deque


class Rolling:
    """Events and latencies of the last `horizon_s` seconds."""

    def __init__(self, horizon_s: float = 5.0) -> None:
        self.horizon_s = horizon_s
        self._events: deque[tuple[float, float]] = deque()

    def add(self, now: float, latency_ms: float) -> None:
        self._events.append((now, latency_ms))
        self._trim(now)

    def _trim(self, now: float) -> None:
        while self._events and self._events[0][0] < now - self.horizon_s:
            self._events.popleft()

    def rate(self, now: float) -> float:
        self._trim(now)
        return len(self._events) / self.horizon_s

    def percentile(self, q: float) -> float | None:
        if not self._events:
            return None
        values = sorted(latency for _, latency in self._events)
        return values[min(len(values) - 1, int(q * len(values)))]
