"""The edge's hot-route dispatch, its shared deadline timer and the deferred access-log line."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from backend.tests.conftest import PREDICT, Api, error_of, transaction
from fastapi import FastAPI, Request
from fastapi.responses import Response

from driftscope.errors import ContractError
from driftscope.logs import JsonLineSink
from driftscope.settings import Settings
from driftscope_backend.edge import EdgedFastAPI, FastRoute, install_edge
from driftscope_backend.edge.access_log import log_request
from driftscope_backend.edge.deadlines import Deadlines
from driftscope_backend.errors import install_error_handlers
from driftscope_backend.http import json_response
from driftscope_backend.metrics.requests import _series


async def _slow(_request: Request) -> Response:
    await asyncio.sleep(30)
    return json_response({})


async def _invalid(_request: Request) -> Response:
    raise ContractError("invalid input: amount: must be > 0", [{"field": "amount", "reason": "x"}])


async def _broken(_request: Request) -> Response:
    raise RuntimeError("bug")


def _app(timeout_s: float = 30.0) -> FastAPI:
    """An app built like the real one: the edge outermost, the fast routes ending in it."""
    app = EdgedFastAPI()
    install_error_handlers(app)
    routes = {
        ("POST", "/slow"): FastRoute(_slow, "/slow"),
        ("POST", "/invalid"): FastRoute(_invalid, "/invalid"),
        ("POST", "/broken"): FastRoute(_broken, "/broken"),
    }
    install_edge(app, Settings(request_timeout_s=timeout_s, access_log=False), routes)

    @app.post("/invalid-routed")  # the same error through the router: answers must not differ
    async def invalid_routed() -> None:
        await _invalid(None)  # type: ignore[arg-type]

    @app.post("/broken-routed")
    async def broken_routed() -> None:
        await _broken(None)  # type: ignore[arg-type]

    return app


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app(timeout_s=0.05), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_a_hot_route_past_its_deadline_answers_504(http: httpx.AsyncClient) -> None:
    response = await http.post("/slow")
    error = error_of(response, 504, "timeout")
    assert "0.05 s" in error["message"]
    assert response.headers["x-request-id"] and response.headers["x-frame-options"] == "DENY"


async def test_domain_errors_of_a_hot_route_use_the_app_handlers(http: httpx.AsyncClient) -> None:
    fast = await http.post("/invalid")
    routed = await http.post("/invalid-routed")
    error = error_of(fast, 422, "invalid_input")
    assert error["details"] == [{"field": "amount", "reason": "x"}]
    assert fast.json() == routed.json()
    assert fast.headers["content-security-policy"]


@pytest.mark.parametrize("path", ["/broken", "/broken-routed"])
async def test_an_unexpected_error_is_a_500_in_the_stable_shape(
    http: httpx.AsyncClient, path: str
) -> None:
    response = await http.post(path)
    error = error_of(response, 500, "internal_error")
    assert response.headers["x-request-id"] in error["message"]  # to find it in the logs


async def test_other_methods_on_a_hot_path_go_through_the_router(api: Api) -> None:
    response = await api.client.put(PREDICT, json=transaction())
    assert response.status_code in (404, 405)  # the router's answer: no PUT route
    assert response.json()["error"]["code"] in ("not_found", "method_not_allowed")


async def test_hot_route_requests_are_counted_under_their_template(api: Api) -> None:
    def count(status: int) -> int:
        series = _series.get(("POST", PREDICT, status))
        return sum(series.counts) if series else 0

    before_ok, before_bad = count(200), count(422)
    assert (await api.predict(transaction())).status_code == 200
    assert (await api.predict(transaction(amount=-1))).status_code == 422
    assert (count(200), count(422)) == (before_ok + 1, before_bad + 1)


async def test_deadlines_cancel_only_requests_past_their_deadline() -> None:
    deadlines = Deadlines(timeout_s=0.05)
    slow = asyncio.ensure_future(asyncio.sleep(30))
    fast = asyncio.ensure_future(asyncio.sleep(0))
    entered = time.perf_counter()
    for task in (slow, fast):
        deadlines.enter(task, entered)
    await fast
    assert deadlines.leave(fast) is False
    with pytest.raises(asyncio.CancelledError):
        await slow
    assert time.perf_counter() - entered >= 0.05
    assert deadlines.expired(slow) and deadlines.leave(slow) is True
    assert not deadlines.expired(slow)


async def test_the_access_line_is_rendered_with_every_field_at_flush(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="driftscope.access")
    read_fd, write_fd = os.pipe()
    sink = JsonLineSink(write_fd)
    monkeypatch.setattr("driftscope_backend.edge.access_log.json_sink", lambda: sink)
    scope = {"method": "POST", "path": PREDICT, "client": ("10.1.2.3", 5), "model_version": 4}
    try:
        log_request(scope, "trace-7", 200, 0.0004125)
        log_request(scope, "trace-8", 503, 0.002)
        sink.flush()
        lines = [json.loads(line) for line in os.read(read_fd, 65_536).splitlines()]
    finally:
        os.close(read_fd)
        os.close(write_fd)
    ok, failed = lines
    assert ok == {
        "ts": ok["ts"],
        "level": "info",
        "logger": "driftscope.access",
        "message": f"POST {PREDICT} 200",
        "request_id": "trace-7",
        "method": "POST",
        "path": PREDICT,
        "status": 200,
        "latency_ms": 0.412,
        "model_version": 4,
        "client": "10.1.2.3",
    }
    assert ok["ts"].endswith("+00:00") and len(ok["ts"]) == len("2026-12-04T18:10:05.123+00:00")
    assert failed["level"] == "error" and failed["request_id"] == "trace-8"


def test_deadlines_follow_the_event_loop_they_are_used_on() -> None:
    """An app reused across event loops (tests, reloads) keeps enforcing deadlines."""
    deadlines = Deadlines(timeout_s=0.02)

    async def one_slow_request() -> bool:
        task = asyncio.ensure_future(asyncio.sleep(30))
        deadlines.enter(task, time.perf_counter())
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return deadlines.leave(task)

    for _ in range(2):  # the first loop closes with its timer state behind
        assert asyncio.run(one_slow_request()) is True


def test_rate_limit_identity_is_cheap_and_never_the_key_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from driftscope_backend.edge import middleware

    monkeypatch.setattr(middleware, "_KEY_IDS_MAX", 3)
    monkeypatch.setattr(middleware, "_KEY_IDS", {})
    scope = {"client": ("10.0.0.7", 5000)}
    assert middleware._client_of(scope, None) == "10.0.0.7"  # the peer IP as it is
    assert middleware._client_of({}, None) == "unknown"
    first = middleware._client_of(scope, b"secret-a")
    assert first.startswith("key:") and "secret-a" not in first
    assert middleware._client_of(scope, b"secret-a") == first  # cached, same bucket
    assert middleware._client_of(scope, b"secret-b") != first
    for n in range(10):  # a flood of keys keeps the cache bounded
        middleware._client_of(scope, b"k%d" % n)
    assert len(middleware._KEY_IDS) <= 3
    assert middleware._client_of(scope, b"secret-a") == first  # recomputed identically


@pytest.mark.parametrize(
    ("content", "status", "headers"),
    [
        ({"status": "ok"}, 200, None),
        ({"error": {"code": "rate_limited"}}, 429, {"Retry-After": "2"}),
        ([], 503, {"Retry-After": "1", "X-Extra": "é"}),
    ],
)
def test_json_responses_carry_the_headers_starlette_would_give_them(
    content: object, status: int, headers: dict[str, str] | None
) -> None:
    import orjson

    lean = json_response(content, status, headers)
    plain = Response(orjson.dumps(content), status, headers, media_type="application/json")
    assert (lean.body, lean.status_code, lean.raw_headers) == (
        plain.body,
        plain.status_code,
        plain.raw_headers,
    )
    assert lean.headers["content-type"] == "application/json"
