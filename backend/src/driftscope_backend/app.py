"""The FastAPI application: lifespan (migrate, load model, writer), routers, error handlers."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from driftscope.db import create_engine, make_sessionmaker, upgrade
from driftscope.settings import Settings, get_settings
from driftscope_backend.dashboard import install_dashboard
from driftscope_backend.docs_ui import install_docs
from driftscope_backend.edge import EdgedFastAPI, install_edge
from driftscope_backend.errors import install_error_handlers
from driftscope_backend.external.router import FAST_MODEL_ROUTES as EXTERNAL_FAST_ROUTES
from driftscope_backend.external.router import router as external_router
from driftscope_backend.health.router import FAST_ROUTES as HEALTH_FAST_ROUTES
from driftscope_backend.health.router import router as health_router
from driftscope_backend.live.router import router as live_router
from driftscope_backend.live.tail import EventTail, publish_stats
from driftscope_backend.metrics.router import router as metrics_router
from driftscope_backend.monitoring.router import router as monitoring_router
from driftscope_backend.overview.router import router as overview_router
from driftscope_backend.prediction.batch.router import router as batch_router
from driftscope_backend.prediction.recent.router import router as recent_router
from driftscope_backend.prediction.router import FAST_MODEL_ROUTES, FAST_ROUTES
from driftscope_backend.prediction.router import router as prediction_router
from driftscope_backend.prediction.schemas import MODEL_FEATURES_SCHEMA, Transaction
from driftscope_backend.prediction.shadow import ShadowScorer
from driftscope_backend.prediction.writer import make_writer
from driftscope_backend.registry.model_router import router as model_router
from driftscope_backend.registry.router import router as registry_router
from driftscope_backend.registry.runs import router as runs_router
from driftscope_backend.registry.service import sync_models
from driftscope_backend.runtime import Runtime
from driftscope_backend.simulator.router import router as simulator_router

log = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    engine = create_engine(settings.resolved_database_url)
    await upgrade(engine)
    writer = make_writer(settings, engine)
    await writer.replay_spilled()
    runtime = Runtime(settings, engine, make_sessionmaker(engine), writer)
    runtime.rate_limiter = app.state.rate_limiter
    app.state.runtime = runtime
    await sync_models(runtime)  # every model with a production alias (external ones: noted)
    writer.start()
    shadow = ShadowScorer(
        writer,
        lambda name: None if (state := runtime.serving.get(name)) is None else state.shadow,
        capacity=settings.shadow_queue_size,
        batch_rows=settings.shadow_batch_rows,
    )
    runtime.shadow_scorer = shadow
    shadow.start()
    tail = EventTail(runtime, runtime.hub)
    await tail.start_position()
    background = [
        asyncio.create_task(tail.run(), name="event-tail"),
        asyncio.create_task(publish_stats(runtime, runtime.hub), name="live-stats"),
    ]
    gc.freeze()  # long-lived model and app objects leave the GC's young generations
    try:
        yield
    finally:
        for task in background:
            task.cancel()
        # The writer before waiting for the background tasks: one stuck on a locked or lost
        # database (its session cleanup waits for the driver) must not delay the bounded
        # flush-and-spill past the shutdown grace period.
        await shadow.stop()  # queued shadow work is best effort: dropped at shutdown
        await writer.stop()
        await asyncio.gather(*background, return_exceptions=True)
        await tail.close()
        runtime.replay.close()
        await engine.dispose()


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Transaction"] = Transaction.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        components["ModelFeatures"] = MODEL_FEATURES_SCHEMA
        app.openapi_schema = schema
    return app.openapi_schema


def create_app(settings: Settings | None = None) -> FastAPI:
    app = EdgedFastAPI(
        docs_url=None,  # docs_ui serves /docs and /redoc from local files instead of a CDN
        redoc_url=None,
        title="Driftscope",
        version="0.1.0",
        description="Fraud predictions from a calibrated, versioned model; every prediction logged for "
        'drift and performance monitoring. Errors: `{"error": {"code", "message", "details"}}`.',
        lifespan=lifespan,
    )
    app.state.settings = settings or get_settings()
    install_error_handlers(app)
    install_edge(
        app,
        app.state.settings,
        {**FAST_ROUTES, **HEALTH_FAST_ROUTES},
        {**FAST_MODEL_ROUTES, **EXTERNAL_FAST_ROUTES},
    )
    # Routes are matched in order and each miss costs a few µs: the hot path comes first.
    app.include_router(prediction_router)
    app.include_router(batch_router)
    app.include_router(external_router)
    app.include_router(health_router)
    app.include_router(registry_router)
    app.include_router(runs_router)
    app.include_router(model_router)  # /models/{name}: after every fixed /models/... path
    app.include_router(monitoring_router)
    app.include_router(overview_router)
    app.include_router(recent_router)
    app.include_router(simulator_router)
    app.include_router(live_router)
    app.include_router(metrics_router)
    install_docs(app, app.state.settings)
    install_dashboard(app, app.state.settings.frontend_dist)  # last: its catch-all route
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app
