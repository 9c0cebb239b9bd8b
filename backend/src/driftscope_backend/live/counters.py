"""One-second live counters per model, kept in memory; the prediction path only appends and
increments."""

from __future__ import annotations

from collections import deque
from datetime import UTC, datetime
from typing import Any

HISTORY_S = 120


class ModelCounters:
    """One model's current second, and the last `HISTORY_S` closed seconds."""

    def __init__(self) -> None:
        self.total = 0
        self._latencies_us: list[int] = []
        self._positive = 0
        self._rules = 0
        self.history: deque[dict[str, Any]] = deque(maxlen=HISTORY_S)

    def record(self, latency_us: int, positive: bool, rules_path: bool) -> None:
        self._latencies_us.append(latency_us)
        self._positive += positive
        self._rules += rules_path
        self.total += 1

    def roll(self, elapsed_s: float, extra: dict[str, Any]) -> dict[str, Any]:
        """Close the current second: rates and percentiles, appended to the history."""
        latencies = sorted(self._latencies_us)
        n = len(latencies)
        positive_rate = self._positive / n if n else None
        stats = {
            "ts": datetime.now(UTC).isoformat(),  # sparklines in the snapshot's history need it
            "rps": round(n / elapsed_s, 2) if elapsed_s > 0 else 0.0,
            "p50_ms": latencies[n // 2] / 1000 if n else None,
            "p99_ms": latencies[min(n - 1, int(n * 0.99))] / 1000 if n else None,
            "positive_rate": positive_rate,  # decisions of the positive class
            "fraud_rate": positive_rate,  # its name from when fraud was the only model
            "rules_ratio": self._rules / n if n else None,
            "total": self.total,
            **extra,
        }
        self._latencies_us, self._positive, self._rules = [], 0, 0
        self.history.append(stats)
        return stats


class LiveCounters:
    """Counters of every model that served since start (the default model always)."""

    def __init__(self, default_model: str = "fraud") -> None:
        self.default_model = default_model
        self.models: dict[str, ModelCounters] = {default_model: ModelCounters()}

    def record(
        self, latency_us: int, positive: bool, rules_path: bool = False, model: str | None = None
    ) -> None:
        name = model or self.default_model
        counters = self.models.get(name)
        if counters is None:
            counters = self.models[name] = ModelCounters()
        counters.record(latency_us, positive, rules_path)

    def roll(self, elapsed_s: float, extra: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """Close the current second of every model: its stats by model name."""
        return {name: c.roll(elapsed_s, extra) for name, c in list(self.models.items())}

    def history(self, model: str | None = None) -> list[dict[str, Any]]:
        counters = self.models.get(model or self.default_model)
        return list(counters.history) if counters is not None else []
