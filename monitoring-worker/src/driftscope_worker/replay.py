"""Replay simulated traffic through the worker's real jobs on a simulated clock (issue #20).

Measures what an operator lives with: how many alerts clean traffic opens per 24 hours (the
false-alarm rate) and how soon a drift scenario opens one (the detection delay). Hours of
traffic take minutes because nothing waits: each monitoring interval, the harness logs that
interval's predictions straight into the `predictions` table (as the backend's writer would:
generator rows with the simulator's Poisson arrivals, scored by the served model), moves the
clock to the interval's end and runs `drift_and_performance` — the worker's own code, reading
the same database, writing the same reports and opening the same alerts.

Labels: a share `label_coverage` of predictions gets its true label (the generator's), stored
with the prediction's batch. The real worker first sees a window with the labels of its
oldest ≈ 60 s only and `label_join` refreshes it later; the replay shows every window its
final labels at once. For false alarms that is the harder case (more evidence per window, so
more chances to judge one bad); for detection it is optimistic by at most the label delay,
and only for the performance alert.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import insert

from driftscope.db import Label, Prediction
from driftscope.generator import DEFAULT_FRAUD_RATE, generate_columns
from driftscope.scenarios import make_scenario
from driftscope.serving.artifact import LoadedModel
from driftscope.settings import Settings
from driftscope_worker.monitor import drift_and_performance
from driftscope_worker.notify import WebhookNotifier
from driftscope_worker.scheduler import make_context

START = datetime(2026, 1, 5, 0, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Traffic:
    """What the simulator sends: its rate, labels, and a scenario from `scenario_at_s` on."""

    rate: float = 20.0  # predictions a second (the simulator's default)
    label_coverage: float = 0.8  # share of predictions that ever get a label
    fraud_rate: float = DEFAULT_FRAUD_RATE
    scenario: str = "none"
    intensity: float = 1.0
    scenario_at_s: float = 0.0


@dataclass
class Opened:
    """An alert the replay opened: its kind and feature, and when (seconds since the start)."""

    kind: str
    feature: str | None
    at_s: float
    message: str


@dataclass
class ReplayResult:
    hours: float
    windows: int = 0
    rows: int = 0
    opened: list[Opened] = field(default_factory=list)

    def per_24h(self) -> dict[str, float]:
        """Alerts opened per 24 simulated hours, by kind."""
        counts = Counter(o.kind for o in self.opened)
        return {kind: n * 24 / self.hours for kind, n in sorted(counts.items())}

    def first_after(self, at_s: float) -> Opened | None:
        return next((o for o in self.opened if o.at_s >= at_s), None)


class _Pages(WebhookNotifier):
    """Keeps the pages the worker would send, instead of posting them."""

    def __init__(self) -> None:
        super().__init__(None)
        self.pages: list[dict[str, Any]] = []

    async def send(self, alert: dict[str, Any]) -> bool:
        self.pages.append(alert)
        return True


def _rows(
    model: LoadedModel, columns: dict[str, np.ndarray], stamps: list[datetime]
) -> list[dict[str, Any]]:
    names = model.contract.names
    matrix = model.contract.encode_columns(columns)
    scores = model.probability(matrix)
    values = [columns[n].tolist() for n in names]
    rows = []
    for i, (ts, score) in enumerate(zip(stamps, scores.tolist(), strict=True)):
        features = {}
        for name, column in zip(names, values, strict=True):
            value = column[i]
            features[name] = None if isinstance(value, float) and value != value else value
        rows.append(
            {
                "id": uuid.uuid4(),
                "model_name": model.model_name,
                "model_version": model.version,
                "ts": ts,
                "transaction_id": None,
                "features": features,
                "score": score,
                "decision": score >= model.threshold,
                "threshold": model.threshold,
                "path": "model",
                "variant": "production",
                "latency_us": 0,
                "request_id": None,
            }
        )
    return rows


async def replay(
    settings: Settings, model: LoadedModel, traffic: Traffic, *, hours: float, seed: int = 0
) -> ReplayResult:
    """Replay `hours` of `traffic` for `model` (registered as production in `settings`'
    database) through `drift_and_performance`, one run per `monitor_interval_s`."""
    ctx = make_context(settings)
    pages = _Pages()
    ctx.notifier = pages
    rng = np.random.default_rng(seed)
    step = settings.monitor_interval_s
    result = ReplayResult(hours)
    now = START
    ctx.clock = lambda: now
    try:
        for tick in range(int(hours * 3600 / step)):
            elapsed = tick * step
            n = int(rng.poisson(traffic.rate * step))
            offsets = np.sort(rng.uniform(0.0, step, n))
            scenario = None
            if traffic.scenario != "none" and elapsed >= traffic.scenario_at_s:
                since = elapsed - traffic.scenario_at_s
                scenario = make_scenario(traffic.scenario, traffic.intensity, elapsed_s=since)
            columns = generate_columns(n, rng=rng, fraud_rate=traffic.fraud_rate, scenario=scenario)
            stamps = [now + timedelta(seconds=float(o)) for o in offsets]
            rows = _rows(model, columns, stamps)
            labelled = rng.random(n) < traffic.label_coverage
            truth = columns[model.contract.label].astype(int).tolist()
            labels = [
                {
                    "prediction_id": r["id"],
                    "model_name": model.model_name,
                    "label": y,
                    "ts": r["ts"],
                }
                for r, y, keep in zip(rows, truth, labelled, strict=True)
                if keep
            ]
            async with ctx.sessionmaker() as session, session.begin():
                if rows:
                    await session.execute(insert(Prediction), rows)
                if labels:
                    await session.execute(insert(Label), labels)
            now += timedelta(seconds=step)
            before = len(pages.pages)
            result.windows += await drift_and_performance(ctx)
            result.rows += n
            for page in pages.pages[before:]:
                if page["change"] == "opened":
                    at_s = (now - START).total_seconds()
                    result.opened.append(
                        Opened(page["kind"], page["feature"], at_s, page["message"])
                    )
    finally:
        await ctx.engine.dispose()
    return result
