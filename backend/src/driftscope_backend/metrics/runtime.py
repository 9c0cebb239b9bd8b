"""Gauges and counters read from the backend's runtime state when Prometheus scrapes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from prometheus_client.metrics_core import Metric

    from driftscope_backend.runtime import Runtime


class RuntimeCollector(Collector):
    """Writer queue, WebSocket clients, loaded model and rate limiter: nothing is counted twice,
    the numbers are the ones the runtime keeps anyway."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[Metric]:
        yield from self._writer()
        yield from self._websocket()
        yield from self._model()
        yield from self._rate_limiter()

    def _writer(self) -> Iterator[Metric]:
        writer = self.runtime.writer
        yield GaugeMetricFamily(
            "driftscope_writer_queue_depth_rows",
            "Prediction rows buffered or being written, not yet in the database.",
            value=writer.depth,
        )
        yield GaugeMetricFamily(
            "driftscope_writer_queue_capacity_rows",
            "Bound of the prediction log buffer (DRIFTSCOPE_WRITER_QUEUE_SIZE).",
            value=writer.capacity,
        )
        yield CounterMetricFamily(
            "driftscope_writer_rows_written",
            "Prediction rows written to the database.",
            value=writer.rows_written,
        )
        yield CounterMetricFamily(
            "driftscope_writer_flushes", "Batched inserts that succeeded.", value=writer.flushes
        )
        yield CounterMetricFamily(
            "driftscope_writer_failed_flushes",
            "Batched inserts that failed (the rows stay buffered and are retried).",
            value=writer.failed_flushes,
        )
        yield CounterMetricFamily(
            "driftscope_writer_rejected_requests",
            "Prediction requests refused with 503 because the log buffer was full.",
            value=writer.rejected,
        )

    def _websocket(self) -> Iterator[Metric]:
        hub = self.runtime.hub
        yield GaugeMetricFamily(
            "driftscope_websocket_clients",
            "Connected /ws/live clients on this replica.",
            value=len(hub.clients),
        )
        yield CounterMetricFamily(
            "driftscope_websocket_dropped_clients",
            "Live clients cut off because they fell behind.",
            value=hub.dropped_clients,
        )

    def _model(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "driftscope_model_loaded",
            "1 for each model's production version this replica serves.",
            labels=("model", "version"),
        )
        for state in list(self.runtime.serving.values()):
            if state.production is not None:
                family.add_metric((state.name, str(state.production.version)), 1)
        yield family

    def _rate_limiter(self) -> Iterator[Metric]:
        limiter = getattr(self.runtime, "rate_limiter", None)
        counts = getattr(limiter, "counts", None)
        if not isinstance(counts, dict):
            return  # no rate limiter configured: export nothing rather than a misleading zero
        family = CounterMetricFamily(
            "driftscope_rate_limited_requests",
            "Requests seen by the rate limiter, by outcome (allowed, limited).",
            labels=("outcome",),
        )
        for outcome, count in list(counts.items()):
            family.add_metric((str(outcome),), count)
        yield family
