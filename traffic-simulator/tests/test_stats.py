"""Rolling: rate and latency percentiles over the last few seconds."""

from __future__ import annotations

from driftscope_simulator.stats import Rolling


def test_rate_counts_only_the_horizon() -> None:
    rolling = Rolling(horizon_s=5.0)
    for i in range(100):
        rolling.add(i * 0.1, 1.0)  # 10 events/s for 10 s
    assert rolling.rate(9.9) == 51 / 5.0  # events at 4.9 … 9.9 s
    assert rolling.rate(100.0) == 0.0


def test_percentiles_of_recent_latencies() -> None:
    rolling = Rolling()
    assert rolling.percentile(0.5) is None
    for latency in range(1, 101):
        rolling.add(1.0, float(latency))
    assert rolling.percentile(0.5) == 51.0
    assert rolling.percentile(0.99) == 100.0
