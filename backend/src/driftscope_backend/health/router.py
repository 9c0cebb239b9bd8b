"""GET /health (process alive) and GET /ready (model loaded, database reachable, queue below bound)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import text

from driftscope_backend.edge.middleware import FastRoute
from driftscope_backend.health.schemas import Liveness, Readiness, ServedModel, WriterStatus
from driftscope_backend.http import json_response
from driftscope_backend.runtime import Runtime

router = APIRouter(tags=["health"])
READY_QUEUE_FRACTION = 0.9


@router.get(
    "/health",
    summary="Liveness",
    response_model=None,  # probed constantly: a constant body, no validation
    responses={
        200: {
            "model": Liveness,
            "content": {"application/json": {"example": {"status": "ok"}}},
        }
    },
)
async def health() -> Response:
    return json_response({"status": "ok"})


async def _health_fast(_request: Request) -> Response:
    return await health()


# Load balancers poll liveness often: the edge answers it without the router (edge.middleware).
FAST_ROUTES = {("GET", "/health"): FastRoute(_health_fast, "/health")}


async def _database_ok(runtime: Runtime) -> str | None:
    try:
        async with asyncio.timeout(2.0), runtime.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:
        return f"database unreachable: {type(exc).__name__}: {exc}"[:300]
    return None


def _other_models(runtime: Runtime) -> str:
    """The models besides the default one this process serves or logs for, e.g. `penguins v2`."""
    served = [
        f"{name} v{state.production.version}" if state.production else f"{name} (external)"
        for name, state in sorted(runtime.serving.items())
        if name != runtime.default_name and (state.production is not None or state.external)
    ]
    return ", ".join(served)


@router.get(
    "/ready",
    summary="Readiness: 200 when able to serve (status ready or degraded), else 503 with reasons",
    response_model=None,  # the body goes out as is with either status
    responses={
        200: {
            "model": Readiness,
            "description": "`ready`, or `degraded`: predictions are answered and buffered "
            "while the database is unreachable or writes fail; `reasons` says why",
        },
        503: {"model": Readiness, "description": "Not ready; `reasons` lists why"},
    },
)
async def ready(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    writer = runtime.writer
    reasons: list[str] = []  # the process cannot serve predictions
    # Degraded, still serving: the writer buffers rows until the database is back, so an outage
    # must not take every replica out of the load balancer while the buffer has room.
    degraded: list[str] = []
    if runtime.model is None:
        others = _other_models(runtime)
        missing = f"no model loaded: {runtime.model_error or 'unknown'}"
        # Another model serves (or takes /log): the process is useful, /api/v1/predict is not.
        (degraded if others else reasons).append(
            missing + (f"; serving {others}" if others else "")
        )
    if writer.depth >= READY_QUEUE_FRACTION * writer.capacity:
        reasons.append(f"prediction log queue at {writer.depth}/{writer.capacity}")
    if (problem := await _database_ok(runtime)) is not None:
        degraded.append(problem)
    if writer.last_error is not None:
        degraded.append(
            f"prediction log writes failing ({writer.depth} rows buffered): {writer.last_error}"
        )
    status = "not_ready" if reasons else "degraded" if degraded else "ready"
    model = runtime.model
    body = Readiness(
        status=status,
        reasons=reasons + degraded,
        model=None if model is None else ServedModel(name=model.model_name, version=model.version),
        writer=WriterStatus.model_validate(writer, from_attributes=True),
    )
    return json_response(body.model_dump(mode="json"), 503 if reasons else 200)
