"""The request edge (pure ASGI, one layer): request id, rate limit, deadline, security headers,
latency metric and one structured access-log line per request; hot routes dispatched directly.

Cost per request is what makes /predict keep up with a bare hello-world app (docs/BENCHMARKS.md,
"what the edge costs"): header byte pairs are precomputed, the deadline is one shared timer
instead of a timeout task per request, the access line is rendered when the log is flushed,
and the hot routes (`POST /api/v1/predict`) skip Starlette's router and exception layers —
their domain errors go through the app's own exception handlers, so responses are the same —
and their JSON answers go to the server as two messages with the edge's headers appended once.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi.responses import Response
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from driftscope.ids import random_hex32
from driftscope.logs import request_id_var
from driftscope.settings import Settings
from driftscope_backend.edge.access_log import log_request
from driftscope_backend.edge.deadlines import Deadlines
from driftscope_backend.edge.ratelimit import RateLimiter
from driftscope_backend.errors import unexpected_error_body
from driftscope_backend.http import JSONBytesResponse, error_body, json_response
from driftscope_backend.metrics import observe_request

REQUEST_ID_SAFE = re.compile(r"[A-Za-z0-9._:\-]{1,64}")
# Paths whose requests may legitimately run long (streamed uploads and downloads):
# /api/v1/predict/batch and /api/v1/models/{name}/predict/batch.
UNTIMED_SUFFIX = "/predict/batch"
# Per-model hot routes live under this prefix: /api/v1/models/{name}/predict.
MODELS_PREFIX = "/api/v1/models/"
MODEL_NAME = re.compile(r"[a-z][a-z0-9_\-]{0,63}")
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
        b"style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
    ),
)

Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True, slots=True)
class FastRoute:
    """A route the edge calls directly: its endpoint takes the Request (see http.LeanRoute)."""

    endpoint: Endpoint
    template: str  # the route's path template, the metrics label


_KEY_IDS: dict[bytes, str] = {}  # API key → its bucket id, so a request hashes nothing
_KEY_IDS_MAX = 10_000


def _client_of(scope: Scope, api_key: bytes | None) -> str:
    """The rate-limit identity: the API key (by a short hash, never the key), else the peer IP.

    An IP is used as it is (no string built per request); key ids start with "key:", which no
    IP does. Hashes are cached, bounded: a flood of random keys only empties the cache."""
    if api_key:
        key_id = _KEY_IDS.get(api_key)
        if key_id is None:
            if len(_KEY_IDS) >= _KEY_IDS_MAX:
                _KEY_IDS.clear()
            key_id = _KEY_IDS[api_key] = (
                "key:" + hashlib.blake2b(api_key, digest_size=12).hexdigest()
            )
        return key_id
    client = scope.get("client")
    return client[0] if client else "unknown"


class _Outcome:
    """What the edge learns about the response while passing it on."""

    __slots__ = ("headers", "send", "started", "status")

    def __init__(self, send: Send, headers: list[tuple[bytes, bytes]]) -> None:
        self.send = send
        self.headers = headers
        self.status = 500
        self.started = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.started = True
            message["headers"] = [*message.get("headers", ()), *self.headers]
        await self.send(message)

    async def respond(self, response: Response, scope: Scope, receive: Receive) -> None:
        """Send `response` with the edge's headers: a JSON body straight to the server (two
        messages, no wrapper in between), any other response through this wrapper."""
        if type(response) is not JSONBytesResponse:
            await response(scope, receive, self)
            return
        self.status = response.status_code
        self.started = True
        await self.send(
            {
                "type": "http.response.start",
                "status": response.status_code,
                "headers": response.raw_headers + self.headers,
            }
        )
        await self.send({"type": "http.response.body", "body": response.body})


class EdgeMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        settings: Settings,
        limiter: RateLimiter | None,
        fast_routes: Mapping[tuple[str, str], FastRoute] | None = None,
        owner: Starlette | None = None,
        model_routes: Mapping[tuple[str, str], FastRoute] | None = None,
    ) -> None:
        self.app = app
        self.owner = owner  # the app the fast routes belong to (its state, its error handlers)
        self.limiter = limiter
        self.deadlines = Deadlines(settings.request_timeout_s)
        self.log_requests = settings.access_log
        self.fast_routes = dict(fast_routes or {})
        self.model_routes = dict(model_routes or {})

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
        if given_id is None or not REQUEST_ID_SAFE.fullmatch(given_id):
            given_id = random_hex32()  # uuid4().hex's 32 hex digits, without a system call
        request_id: str = given_id
        token = request_id_var.set(request_id)
        path: str = scope["path"]
        outcome = _Outcome(send, [(b"x-request-id", request_id.encode()), *SECURITY_HEADERS])
        template = "other"
        try:
            if self.limiter is not None and path.startswith("/api/"):
                wait_s = self.limiter.acquire(_client_of(scope, api_key))
                if wait_s > 0:
                    await _refuse(scope, receive, outcome, 429, "rate_limited", wait_s)
                    return
            fast = self.fast_routes.get((scope["method"], path))
            if fast is None and path.startswith(MODELS_PREFIX):
                fast = self._model_route(scope, path)
            if fast is not None:
                template = fast.template
                await self._dispatch(fast, scope, receive, outcome, started)
            elif path.endswith(UNTIMED_SUFFIX):
                await self.app(scope, receive, outcome)
            else:
                await self._within_deadline(scope, self.app(scope, receive, outcome), outcome)
        except Exception:
            if not outcome.started:  # a hot route's bug (others are answered further in)
                await json_response(unexpected_error_body(), 500)(scope, _never, outcome)
            raise  # to ServerErrorMiddleware and the server, which log the traceback
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            if route is not None:
                template = getattr(route, "path", None) or template
            observe_request(scope["method"], template, outcome.status, elapsed)
            if self.log_requests:
                log_request(scope, request_id, outcome.status, elapsed)
            request_id_var.reset(token)

    def _model_route(self, scope: Scope, path: str) -> FastRoute | None:
        """A per-model hot route (`/api/v1/models/{name}/predict`), its name in path_params."""
        name, _, rest = path[len(MODELS_PREFIX) :].partition("/")
        fast = self.model_routes.get((scope["method"], "/" + rest))
        if fast is None or not MODEL_NAME.fullmatch(name):
            return None  # Starlette's router answers it (an odd name: 404 unknown_model)
        scope["path_params"] = {"name": name}
        return fast

    async def _dispatch(
        self, fast: FastRoute, scope: Scope, receive: Receive, outcome: _Outcome, started: float
    ) -> None:
        """Call a hot route's endpoint under the request deadline (as `_within_deadline`, without
        a wrapping coroutine); its domain errors go through the app's exception handlers
        (unexpected ones propagate to Starlette's ServerErrorMiddleware, as for any route)."""
        scope["app"] = self.owner  # as Starlette sets it: request.app, request.app.state
        request = Request(scope, receive)
        task = asyncio.current_task()
        if task is not None:  # always under an ASGI server
            self.deadlines.enter(task, started)
        try:
            try:
                response = await fast.endpoint(request)
            except Exception as exc:
                handler = _handler_for(self.owner.exception_handlers, exc) if self.owner else None
                if handler is None:
                    raise
                response = await handler(request, exc)
            await outcome.respond(response, scope, receive)
        except asyncio.CancelledError:
            if task is None or not await self._timed_out(task, scope, outcome):
                raise
        finally:
            if task is not None:
                self.deadlines.leave(task)

    async def _within_deadline(
        self, scope: Scope, call: Awaitable[None], outcome: _Outcome
    ) -> None:
        """Await `call`; past the request timeout it is cancelled and answered with a 504."""
        task = asyncio.current_task()
        if task is None:  # not in a task (never under an ASGI server): no deadline
            await call
            return
        self.deadlines.enter(task, time.perf_counter())
        try:
            await call
        except asyncio.CancelledError:
            if not await self._timed_out(task, scope, outcome):
                raise
        finally:
            self.deadlines.leave(task)

    async def _timed_out(self, task: asyncio.Task[Any], scope: Scope, outcome: _Outcome) -> bool:
        """After `task` was cancelled: True when its deadline did it and a 504 answered it;
        False when the cancellation must go on (not ours, or part of the response is out: all
        that is left then is to drop the connection)."""
        if not self.deadlines.expired(task):
            return False
        task.uncancel()
        if outcome.started:
            return False
        await _refuse(scope, _never, outcome, 504, "timeout", self.deadlines.timeout_s)
        return True


def _handler_for(
    handlers: Mapping[Any, Callable[[Request, Exception], Awaitable[Response]]], exc: Exception
) -> Callable[[Request, Exception], Awaitable[Response]] | None:
    """The handler registered for the nearest class of `exc`, as Starlette looks it up."""
    for cls in type(exc).__mro__:
        if cls in handlers:
            return handlers[cls]
    return None


async def _never() -> Message:  # a 504 or 429 body never reads the request
    return {"type": "http.disconnect"}


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
