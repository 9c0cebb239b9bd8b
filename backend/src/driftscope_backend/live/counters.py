"""One-second live counters kept in memory; the prediction path only appends and increments."""

from __future__ import annotations

from collections import deque
from datetime import UTC, datetime
from typing import Any

HISTORY_S = 120


class LiveCounters:
    def __init__(self, total_at_start: int = 0) -> None:
        self.total = total_at_start
        self._latencies_us: list[int] = []
        self._fraud = 0
        self._rules = 0
        self.history: deque[dict[str, Any]] = deque(maxlen=HISTORY_S)

    def record(self, latency_us: int, fraud: bool, rules_path: bool = False) -> None:
        self._latencies_us.append(latency_us)
        self._fraud += fraud
        self._rules += rules_path
        self.total += 1

    def roll(self, elapsed_s: float, extra: dict[str, Any]) -> dict[str, Any]:
        """Close the current second: rates and percentiles, appended to the history."""
        latencies = sorted(self._latencies_us)
        n = len(latencies)
        stats = {
            "ts": datetime.now(UTC).isoformat(),  # sparklines in the snapshot's history need it
            "rps": round(n / elapsed_s, 2) if elapsed_s > 0 else 0.0,
            "p50_ms": latencies[n // 2] / 1000 if n else None,
            "p99_ms": latencies[min(n - 1, int(n * 0.99))] / 1000 if n else None,
            "fraud_rate": self._fraud / n if n else None,
            "rules_ratio": self._rules / n if n else None,
            "total": self.total,
            **extra,
        }
        self._latencies_us, self._fraud, self._rules = [], 0, 0
        self.history.append(stats)
        return stats
