"""GET /metrics in the Prometheus text format (OpenMetrics when the scraper asks for it)."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from prometheus_client import CollectorRegistry, GCCollector, PlatformCollector, ProcessCollector
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from driftscope.errors import UnauthorizedError
from driftscope_backend.metrics.monitoring import MonitoringCollector
from driftscope_backend.metrics.predictions import collect_predictions
from driftscope_backend.metrics.requests import collect_requests
from driftscope_backend.metrics.runtime import RuntimeCollector
from driftscope_backend.runtime import Runtime

router = APIRouter(tags=["metrics"])
EXAMPLE = """# HELP driftscope_predictions_total Predictions served by /predict ...
# TYPE driftscope_predictions_total counter
driftscope_predictions_total{decision="legit",model="fraud",path="model",variant="production",version="1"} 42.0
"""


class _Call(Collector):
    """A collector from a plain generator function (the process-wide counters)."""

    def __init__(self, collect: Callable[[], Iterable[Metric]]) -> None:
        self._collect = collect

    def collect(self) -> Iterable[Metric]:
        return self._collect()


@dataclass
class Exporter:
    runtime: Runtime
    registry: CollectorRegistry
    monitoring: MonitoringCollector


def build_exporter(runtime: Runtime) -> Exporter:
    registry = CollectorRegistry(auto_describe=False)
    monitoring = MonitoringCollector(
        runtime.sessionmaker, (runtime.settings.model_name,), runtime.settings.metrics_refresh_s
    )
    for collector in (
        _Call(collect_requests),
        _Call(collect_predictions),
        RuntimeCollector(runtime),
        monitoring,
    ):
        registry.register(collector)
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    GCCollector(registry=registry)
    return Exporter(runtime, registry, monitoring)


def _exporter(app: FastAPI) -> Exporter:
    runtime: Runtime = app.state.runtime
    exporter: Exporter | None = getattr(app.state, "metrics_exporter", None)
    if exporter is None or exporter.runtime is not runtime:  # a new lifespan, a new runtime
        exporter = app.state.metrics_exporter = build_exporter(runtime)
    return exporter


def _check_token(request: Request, token: str | None) -> None:
    if token is None:
        return
    given = request.headers.get("authorization", "")
    if not secrets.compare_digest(given.encode(), f"Bearer {token}".encode()):
        raise UnauthorizedError(
            "metrics: send Authorization: Bearer <DRIFTSCOPE_METRICS_BEARER_TOKEN>",
            [{"field": "Authorization", "reason": "missing or wrong bearer token"}],
        )


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={
        200: {
            "content": {"text/plain": {"schema": {"type": "string"}, "example": EXAMPLE}},
            "description": "Text format",
        },
        401: {"description": "DRIFTSCOPE_METRICS_BEARER_TOKEN is set and was not sent"},
    },
)
async def metrics(request: Request) -> Response:
    """Request latency, predictions, prediction-log writer, WebSocket clients, and the latest
    drift, performance and open alerts from the database (re-read at most every
    `DRIFTSCOPE_METRICS_REFRESH_S`). No auth unless `DRIFTSCOPE_METRICS_BEARER_TOKEN` is set."""
    runtime: Runtime = request.app.state.runtime
    _check_token(request, runtime.settings.metrics_bearer_token)
    exporter = _exporter(request.app)
    await exporter.monitoring.refresh()
    encoder, content_type = choose_encoder(request.headers.get("accept", ""))
    # Encoding is pure Python (~1 ms per 100 series): off the event loop, /predict requests
    # wait at most a GIL switch interval for it. The collectors only read counters.
    body = await asyncio.to_thread(encoder, exporter.registry)
    return Response(body, media_type=content_type)
