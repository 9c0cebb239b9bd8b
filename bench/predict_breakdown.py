"""In-process cost breakdown of the /predict path (no HTTP, no load generator).

Measures, on a trained data dir:

* each stage of a single prediction (validation, encoding, the tree evaluator — compiled C
  via ctypes and, for comparison, XGBoost's inplace_predict — ids, timestamps, response);
* the ASGI app itself (FastAPI/Starlette stack, no uvicorn) for GET /health and
  POST /api/v1/predict, with the prediction log's flush kept out of the timing;
* the prediction writer's flush per row at several batch sizes, and the longest event-loop
  stall a flush causes (a heartbeat task measures it), next to a plain executemany of the
  same rows (a candidate, measured only here: the backend is not changed).

    uv run --frozen python bench/predict_breakdown.py --data-dir DIR   # DIR from `driftscope train`
    uv run --frozen python bench/predict_breakdown.py                  # trains into a temp dir

Prints a table; `--json PATH` also writes the numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, MutableMapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
EXAMPLE_BODY = (BENCH_DIR.parent / "scripts" / "example-transaction.json").read_bytes().strip()

# The server as shipped, minus the per-client rate limit: one load generator is one client.
BENCH_ENV = {"DRIFTSCOPE_RATE_LIMIT_PER_S": "0"}


def per_call_us(fn: Callable[[], Any], number: int, repeat: int = 5) -> float:
    """Median over `repeat` runs of the mean µs per call of `fn`."""
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter_ns()
        for _ in range(number):
            fn()
        runs.append((time.perf_counter_ns() - t0) / number / 1e3)
    return round(statistics.median(runs), 2)


async def per_call_us_async(fn: Callable[[], Any], number: int, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter_ns()
        for _ in range(number):
            await fn()
        runs.append((time.perf_counter_ns() - t0) / number / 1e3)
    return round(statistics.median(runs), 2)


def stage_costs(model_dir: Path) -> dict[str, float]:
    import orjson

    from driftscope.serving.artifact import BoosterMargin, load_model
    from driftscope_backend.http import json_response
    from driftscope_backend.prediction import service
    from driftscope_backend.prediction.schemas import SingleBody

    model = load_model(model_dir)
    txn = SingleBody.validate_json(EXAMPLE_BODY)
    record = txn.model_dump(exclude={"transaction_id"})
    encoded = model.contract.encode_record(record)
    booster = BoosterMargin(model_dir / model.manifest["model_file"])
    result, _ = service.score(model, txn, started_ns=time.perf_counter_ns(), request_id=None)
    n = 20_000
    return {
        "validate_json (pydantic)": per_call_us(lambda: SingleBody.validate_json(EXAMPLE_BODY), n),
        "model_dump": per_call_us(lambda: txn.model_dump(exclude={"transaction_id"}), n),
        "encode_record": per_call_us(lambda: model.contract.encode_record(record), n),
        "margin_row, compiled C via ctypes": per_call_us(
            lambda: model.evaluator.margin_row(encoded), n
        ),
        "margin_row, XGBoost inplace_predict": per_call_us(
            lambda: booster.margin_row(encoded), 2_000
        ),
        "probability_row (C + Platt)": per_call_us(lambda: model.probability_row(encoded), n),
        "uuid4()": per_call_us(uuid.uuid4, n),
        "datetime.now(UTC)": per_call_us(lambda: datetime.now(UTC), n),
        "service.score (all of the above + row)": per_call_us(
            lambda: service.score(model, txn, started_ns=time.perf_counter_ns(), request_id=None),
            n,
        ),
        "orjson.dumps(result)": per_call_us(lambda: orjson.dumps(result), n),
        "json_response(result) (Response object)": per_call_us(lambda: json_response(result), n),
    }


async def edge_step_costs(n: int = 50_000) -> dict[str, float]:
    """Each step of the request edge alone, µs per request (the mechanisms used before the
    request-edge rework are kept here as rows of their own, for the before/after table)."""
    import asyncio
    import hashlib
    import logging
    import os

    from driftscope.ids import random_hex32
    from driftscope.logs import JsonLineSink, request_id_var
    from driftscope_backend.edge.access_log import _render
    from driftscope_backend.edge.deadlines import Deadlines
    from driftscope_backend.edge.middleware import SECURITY_HEADERS, _client_of
    from driftscope_backend.edge.ratelimit import RateLimiter
    from driftscope_backend.metrics import observe_request

    scope = {"client": ("127.0.0.1", 40000)}
    limiter = RateLimiter(1e9, 1_000_000)
    headers = [(b"content-type", b"application/json"), (b"content-length", b"312")]
    task = asyncio.current_task()
    assert task is not None
    deadlines = Deadlines(30.0)

    def contextvar() -> None:
        request_id_var.reset(request_id_var.set("x"))

    def deadline() -> None:
        deadlines.enter(task, 0.0)
        deadlines.leave(task)

    async def nothing() -> None:
        return None

    async def with_timeout() -> None:
        async with asyncio.timeout(30.0):
            await nothing()

    line = (
        time.time(),
        logging.INFO,
        "f" * 32,
        "POST",
        "/api/v1/predict",
        200,
        4e-4,
        1,
        "127.0.0.1",
    )
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        sink = JsonLineSink(devnull)
        sink.FLUSH_LINES = 10**9  # flushed below, timed apart
        costs = {
            "request id: os.urandom(16).hex() (before)": per_call_us(
                lambda: os.urandom(16).hex(), n
            ),
            "request id: random_hex32(), drawn a block at a time (after)": per_call_us(
                random_hex32, n
            ),
            "request-id contextvar set + reset": per_call_us(contextvar, n),
            "rate-limit key: client IP": per_call_us(lambda: _client_of(scope, None), n),
            "rate-limit key: API key (blake2b)": per_call_us(
                lambda: _client_of(scope, b"an-api-key-1234"), n
            ),
            "rate-limit bucket (token bucket, LRU)": per_call_us(
                lambda: limiter.acquire("127.0.0.1"), n
            ),
            "key lookup (sha256 of an API key)": per_call_us(
                lambda: hashlib.sha256(b"an-api-key-1234").hexdigest(), n
            ),
            "security headers appended (precomputed pairs)": per_call_us(
                lambda: [*headers, (b"x-request-id", b"f" * 32), *SECURITY_HEADERS], n
            ),
            "timeout: asyncio.timeout() per request (before)": await per_call_us_async(
                with_timeout, n
            ),
            "timeout: shared deadline enter + leave (after)": per_call_us(deadline, n),
            "await of an empty coroutine (reference)": await per_call_us_async(nothing, n),
            "access line: dict + isoformat + orjson per request (before)": per_call_us(
                lambda: sink.emit(_render(*line)), n // 5
            ),
            "access line: deferred append per request (after)": per_call_us(
                lambda: sink.emit_deferred(_render, line), n
            ),
            "metrics histogram observation": per_call_us(
                lambda: observe_request("POST", "/api/v1/predict", 200, 4e-4), n
            ),
        }
        pending = len(sink._pending)
        t0 = time.perf_counter_ns()
        sink.flush()
        costs["access line: render + write at flush, per line (after)"] = round(
            (time.perf_counter_ns() - t0) / max(pending, 1) / 1e3, 2
        )
    finally:
        os.close(devnull)
    return costs


def _scope(method: str, path: str, body: bytes | None) -> dict[str, Any]:
    headers = [(b"host", b"127.0.0.1:8000"), (b"accept", b"*/*")]
    if body is not None:
        headers += [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


def _bare_hello() -> Any:
    """The baseline of bench/harness/hello_app.py, in process."""
    from fastapi import FastAPI

    hello = FastAPI()

    @hello.get("/")
    async def root() -> dict[str, str]:
        return {"message": "Hello World"}

    return hello


async def asgi_costs(data_dir: Path, number: int) -> dict[str, float]:
    """The app without a server: µs per request for /health and /predict (logging deferred)."""
    from driftscope.settings import Settings
    from driftscope_backend.app import create_app

    app = create_app(Settings(data_dir=data_dir))
    statuses: list[int] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    def call(target: Any, method: str, path: str, body: bytes | None) -> Callable[[], Any]:
        scope = _scope(method, path, body)
        message = {"type": "http.request", "body": body or b"", "more_body": False}

        async def receive() -> dict[str, Any]:
            return message

        return lambda: target(dict(scope), receive, send)

    health = call(app, "GET", "/health", None)
    bare = call(_bare_hello(), "GET", "/", None)
    predict = call(app, "POST", "/api/v1/predict", EXAMPLE_BODY)
    async with app.router.lifespan_context(app):
        writer = app.state.runtime.writer
        # Below the writer's batch size and without yielding to the loop, so no flush runs
        # inside the timed loop; the rows are flushed when the lifespan ends.
        number = min(number, max(1, (writer.batch_rows - 1) // 6))
        await health()
        await predict()
        out = {
            "ASGI bare FastAPI hello-world GET /": await per_call_us_async(bare, number, repeat=3),
            "ASGI GET /health": await per_call_us_async(health, number, repeat=3),
            "ASGI POST /api/v1/predict (flush excluded)": await per_call_us_async(
                predict, number, repeat=3
            ),
        }
        bad = [s for s in statuses if s != 200]
        if bad:
            raise RuntimeError(f"ASGI calls failed: statuses {sorted(set(bad))}")
    return out


class _Transport:
    """A socket's stand-in for uvicorn's protocol: counts writes, sends nothing."""

    def __init__(self) -> None:
        self.writes = 0

    def write(self, _data: bytes) -> None:
        self.writes += 1

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 40000), "sockname": ("127.0.0.1", 8000)}.get(
            name, default
        )

    def is_closing(self) -> bool:
        return False

    def close(self) -> None:
        return None

    def pause_reading(self) -> None:
        return None

    def resume_reading(self) -> None:
        return None


async def _protocol_cpu_us(app: Any, raw: bytes, number: int, repeat: int = 5) -> float:
    """CPU µs (this thread) per request through uvicorn's httptools protocol, raw bytes in and
    the response written to a counting transport: the whole HTTP path but the socket system
    calls, measured in CPU time so other processes on the machine barely move it."""
    from uvicorn.config import Config
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    from uvicorn.server import ServerState

    from driftscope_backend.cli import UVICORN_OPTIONS

    options = {k: v for k, v in UVICORN_OPTIONS.items() if k != "loop"}
    config = Config(app=app, loop="none", lifespan="off", **options)
    config.load()
    protocol = HttpToolsProtocol(config=config, server_state=ServerState(), app_state={})
    transport = _Transport()
    protocol.connection_made(transport)  # type: ignore[arg-type]
    runs = []
    for _ in range(repeat):
        t0 = time.thread_time_ns()
        for _ in range(number):
            done = transport.writes + 2  # the response head, then its body
            protocol.data_received(raw)
            while transport.writes < done:  # noqa: ASYNC110 - an Event would add cost
                await asyncio.sleep(0)  # the request runs as a task: let it finish
        runs.append((time.thread_time_ns() - t0) / number / 1e3)
    return round(statistics.median(runs), 2)


async def protocol_costs(data_dir: Path, number: int = 300) -> dict[str, float]:
    """Bare hello-world, /health and /predict through uvicorn's protocol (writer flushes and
    the access log included: they run on the same loop)."""
    from driftscope.settings import Settings
    from driftscope_backend.app import create_app

    def get(path: str) -> bytes:
        return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n".encode()

    post = (
        "POST /api/v1/predict HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(EXAMPLE_BODY)}\r\n\r\n"
    ).encode() + EXAMPLE_BODY
    out = {
        "HTTP bare FastAPI hello-world GET /": await _protocol_cpu_us(_bare_hello(), get("/"), 2000)
    }
    app = create_app(Settings(data_dir=data_dir))
    async with app.router.lifespan_context(app):
        out["HTTP GET /health"] = await _protocol_cpu_us(app, get("/health"), 2000)
        out["HTTP POST /api/v1/predict (writer flushes included)"] = await _protocol_cpu_us(
            app, post, number
        )
    out["ratio /predict : bare (CPU per request, HTTP without sockets)"] = round(
        out["HTTP bare FastAPI hello-world GET /"]
        / out["HTTP POST /api/v1/predict (writer flushes included)"],
        3,
    )
    return out


async def _heartbeat(state: dict[str, float]) -> None:
    """Records the longest gap between two turns of the event loop."""
    last = time.perf_counter()
    while True:
        await asyncio.sleep(0)
        now = time.perf_counter()
        state["max_gap"] = max(state["max_gap"], now - last)
        last = now


async def _timed_flush(flush: Callable[[], Any]) -> tuple[float, float]:
    state = {"max_gap": 0.0}
    beat = asyncio.ensure_future(_heartbeat(state))
    await asyncio.sleep(0)
    t0 = time.perf_counter()
    await flush()
    elapsed = time.perf_counter() - t0
    beat.cancel()
    return elapsed, state["max_gap"]


async def writer_costs(model_dir: Path, sizes: list[int]) -> list[dict[str, Any]]:
    """The prediction writer's flush vs executemany of the same rows, on fresh SQLite files."""
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    from driftscope.db import Prediction, create_engine, upgrade
    from driftscope.serving.artifact import load_model
    from driftscope_backend.prediction import service
    from driftscope_backend.prediction.schemas import SingleBody
    from driftscope_backend.prediction.writer import PredictionWriter

    model = load_model(model_dir)
    txn = SingleBody.validate_json(EXAMPLE_BODY)

    def rows(n: int) -> list[dict[str, Any]]:
        return [
            service.score(model, txn, started_ns=time.perf_counter_ns(), request_id=None)[1]
            for _ in range(n)
        ]

    out = []
    with tempfile.TemporaryDirectory(prefix="ds-writer-") as tmp:
        engines = {}
        for name in ("writer", "executemany"):
            engine = create_engine(f"sqlite+aiosqlite:///{tmp}/{name}.db")
            await upgrade(engine)
            engines[name] = engine
        writer = PredictionWriter(
            engines["writer"],
            capacity=1_000_000,
            batch_rows=max(sizes),
            flush_interval_s=1.0,
            spill_dir=Path(tmp) / "spill",
        )
        stmt = sqlite_insert(Prediction).on_conflict_do_nothing()

        async def executemany(batch: list[dict[str, Any]]) -> None:
            async with engines["executemany"].begin() as conn:
                await conn.execute(stmt, batch)

        await executemany(rows(10))  # warm both paths (connections, statement caches)
        for r in rows(10):
            writer.submit(r)
        await writer.flush()
        for size in sizes:
            w_runs, e_runs = [], []
            for _ in range(3):
                for r in rows(size):
                    writer.submit(r)
                w_runs.append(await _timed_flush(writer.flush))
                batch = rows(size)
                e_runs.append(await _timed_flush(functools.partial(executemany, batch)))
            w_elapsed, w_gap = _best(w_runs)
            e_elapsed, e_gap = _best(e_runs)
            out.append(
                {
                    "rows": size,
                    "writer_flush_ms": round(w_elapsed * 1e3, 2),
                    "writer_us_per_row": round(w_elapsed / size * 1e6, 1),
                    "writer_max_loop_stall_ms": round(w_gap * 1e3, 2),
                    "executemany_ms": round(e_elapsed * 1e3, 2),
                    "executemany_us_per_row": round(e_elapsed / size * 1e6, 1),
                    "executemany_max_loop_stall_ms": round(e_gap * 1e3, 2),
                }
            )
        if writer.rows_written != 10 + 3 * sum(sizes):
            raise RuntimeError(f"the writer wrote {writer.rows_written} rows, expected more")
        for engine in engines.values():
            await engine.dispose()
    return out


def _best(results: list[tuple[float, float]]) -> tuple[float, float]:
    """The median run (by elapsed time) of a few."""
    return sorted(results)[len(results) // 2]


def train(data_dir: Path, rows: int) -> None:
    exe = Path(sys.executable).with_name("driftscope")
    env = {**os.environ, "DRIFTSCOPE_DATA_DIR": str(data_dir), **BENCH_ENV}
    subprocess.run(
        [str(exe), "train", "--rows", str(rows)], env=env, check=True, capture_output=True
    )


def model_dir_of(data_dir: Path) -> Path:
    versions = sorted(
        (data_dir / "models" / "fraud").glob("v*"), key=lambda p: int(p.name[1:] or 0)
    )
    if not versions:
        raise SystemExit(f"no trained model under {data_dir} (run: driftscope train)")
    return versions[-1]


def run(data_dir: Path, asgi_requests: int = 300) -> dict[str, Any]:
    import uvloop

    model_dir = model_dir_of(data_dir)
    results: dict[str, Any] = {"stages_us": stage_costs(model_dir)}
    loop = uvloop.new_event_loop()
    try:
        results["edge_us"] = loop.run_until_complete(edge_step_costs())
        results["asgi_us"] = loop.run_until_complete(asgi_costs(data_dir, asgi_requests))
        results["asgi_us"].update(loop.run_until_complete(protocol_costs(data_dir)))
        results["writer"] = loop.run_until_complete(writer_costs(model_dir, [100, 500, 2000]))
    finally:
        loop.close()
    return results


def format_table(results: dict[str, Any]) -> str:
    lines = ["stage                                                        µs/call"]
    for name, us in {**results["stages_us"], **results["asgi_us"]}.items():
        lines.append(f"  {name:<59}{us:>8.2f}")
    lines += ["", "request edge step                                            µs/call"]
    for name, us in results.get("edge_us", {}).items():
        lines.append(f"  {name:<59}{us:>8.2f}")
    lines.append("")
    lines.append(
        "writer flush   rows   ms   µs/row  max loop stall ms | executemany ms  µs/row  stall ms"
    )
    for w in results["writer"]:
        lines.append(
            f"  {'':<11}{w['rows']:>6} {w['writer_flush_ms']:>6.1f} {w['writer_us_per_row']:>7.1f}"
            f" {w['writer_max_loop_stall_ms']:>14.1f}   |"
            f" {w['executemany_ms']:>14.1f} {w['executemany_us_per_row']:>7.1f}"
            f" {w['executemany_max_loop_stall_ms']:>9.1f}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, help="a data dir with a trained model")
    parser.add_argument("--rows", type=int, default=50_000, help="training rows without --data-dir")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ds-breakdown-") as tmp:
        data_dir = args.data_dir
        if data_dir is None:
            data_dir = Path(tmp)
            print(f"training a model in {data_dir} ...", file=sys.stderr)
            train(data_dir, args.rows)
        results = run(data_dir.resolve())
    print(format_table(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
