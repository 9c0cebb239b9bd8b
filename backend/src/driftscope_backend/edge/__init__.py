"""The request edge: request ids, rate limits, timeouts, security headers, CORS, access log."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from driftscope.settings import Settings
from driftscope_backend.edge.middleware import EdgeMiddleware, FastRoute
from driftscope_backend.edge.ratelimit import RateLimiter


def install_edge(
    app: FastAPI, settings: Settings, fast_routes: Mapping[tuple[str, str], FastRoute]
) -> None:
    """Edge middleware, then CORS outside it (preflights never count against a rate limit);
    `fast_routes`, by (method, path), are called by the edge itself (see EdgeMiddleware)."""
    limiter = None
    if settings.rate_limit_per_s > 0:
        limiter = RateLimiter(
            settings.rate_limit_per_s,
            settings.rate_limit_burst,
            max_clients=settings.rate_limit_max_clients,
        )
    app.state.rate_limiter = limiter
    app.add_middleware(EdgeMiddleware, settings=settings, limiter=limiter, fast_routes=fast_routes)
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Content-Type", "X-API-Key", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )


__all__ = ["EdgeMiddleware", "FastRoute", "RateLimiter", "install_edge"]
