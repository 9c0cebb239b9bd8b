"""Replay simulated traffic through the worker's real jobs on a simulated clock (issue #20).

Measures what an operator lives with: how many alerts clean traffic opens per 24 hours (the
false-alarm rate) and how soon a drift scenario opens one (the detection delay). Hours of
traffic take minutes because nothing waits: each monitoring interval, the harness logs that
interval's predictions straight into the `predictions` table as the backend's writer would
(the simulator's Poisson arrivals; a `FraudSource` draws generator transactions with its drift
scenarios, a `ContentSource` the content stream's real messages with its scenarios, both
scored by the served model), moves the clock to the interval's end and runs
`drift_and_performance` — the worker's own code, reading the same database, writing the same
reports and opening the same alerts.

Labels: a share `label_coverage` of predictions gets its true label (the generator's), stored
with the prediction's batch. The real worker first sees a window with the labels of its
oldest ≈ 60 s only and `label_join` refreshes it later; the replay shows every window its
final labels at once. For false alarms that is the harder case (more evidence per window, so
more chances to judge one bad); for detection it is optimistic by at most the label delay,
and only for the performance alert.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import numpy as np
from sqlalchemy import insert, select

from driftscope.db import DriftReport, Label, Prediction
from driftscope.drift.segments import moved_segments
from driftscope.generator import DEFAULT_FRAUD_RATE, generate_columns
from driftscope.ids import uuid7
from driftscope.scenarios import make_scenario
from driftscope.serving.artifact import LoadedModel
from driftscope.settings import Settings
from driftscope.text.traffic import ContentTraffic, mixed_share
from driftscope_worker.context import WorkerContext
from driftscope_worker.monitor import drift_and_performance
from driftscope_worker.notify import RecordingNotifier
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
    """An alert the replay opened: its kind and feature, when (seconds since the start), and
    the segments it blamed: a performance alert's (labelled errors), else the top of what moved
    in its window (as /drift/latest shows them)."""

    kind: str
    feature: str | None
    at_s: float
    message: str
    segments: list[dict[str, Any]] = field(default_factory=list)


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


@dataclass
class Tick:
    """One interval's traffic as the backend would have logged it, with the true labels."""

    features: list[dict[str, Any]]
    scores: list[float]
    decisions: list[bool]
    paths: list[str]
    truth: list[int]


class Source(Protocol):
    model: LoadedModel
    traffic: Traffic

    def tick(self, n: int, elapsed_s: float, rng: np.random.Generator) -> Tick: ...


class FraudSource:
    """The simulator's transactions (the generator with its drift scenarios), scored at once
    as /predict scores each."""

    def __init__(self, model: LoadedModel, traffic: Traffic) -> None:
        self.model, self.traffic = model, traffic

    def tick(self, n: int, elapsed_s: float, rng: np.random.Generator) -> Tick:
        traffic, contract = self.traffic, self.model.contract
        scenario = None
        if traffic.scenario != "none" and elapsed_s >= traffic.scenario_at_s:
            since = elapsed_s - traffic.scenario_at_s
            scenario = make_scenario(traffic.scenario, traffic.intensity, elapsed_s=since)
        columns = generate_columns(n, rng=rng, fraud_rate=traffic.fraud_rate, scenario=scenario)
        probability, positive, by_rules = self.model.decide_matrix(
            contract.encode_columns(columns)
        )  # as /predict decides: the accepted rules first, then the model
        frame = {name: columns[name].tolist() for name in contract.names}
        features = [
            {
                k: None if isinstance(v[i], float) and v[i] != v[i] else v[i]
                for k, v in frame.items()
            }
            for i in range(n)
        ]
        return Tick(
            features,
            probability.tolist(),
            positive.tolist(),
            ["rules" if r else "model" for r in by_rules],
            columns[contract.label].astype(int).tolist(),
        )


class ContentSource:
    """The simulator's content stream: held-out messages, a scenario's mixed in from its
    start; each scored as /predict does (accepted rules first, then the model) and logged
    with its descriptors."""

    def __init__(self, model: LoadedModel, traffic: Traffic, pools: ContentTraffic) -> None:
        self.model, self.traffic, self.pools = model, traffic, pools

    def tick(self, n: int, elapsed_s: float, rng: np.random.Generator) -> Tick:
        model, traffic = self.model, self.traffic
        share = mixed_share(traffic.scenario, traffic.intensity)
        started = elapsed_s >= traffic.scenario_at_s
        out = Tick([], [], [], [], [])
        for mixed in rng.random(n) < (share if started else 0.0):
            pool = self.pools.pool(traffic.scenario if mixed else "none")
            message = pool[int(rng.integers(len(pool)))]
            record = {"text": message.text}
            rule, encoded, score, decision = model.decide(record)
            assert model.describe is not None  # a text model logs its descriptors
            out.features.append(model.describe(record, encoded))
            out.scores.append(score)
            out.decisions.append(bool(decision))
            out.paths.append("model" if rule is None else "rules")
            out.truth.append(message.label)
        return out


def _rows(model: LoadedModel, tick: Tick, stamps: list[datetime]) -> list[dict[str, Any]]:
    return [
        {
            "id": uuid7(int(ts.timestamp() * 1e9)),  # time-ordered by the row's own time
            "model_name": model.model_name,
            "model_version": model.version,
            "ts": ts,
            "transaction_id": None,
            "features": features,
            "score": score,
            "decision": decision,
            "threshold": model.threshold,
            "path": path,
            "variant": "production",
            "latency_us": 0,
            "request_id": None,
        }
        for ts, features, score, decision, path in zip(
            stamps, tick.features, tick.scores, tick.decisions, tick.paths, strict=True
        )
    ]


async def _what_moved(ctx: WorkerContext, model_name: str, top: int = 3) -> list[dict[str, Any]]:
    """The top segments of the model's newest window, ranked as /drift/latest ranks them."""
    async with ctx.sessionmaker() as session:
        report = await session.scalar(
            select(DriftReport)
            .where(DriftReport.model_name == model_name)
            .order_by(DriftReport.window_end.desc())
            .limit(1)
        )
    if report is None:
        return []
    found = moved_segments(report.features, prediction=report.prediction_drift, top=top)
    return [s.to_dict() for s in found]


async def replay(
    settings: Settings, source: Source, *, hours: float, seed: int = 0
) -> ReplayResult:
    """Replay `hours` of `source`'s traffic (its model registered as production in
    `settings`' database) through `drift_and_performance`, one run per `monitor_interval_s`."""
    model, traffic = source.model, source.traffic
    ctx = make_context(settings)
    pages = RecordingNotifier()
    ctx.notifier = pages
    rng = np.random.default_rng(seed)
    step = settings.monitor_interval_s
    result = ReplayResult(hours)
    now = START
    ctx.clock = lambda: now
    try:
        for tick in range(int(hours * 3600 / step)):
            n = int(rng.poisson(traffic.rate * step))
            offsets = np.sort(rng.uniform(0.0, step, n))
            batch = source.tick(n, tick * step, rng)
            rows = _rows(model, batch, [now + timedelta(seconds=float(o)) for o in offsets])
            labelled = rng.random(n) < traffic.label_coverage
            truth = batch.truth
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
                    blamed = page["details"].get("segments") or []
                    if page["kind"] != "performance_drop":
                        blamed = await _what_moved(ctx, model.model_name)
                    result.opened.append(
                        Opened(page["kind"], page["feature"], at_s, page["message"], blamed)
                    )
    finally:
        await ctx.engine.dispose()
    return result
