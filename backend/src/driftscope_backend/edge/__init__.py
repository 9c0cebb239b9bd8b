"""The request edge: request ids, rate limits, timeouts, security headers, CORS, access log."""

from __future__ import annotations

import functools
from collections.abc import Mapping

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from driftscope.settings import Settings
from driftscope_backend.edge.middleware import EdgeMiddleware, FastRoute
from driftscope_backend.edge.ratelimit import RateLimiter


class EdgedFastAPI(FastAPI):
    """FastAPI with the request edge as its outermost ASGI layer: every request passes the edge
    before FastAPI's own layers (telemetry, error and exception middleware, router), and the
    hot routes end in the edge (see EdgeMiddleware)."""

    edge: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.edge is None:
            await super().__call__(scope, receive, send)
        else:
            await self.edge(scope, receive, send)


def install_edge(
    app: EdgedFastAPI,
    settings: Settings,
    fast_routes: Mapping[tuple[str, str], FastRoute],
    model_routes: Mapping[tuple[str, str], FastRoute] | None = None,
) -> None:
    """The edge around the app, and CORS around the edge (preflights never count against a rate
    limit); `fast_routes`, by (method, path), and `model_routes`, by (method, what follows
    `/api/v1/models/{name}`), are called by the edge itself."""
    limiter = None
    if settings.rate_limit_per_s > 0:
        limiter = RateLimiter(
            settings.rate_limit_per_s,
            settings.rate_limit_burst,
            max_clients=settings.rate_limit_max_clients,
        )
    app.state.rate_limiter = limiter
    inner = functools.partial(FastAPI.__call__, app)  # FastAPI's own stack, below the edge
    edge: ASGIApp = EdgeMiddleware(
        inner, settings, limiter, fast_routes, owner=app, model_routes=model_routes
    )
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        edge = CORSMiddleware(
            edge,
            allow_origins=origins,
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Content-Type", "X-API-Key", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )
    app.edge = edge


__all__ = ["EdgeMiddleware", "EdgedFastAPI", "FastRoute", "RateLimiter", "install_edge"]
