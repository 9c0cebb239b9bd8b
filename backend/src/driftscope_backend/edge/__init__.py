"""The request edge: request ids, rate limits, timeouts, security headers, CORS, access log."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from driftscope.settings import Settings
from driftscope_backend.edge.middleware import EdgeMiddleware
from driftscope_backend.edge.ratelimit import RateLimiter


def install_edge(app: FastAPI, settings: Settings) -> None:
    """Edge middleware, then CORS outside it (preflights never count against a rate limit)."""
    limiter = None
    if settings.rate_limit_per_s > 0:
        limiter = RateLimiter(
            settings.rate_limit_per_s,
            settings.rate_limit_burst,
            max_clients=settings.rate_limit_max_clients,
        )
    app.state.rate_limiter = limiter
    app.add_middleware(EdgeMiddleware, settings=settings, limiter=limiter)
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Content-Type", "X-API-Key", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )


__all__ = ["EdgeMiddleware", "RateLimiter", "install_edge"]
