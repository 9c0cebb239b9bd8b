"""Drift, performance and alert gauges from the latest stored rows, cached between scrapes.

The worker writes these rows; reading them back (rather than keeping values in memory) keeps
the gauges right after a backend restart and identical on every replica.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from driftscope.db import Alert, DriftReport, PerformanceSnapshot

if TYPE_CHECKING:
    from prometheus_client.metrics_core import Metric

log = logging.getLogger(__name__)
QUERY_TIMEOUT_S = 2.0
ALERT_SEVERITIES = ("warning", "critical")  # always exported, so "no alerts" reads as 0
PERFORMANCE = ("precision", "recall", "f1")  # realised on labels, and estimated from scores


@dataclass
class Gauge:
    name: str
    doc: str
    labels: tuple[str, ...]
    samples: list[tuple[tuple[str, ...], float]] = field(default_factory=list)

    def add(self, labels: tuple[str, ...], value: Any) -> None:
        if isinstance(value, (int, float)) and math.isfinite(value):
            self.samples.append((labels, float(value)))

    def family(self) -> GaugeMetricFamily:
        family = GaugeMetricFamily(self.name, self.doc, labels=self.labels)
        for labels, value in self.samples:
            family.add_metric(labels, value)
        return family


def _gauges() -> dict[str, Gauge]:
    version = ("model", "version")
    specs = [
        ("feature_psi", "PSI of each feature (and the score: feature=prediction) in the latest drift window.", (*version, "feature")),
        ("feature_drifted", "1 when the latest drift window flags the feature as drifted.", (*version, "feature")),
        ("dataset_drift_share", "Share of features drifted in the latest drift window.", version),
        ("drift_window_rows", "Predictions in the latest drift window.", version),
        ("drift_window_end_timestamp_seconds", "End of the latest drift window (Unix time).", version),
        ("performance_roc_auc", "ROC AUC on the labelled predictions of the latest window.", version),
        ("performance_label_coverage_ratio", "Share of the latest window's predictions that have a label.", version),
        *(
            (f"performance_{m}", f"{m} of the latest window; source=realised (labels) or estimated (calibrated scores).", (*version, "source"))
            for m in PERFORMANCE
        ),
        ("open_alerts", "Alerts in status open (not acknowledged, not resolved).", ("model", "severity")),
    ]  # fmt: skip
    return {key: Gauge(f"driftscope_{key}", doc, labels) for key, doc, labels in specs}


async def _latest(
    session: AsyncSession, table: type[DriftReport] | type[PerformanceSnapshot]
) -> list[Any]:
    """Rows of each model's newest window (every version monitored in it)."""
    newest = (
        select(table.model_name, func.max(table.window_end).label("window_end"))
        .group_by(table.model_name)
        .subquery()
    )
    query = select(table).join(
        newest,
        (table.model_name == newest.c.model_name) & (table.window_end == newest.c.window_end),
    )
    return list(await session.scalars(query))


async def read_gauges(session: AsyncSession, model_names: tuple[str, ...]) -> dict[str, Gauge]:
    """Every gauge's samples from the newest drift report, performance snapshot and open alerts."""
    gauges = _gauges()
    for report in await _latest(session, DriftReport):
        _add_drift(gauges, report)
    for snapshot in await _latest(session, PerformanceSnapshot):
        _add_performance(gauges, snapshot)
    open_alerts = {(name, severity): 0 for name in model_names for severity in ALERT_SEVERITIES}
    rows = await session.execute(
        select(Alert.model_name, Alert.severity, func.count())
        .where(Alert.status == "open")
        .group_by(Alert.model_name, Alert.severity)
    )
    for model_name, severity, count in rows:
        open_alerts[model_name, severity] = count
    for labels, count in sorted(open_alerts.items()):
        gauges["open_alerts"].add(labels, count)
    return gauges


def _add_drift(gauges: dict[str, Gauge], report: DriftReport) -> None:
    labels = (report.model_name, str(report.model_version))
    features = dict(report.features)
    if report.prediction_drift:
        features["prediction"] = report.prediction_drift  # the score, as the API names it
    for name, stats in features.items():
        gauges["feature_psi"].add((*labels, name), stats.get("psi"))
        gauges["feature_drifted"].add((*labels, name), int(bool(stats.get("drifted"))))
    gauges["dataset_drift_share"].add(labels, report.dataset_drift_share)
    gauges["drift_window_rows"].add(labels, report.n)
    gauges["drift_window_end_timestamp_seconds"].add(labels, report.window_end.timestamp())


def _add_performance(gauges: dict[str, Gauge], snapshot: PerformanceSnapshot) -> None:
    labels = (snapshot.model_name, str(snapshot.model_version))
    realised = snapshot.metrics.get("realised") or {}  # None until enough labels arrived
    estimated = snapshot.metrics.get("estimated") or {}
    gauges["performance_roc_auc"].add(labels, realised.get("roc_auc"))
    gauges["performance_label_coverage_ratio"].add(labels, snapshot.label_coverage)
    for metric in PERFORMANCE:
        gauges[f"performance_{metric}"].add((*labels, "realised"), realised.get(metric))
        gauges[f"performance_{metric}"].add((*labels, "estimated"), estimated.get(metric))


class MonitoringCollector(Collector):
    """Exports the gauges of the last refresh; `refresh` re-reads them at most every `max_age_s`."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        model_names: tuple[str, ...],
        max_age_s: float,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.model_names = model_names
        self.max_age_s = max_age_s
        self.gauges: dict[str, Gauge] = {}
        self.refreshed_at: float | None = None  # monotonic; also set by a failed attempt
        self.failures = 0
        self._lock = asyncio.Lock()

    def _fresh(self) -> bool:
        return (
            self.refreshed_at is not None and time.monotonic() - self.refreshed_at < self.max_age_s
        )

    async def refresh(self) -> None:
        if self._fresh():
            return
        async with self._lock:  # concurrent scrapes share one query
            if self._fresh():
                return
            try:
                async with asyncio.timeout(QUERY_TIMEOUT_S), self.sessionmaker() as session:
                    self.gauges = await read_gauges(session, self.model_names)
            except Exception as exc:  # stale gauges beat a failed scrape; the counter shows it
                self.failures += 1
                log.warning(
                    "metrics: monitoring gauges not refreshed: %s: %s", type(exc).__name__, exc
                )
            self.refreshed_at = time.monotonic()

    def collect(self) -> Iterator[Metric]:
        for gauge in self.gauges.values():
            yield gauge.family()
        yield CounterMetricFamily(
            "driftscope_metrics_refresh_failures",
            "Failed reads of the drift, performance and alert gauges from the database.",
            value=self.failures,
        )
