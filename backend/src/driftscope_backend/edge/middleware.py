"""The request edge (pure ASGI, one layer): request id, rate limit, timeout, security headers,
latency metric and one structured access-log line per request."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
import time
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from driftscope.logs import json_sink, request_id_var
from driftscope.settings import Settings
from driftscope_backend.edge.ratelimit import RateLimiter
from driftscope_backend.http import error_body, json_response
from driftscope_backend.metrics import observe_request

access_log = logging.getLogger("driftscope.access")
REQUEST_ID_SAFE = re.compile(r"[A-Za-z0-9._:\-]{1,64}")
# Paths whose requests may legitimately run long (streamed uploads and downloads).
UNTIMED_PREFIXES = ("/api/v1/predict/batch",)
NO_CSP_PREFIXES = ("/docs", "/redoc")  # Swagger UI and ReDoc load their assets from a CDN
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
CSP = (
    b"content-security-policy",
    b"default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
    b"style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
)


def _client_of(scope: Scope, api_key: bytes | None) -> str:
    """The rate-limit identity: the API key (by a short hash, never the key), else the peer IP."""
    if api_key:
        return "key:" + hashlib.blake2b(api_key, digest_size=12).hexdigest()
    client = scope.get("client")
    return "ip:" + (client[0] if client else "unknown")


class EdgeMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings, limiter: RateLimiter | None) -> None:
        self.app = app
        self.limiter = limiter
        self.timeout_s = settings.request_timeout_s
        self.log_requests = settings.access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        given_id, api_key = None, None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                given_id = value.decode("latin-1")
            elif name == b"x-api-key":
                api_key = value
        request_id = given_id if given_id and REQUEST_ID_SAFE.fullmatch(given_id) else None
        request_id = request_id or os.urandom(16).hex()  # uuid4().hex's 32 hex digits, faster
        token = request_id_var.set(request_id)
        path: str = scope["path"]
        extra = [(b"x-request-id", request_id.encode()), *SECURITY_HEADERS]
        if not path.startswith(NO_CSP_PREFIXES):
            extra.append(CSP)
        state = {"status": 500, "started": False}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                state["started"] = True
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        try:
            await self._guarded(scope, receive, send_with_headers, path, api_key, state)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or "other"
            observe_request(scope["method"], template, int(state["status"]), elapsed)
            if self.log_requests:
                self._log(scope, path, int(state["status"]), elapsed)
            request_id_var.reset(token)

    async def _guarded(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        path: str,
        api_key: bytes | None,
        state: dict[str, Any],
    ) -> None:
        if self.limiter is not None and path.startswith("/api/"):
            wait_s = self.limiter.acquire(_client_of(scope, api_key))
            if wait_s > 0:
                await _refuse(scope, receive, send, 429, "rate_limited", wait_s)
                return
        if path.startswith(UNTIMED_PREFIXES):
            await self.app(scope, receive, send)
            return
        try:
            async with asyncio.timeout(self.timeout_s):
                await self.app(scope, receive, send)
        except TimeoutError:
            if state["started"]:
                raise  # part of the response is out: all we can do is drop the connection
            await _refuse(scope, receive, send, 504, "timeout", self.timeout_s)

    def _log(self, scope: Scope, path: str, status: int, elapsed: float) -> None:
        level = logging.ERROR if status >= 500 else logging.INFO
        if not access_log.isEnabledFor(level):
            return
        client = scope.get("client")
        fields = {
            "method": scope["method"],
            "path": path,
            "status": status,
            "latency_ms": round(elapsed * 1000, 3),
            "model_version": scope.get("model_version"),
            "client": client[0] if client else None,
        }
        sink = json_sink()
        if sink is None:  # text on a terminal, or tests: through the logging module
            access_log.log(level, "%s %s %d", scope["method"], path, status, extra=fields)
            return
        # The same line JSONFormatter would write, without a LogRecord per request.
        sink.emit(
            {
                "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "level": "error" if level == logging.ERROR else "info",
                "logger": access_log.name,
                "message": f"{scope['method']} {path} {status}",
                "request_id": request_id_var.get(),
                **fields,
            }
        )


async def _refuse(
    scope: Scope, receive: Receive, send: Send, status: int, code: str, wait_s: float
) -> None:
    if status == 429:
        message = "too many requests for this client; slow down and retry after Retry-After"
        headers = {"Retry-After": RateLimiter.retry_after_header(wait_s)}
    else:
        message = f"request took longer than {wait_s:g} s"
        headers = {}
    details = {"retry_after_s": float(f"{wait_s:.3f}")} if status == 429 else None
    await json_response(error_body(code, message, details), status, headers)(scope, receive, send)
