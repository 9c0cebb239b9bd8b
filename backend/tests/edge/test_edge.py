"""The request edge on the real app: rate limits, request ids in responses and logs, security
headers, CORS allow-list, timeouts, and API keys (hashes, roles, rotation without restart)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import httpx
import pytest
from backend.tests.conftest import PREDICT, Api, error_of, transaction
from starlette.types import Receive, Scope, Send

from driftscope.logs import JSONFormatter, stamp_request_ids
from driftscope.settings import Settings
from driftscope_backend.edge import EdgeMiddleware, RateLimiter
from driftscope_backend.security import hash_key

Serve = Callable[[Settings], AbstractAsyncContextManager[Api]]
ADMIN, CLIENT = "admin-secret-1", "client-secret-1"


async def test_rate_limit_answers_429_with_retry_after_and_counts(
    serve: Serve, registered_settings: Settings
) -> None:
    settings = registered_settings.model_copy(
        update={"rate_limit_per_s": 1.0, "rate_limit_burst": 3}
    )
    async with serve(settings) as api:
        limiter: RateLimiter = api.app.state.rate_limiter
        # All five at one instant: at 1 token/s a busy machine taking over a second for them
        # would refill a token and let the fourth through.
        limiter.clock = lambda: 1_000.0
        responses = [await api.predict(transaction()) for _ in range(5)]
        other_key = await api.predict(transaction(), headers={"X-API-Key": "someone-else"})
        health = await api.client.get("/health")
        await api.flush()
        stored = await api.count()

    assert [r.status_code for r in responses] == [200, 200, 200, 429, 429]
    error = error_of(responses[3], 429, "rate_limited")
    assert responses[3].headers["retry-after"] == "1"
    assert 0 < error["details"]["retry_after_s"] <= 1
    assert other_key.status_code == 200  # a different client (key) has its own bucket
    assert health.status_code == 200  # only /api/ is limited
    assert stored == 4  # refused requests store nothing
    assert limiter.counts == {"allowed": 4, "limited": 2}


async def test_request_id_round_trip_and_in_every_log_line(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    stamp_request_ids()  # as configure_logging does in every process
    with caplog.at_level(logging.INFO, logger="driftscope.access"):
        given = await api.predict(transaction(), headers={"X-Request-ID": "trace-7"})
        generated = await api.client.get("/api/v1/schema")

    assert given.headers["x-request-id"] == "trace-7"
    assert len(generated.headers["x-request-id"]) == 32
    lines = [json.loads(JSONFormatter().format(r)) for r in caplog.records]
    by_path = {line["path"]: line for line in lines}
    predict_line = by_path[PREDICT]
    assert predict_line["request_id"] == "trace-7"
    assert predict_line["method"] == "POST" and predict_line["status"] == 200
    assert predict_line["model_version"] == given.json()["model_version"]
    assert predict_line["latency_ms"] > 0
    assert by_path["/api/v1/schema"]["request_id"] == generated.headers["x-request-id"]


async def test_security_headers_on_api_and_dashboard(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/schema")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    docs = await client.get("/docs")  # Swagger UI is served from local files: the same CSP
    assert docs.headers["content-security-policy"] == response.headers["content-security-policy"]


async def test_cors_allows_only_configured_origins(
    serve: Serve, registered_settings: Settings
) -> None:
    settings = registered_settings.model_copy(update={"cors_origins": "https://ops.example"})
    preflight = {"Access-Control-Request-Method": "POST"}
    async with serve(settings) as api:
        allowed = await api.client.options(
            PREDICT, headers={"Origin": "https://ops.example", **preflight}
        )
        refused = await api.client.options(
            PREDICT, headers={"Origin": "https://evil.example", **preflight}
        )
    assert allowed.headers["access-control-allow-origin"] == "https://ops.example"
    assert "access-control-allow-origin" not in refused.headers


async def test_timeout_answers_504_when_nothing_was_sent(registered_settings: Settings) -> None:
    async def slow(scope: Scope, receive: Receive, send: Send) -> None:
        await asyncio.sleep(5)

    settings = registered_settings.model_copy(update={"request_timeout_s": 0.05})
    edge = EdgeMiddleware(slow, settings, limiter=None)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=edge), base_url="http://test"
    ) as http:
        response = await http.get("/api/v1/anything")
    error = error_of(response, 504, "timeout")
    assert "0.05 s" in error["message"]
    assert response.headers["x-request-id"]


async def _status(app_client: httpx.AsyncClient, key: str | None) -> int:
    headers = {"X-API-Key": key} if key else {}
    response = await app_client.post("/api/v1/alerts/1/ack", headers=headers)
    return response.status_code


async def test_admin_keys_from_hashes_with_roles(
    serve: Serve, registered_settings: Settings
) -> None:
    settings = registered_settings.model_copy(
        update={"admin_api_keys": hash_key(ADMIN), "client_api_keys": CLIENT}
    )
    async with serve(settings) as api:
        missing = await api.client.post("/api/v1/alerts/1/ack")
        wrong = await api.client.post("/api/v1/alerts/1/ack", headers={"X-API-Key": "nope"})
        client_role = await api.client.post("/api/v1/alerts/1/ack", headers={"X-API-Key": CLIENT})
        admin = await api.client.post("/api/v1/alerts/1/ack", headers={"X-API-Key": ADMIN})
        store = api.app.state.runtime.keys

    assert error_of(missing, 401, "unauthorized")["details"][0]["field"] == "X-API-Key"
    error_of(wrong, 401, "unauthorized")
    assert "admin" in error_of(client_role, 403, "forbidden")["message"]
    assert admin.status_code == 404  # authorised; there is no alert 1
    # Only hashes are held: neither plain key appears in the store.
    assert ADMIN not in repr(store) and CLIENT not in repr(store)


async def test_keys_file_rotates_without_restart(
    serve: Serve, registered_settings: Settings, tmp_path: Path
) -> None:
    keys_file = tmp_path / "keys"
    keys_file.write_text(f"admin {hash_key('old-key')} ops-team  # rotated quarterly\n")
    settings = registered_settings.model_copy(update={"api_keys_file": keys_file})
    async with serve(settings) as api:
        store = api.app.state.runtime.keys
        before = [await _status(api.client, "old-key"), await _status(api.client, "new-key")]
        keys_file.write_text(f"admin {hash_key('new-key')}\nclient {hash_key('app')}\n")
        os.utime(keys_file, (1, 1))  # a distinct mtime even within the clock's resolution
        store._checked_at = 0.0  # skip the one-second poll interval
        after = [await _status(api.client, "old-key"), await _status(api.client, "new-key")]
        keys_file.write_text("admin not-a-hash-line-with-bad-role extra\nbogus\n")
        os.utime(keys_file, (2, 2))
        store._checked_at = 0.0
        broken = await _status(api.client, "new-key")

    assert before == [404, 401]
    assert after == [401, 404]
    assert broken == 404  # a malformed file keeps the last good keys


async def test_prediction_keys_when_required(serve: Serve, registered_settings: Settings) -> None:
    settings = registered_settings.model_copy(
        update={"require_predict_key": True, "client_api_keys": CLIENT}
    )
    async with serve(settings) as api:
        without = await api.predict(transaction())
        with_key = await api.predict(transaction(), headers={"X-API-Key": CLIENT})
        feedback = await api.client.post("/api/v1/feedback", json={"labels": []})
        await api.flush()
        stored = await api.count()

    error_of(without, 401, "unauthorized")
    assert with_key.status_code == 200
    error_of(feedback, 401, "unauthorized")
    assert stored == 1


async def test_batch_scoring_needs_a_key_when_required(
    serve: Serve, registered_settings: Settings
) -> None:
    settings = registered_settings.model_copy(
        update={"require_predict_key": True, "client_api_keys": CLIENT}
    )
    csv = ",".join(transaction()) + "\n" + ",".join(str(v) for v in transaction().values()) + "\n"
    url, content_type = "/api/v1/predict/batch", {"Content-Type": "text/csv"}
    async with serve(settings) as api:
        refused = await api.client.post(url, content=csv.encode(), headers=content_type)
        accepted = await api.client.post(
            url, content=csv.encode(), headers={**content_type, "X-API-Key": CLIENT}
        )
    error_of(refused, 401, "unauthorized")
    assert accepted.status_code == 200, accepted.text
    assert accepted.text.count("\n") == 2  # header + one scored row
