"""Predictions served, counted by label set with one dict increment on the prediction path."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily

# (model, version, variant, decision's class name, path) → predictions. Process-wide, like a
# Prometheus counter: it starts at zero with the process.
prediction_counts: defaultdict[tuple[str, int, str, str, str], int] = defaultdict(int)


def collect_predictions() -> Iterator[CounterMetricFamily]:
    family = CounterMetricFamily(
        "driftscope_predictions",
        "Predictions served by /predict (replays of a known transaction_id excluded).",
        labels=("model", "version", "variant", "decision", "path"),
    )
    for (model, version, variant, decision, path), count in list(prediction_counts.items()):
        family.add_metric((model, str(version), variant, decision, path), count)
    yield family
