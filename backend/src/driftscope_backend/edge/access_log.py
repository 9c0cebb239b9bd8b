"""One access-log line per request: method, path, status, latency, request id, model version."""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.types import Scope

from driftscope.logs import json_sink, utc_timestamp

access_log = logging.getLogger("driftscope.access")


def log_request(scope: Scope, request_id: str, status: int, elapsed_s: float) -> None:
    """Queue the line; with the JSON sink it is rendered at flush time, not per request."""
    level = logging.ERROR if status >= 500 else logging.INFO
    if not access_log.isEnabledFor(level):
        return
    client = scope.get("client")
    args = (
        time.time(),
        level,
        request_id,
        scope["method"],
        scope["path"],
        status,
        elapsed_s,
        scope.get("model_version"),
        client[0] if client else None,
    )
    sink = json_sink()
    if sink is not None:
        sink.emit_deferred(_render, args)
        return
    # Text on a terminal, or tests: a LogRecord through the logging module (which stamps the
    # request id itself, from the context variable still set by the edge).
    entry = _render(*args)
    for made_by_logging in ("ts", "level", "logger", "message", "request_id"):
        del entry[made_by_logging]
    access_log.log(level, "%s %s %d", scope["method"], scope["path"], status, extra=entry)


def _render(
    ts: float,
    level: int,
    request_id: str,
    method: str,
    path: str,
    status: int,
    elapsed_s: float,
    model_version: int | None,
    client: str | None,
) -> dict[str, Any]:
    """The same line JSONFormatter writes for a record with these `extra` fields."""
    return {
        "ts": utc_timestamp(ts),
        "level": "error" if level == logging.ERROR else "info",
        "logger": access_log.name,
        "message": f"{method} {path} {status}",
        "request_id": request_id,
        "method": method,
        "path": path,
        "status": status,
        "latency_ms": round(elapsed_s * 1000, 3),
        "model_version": model_version,
        "client": client,
    }
