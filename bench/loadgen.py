"""A small, dependency-free HTTP/1.1 load generator (asyncio, raw sockets, keep-alive).

Two modes, both bounded in time (at most MAX_DURATION_S per phase) and loopback-only:

* closed loop (`closed`): C connections, each sends a request, reads the full response, and
  sends the next, for D seconds -> requests/s and errors. Measures maximum throughput.
* open loop (`paced`): R requests/s on a fixed schedule t0 + i/R for D seconds, spread over C
  keep-alive connections. Latency is measured from the *scheduled* send time, so a stalled
  server is charged for every request that should have been sent meanwhile (no coordinated
  omission). The schedule is kept by a ticker thread (time.sleep is precise to ~0.1 ms; an
  event-loop timer is only precise to 1 ms); `dispatch_lag` reports how late the client
  actually sent, so the client's own share of the latency is visible.

Responses are parsed just enough to be correct with keep-alive: the status line and
Content-Length (chunked bodies are not supported; uvicorn sends Content-Length for plain
responses). uvloop is used when importable (lower client CPU), else the stdlib loop.

    python bench/loadgen.py closed http://127.0.0.1:8000/health -c 16 -d 5
    python bench/loadgen.py paced http://127.0.0.1:8000/api/v1/predict --body-file x.json -r 500 -d 10
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import json
import math
import socket
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

MAX_DURATION_S = 60.0
MAX_CONNECTIONS = 256
MAX_RATE = 20_000.0
DRAIN_TIMEOUT_S = 5.0


class LoadgenError(Exception):
    pass


def _check_loopback(host: str) -> None:
    """Load tests run against this machine only."""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise LoadgenError(f"refusing to load-test non-loopback host {host!r}")


@dataclass(frozen=True)
class Target:
    host: str
    port: int
    path: str
    raw: bytes  # the complete request, sent as is on every iteration

    @classmethod
    def build(
        cls,
        url: str,
        method: str = "GET",
        body: bytes | None = None,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> Target:
        parts = urlsplit(url)
        if parts.scheme != "http":
            raise LoadgenError("only http:// URLs are supported")
        host = parts.hostname or "127.0.0.1"
        _check_loopback(host)
        port = parts.port or 80
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Accept: */*"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if body is not None:
            lines += [f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + (body or b"")
        return cls(host, port, path, raw)


class _Connection(asyncio.Protocol):
    """One keep-alive connection with at most one request in flight."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self._buf = bytearray()
        self._need = -1  # total bytes of the current response once its head is parsed
        self._status = 0
        self._close_after = False
        self._waiter: asyncio.Future[int] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is not a subclass
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(ConnectionError(f"connection lost: {exc}"))

    def data_received(self, data: bytes) -> None:
        buf = self._buf
        buf += data
        if self._need < 0:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            try:
                self._parse_head(bytes(buf[:end]), end + 4)
            except LoadgenError as exc:
                self._fail(exc)
                return
        if len(buf) < self._need:
            return
        if len(buf) > self._need:  # one request in flight: extra bytes are a protocol error
            self._fail(LoadgenError("unexpected bytes after the response"))
            return
        buf.clear()
        self._need = -1
        if self._close_after and self.transport is not None:
            self.closed = True
            self.transport.close()
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(self._status)

    def _parse_head(self, head: bytes, body_start: int) -> None:
        if not head.startswith(b"HTTP/1.") or len(head) < 12:
            raise LoadgenError(f"bad status line: {head[:40]!r}")
        self._status = int(head[9:12])
        lower = head.lower()
        i = lower.find(b"\r\ncontent-length:")
        if i < 0:
            raise LoadgenError("response without Content-Length (chunked is not supported)")
        j = lower.find(b"\r\n", i + 2)
        length = int(lower[i + 17 : j if j >= 0 else len(lower)].strip())
        self._close_after = b"\r\nconnection: close" in lower
        self._need = body_start + length

    def _fail(self, exc: Exception) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)

    async def request(self, raw: bytes) -> int:
        if self.closed or self.transport is None:
            raise ConnectionError("connection closed")
        waiter = asyncio.get_running_loop().create_future()
        self._waiter = waiter
        self.transport.write(raw)
        return await waiter

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


async def _connect(target: Target) -> _Connection:
    loop = asyncio.get_running_loop()
    _, conn = await loop.create_connection(_Connection, target.host, target.port)
    return conn


async def _reconnect(target: Target, conn: _Connection | None) -> _Connection | None:
    if conn is not None:
        conn.close()
    try:
        return await _connect(target)
    except OSError:
        await asyncio.sleep(0.05)
        return None


def _check_bounds(duration_s: float, connections: int) -> None:
    if not 0 < duration_s <= MAX_DURATION_S:
        raise LoadgenError(f"duration must be in (0, {MAX_DURATION_S:g}] s")
    if not 1 <= connections <= MAX_CONNECTIONS:
        raise LoadgenError(f"connections must be in [1, {MAX_CONNECTIONS}]")


@dataclass
class ClosedResult:
    mode: str
    url_path: str
    connections: int
    duration_s: float
    requests: int  # responses completed within the duration (the rate's numerator)
    rps: float
    status_counts: dict[str, int]  # every response, including those drained after the end
    errors: int  # connection/protocol errors (no response)
    client_cpu_s: float

    @property
    def responses_2xx(self) -> int:
        return sum(n for s, n in self.status_counts.items() if s.startswith("2"))


async def closed_loop(target: Target, connections: int, duration_s: float) -> ClosedResult:
    """Max-throughput mode: each connection sends back to back for `duration_s`."""
    _check_bounds(duration_s, connections)
    conns: list[_Connection | None] = list(
        await asyncio.gather(*(_connect(target) for _ in range(connections)))
    )
    statuses: Counter[int] = Counter()
    in_window = 0
    errors = 0
    cpu0 = time.process_time()
    start = time.perf_counter()
    stop_at = start + duration_s

    async def worker(k: int) -> None:
        nonlocal in_window, errors
        conn = conns[k]
        perf = time.perf_counter
        while perf() < stop_at:
            if conn is None or conn.closed:
                conn = conns[k] = await _reconnect(target, conn)
                if conn is None:
                    errors += 1
                    continue
            try:
                status = await conn.request(target.raw)
            except (ConnectionError, LoadgenError, OSError):
                errors += 1
                conn.close()
                continue
            statuses[status] += 1
            if perf() <= stop_at:
                in_window += 1

    tasks = [asyncio.ensure_future(worker(k)) for k in range(connections)]
    _, pending = await asyncio.wait(tasks, timeout=duration_s + DRAIN_TIMEOUT_S)
    for task in pending:  # a response that never came: counted as an error
        task.cancel()
        errors += 1
    elapsed = min(time.perf_counter(), stop_at) - start
    cpu = time.process_time() - cpu0
    for conn in conns:
        if conn is not None:
            conn.close()
    return ClosedResult(
        mode="closed",
        url_path=target.path,
        connections=connections,
        duration_s=round(elapsed, 3),
        requests=in_window,
        rps=round(in_window / elapsed, 1),
        status_counts={str(k): v for k, v in sorted(statuses.items())},
        errors=errors,
        client_cpu_s=round(cpu, 3),
    )


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (q in [0, 100])."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def _summary_ms(values_s: list[float]) -> dict[str, float]:
    v = sorted(values_s)
    out = {f"p{q:g}": round(percentile(v, q) * 1e3, 3) for q in (50, 90, 99, 99.9)}
    out["max"] = round(v[-1] * 1e3, 3) if v else math.nan
    out["mean"] = round(sum(v) / len(v) * 1e3, 3) if v else math.nan
    return out


@dataclass
class PacedResult:
    mode: str
    url_path: str
    connections: int
    target_rate: float
    duration_s: float
    scheduled: int
    completed: int
    achieved_rps: float
    status_counts: dict[str, int]
    errors: int  # connection/protocol errors, plus requests unanswered at the drain deadline
    latency_ms: dict[str, float]  # scheduled send time -> full response (the headline)
    service_ms: dict[str, float]  # actual send -> full response
    dispatch_lag_ms: dict[str, float]  # scheduled -> actual send (client + queueing delay)
    client_cpu_s: float
    # (scheduled send time in s from the start, latency in ms) per answered request
    samples: list[tuple[float, float]] = field(default_factory=list, repr=False)

    @property
    def responses_2xx(self) -> int:
        return sum(n for s, n in self.status_counts.items() if s.startswith("2"))


async def paced(target: Target, rate: float, duration_s: float, connections: int) -> PacedResult:
    """Open-loop mode: send at `rate` req/s on a fixed grid; latency from the scheduled time."""
    _check_bounds(duration_s, connections)
    if not 0 < rate <= MAX_RATE:
        raise LoadgenError(f"rate must be in (0, {MAX_RATE:g}] req/s")
    loop = asyncio.get_running_loop()
    conns: list[_Connection | None] = list(
        await asyncio.gather(*(_connect(target) for _ in range(connections)))
    )
    n = int(rate * duration_s)
    queue: asyncio.Queue[float | None] = asyncio.Queue()
    latency: list[float] = []
    service: list[float] = []
    lag: list[float] = []
    offsets: list[float] = []
    statuses: Counter[int] = Counter()
    errors = 0
    t0 = time.perf_counter() + 0.05
    stop_ticker = threading.Event()

    def ticker() -> None:
        # Fixed grid t0 + i/rate; a late wake-up sends the overdue requests at once, each
        # keeping its scheduled time (so lateness is charged to latency, not hidden).
        perf = time.perf_counter
        for i in range(n):
            if stop_ticker.is_set():
                return
            when = t0 + i / rate
            delay = when - perf()
            if delay > 0:
                time.sleep(delay)
            loop.call_soon_threadsafe(queue.put_nowait, when)
        for _ in range(connections):
            loop.call_soon_threadsafe(queue.put_nowait, None)

    async def worker(k: int) -> None:
        nonlocal errors
        conn = conns[k]
        perf = time.perf_counter
        while True:
            scheduled = await queue.get()
            if scheduled is None:
                return
            if conn is None or conn.closed:
                conn = conns[k] = await _reconnect(target, conn)
                if conn is None:
                    errors += 1
                    continue
            sent = perf()
            try:
                status = await conn.request(target.raw)
            except (ConnectionError, LoadgenError, OSError):
                errors += 1
                conn.close()
                continue
            done = perf()
            statuses[status] += 1
            latency.append(done - scheduled)
            service.append(done - sent)
            lag.append(sent - scheduled)
            offsets.append(scheduled - t0)

    cpu0 = time.process_time()
    thread = threading.Thread(target=ticker, name="loadgen-ticker", daemon=True)
    tasks = [asyncio.ensure_future(worker(k)) for k in range(connections)]
    thread.start()
    _, pending = await asyncio.wait(tasks, timeout=duration_s + DRAIN_TIMEOUT_S + 0.05)
    stop_ticker.set()
    for task in pending:
        task.cancel()
    thread.join(timeout=1.0)
    last_done = time.perf_counter()
    cpu = time.process_time() - cpu0
    completed = sum(statuses.values())
    errors = n - completed  # connection errors and requests never answered or never sent
    for conn in conns:
        if conn is not None:
            conn.close()
    return PacedResult(
        mode="paced",
        url_path=target.path,
        connections=connections,
        target_rate=rate,
        duration_s=duration_s,
        scheduled=n,
        completed=completed,
        achieved_rps=round(completed / max(last_done - t0, 1e-9), 1),
        status_counts={str(k): v for k, v in sorted(statuses.items())},
        errors=errors,
        latency_ms=_summary_ms(latency),
        service_ms=_summary_ms(service),
        dispatch_lag_ms=_summary_ms(lag),
        client_cpu_s=round(cpu, 3),
        samples=sorted(
            (round(o, 6), round(x * 1e3, 4)) for o, x in zip(offsets, latency, strict=True)
        ),
    )


def new_event_loop(kind: str = "auto") -> asyncio.AbstractEventLoop:
    """uvloop when asked for or (auto) when importable; else the stdlib loop."""
    if kind in ("auto", "uvloop"):
        try:
            import uvloop
        except ImportError:
            if kind == "uvloop":
                raise
        else:
            return uvloop.new_event_loop()
    return asyncio.new_event_loop()


def loop_name(loop: asyncio.AbstractEventLoop) -> str:
    return "uvloop" if type(loop).__module__.startswith("uvloop") else "asyncio"


def run(coro: Any, loop_kind: str = "auto") -> Any:
    loop = new_event_loop(loop_kind)
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.close()


def result_dict(result: ClosedResult | PacedResult) -> dict[str, Any]:
    data = asdict(result)
    data.pop("samples", None)
    data["responses_2xx"] = result.responses_2xx
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=("closed", "paced"))
    parser.add_argument("url", help="http://127.0.0.1:PORT/path (loopback only)")
    parser.add_argument("-c", "--connections", type=int, default=16)
    parser.add_argument("-d", "--duration", type=float, default=5.0, help="seconds (max 20)")
    parser.add_argument("-r", "--rate", type=float, default=500.0, help="paced: requests/s")
    parser.add_argument("-m", "--method", default=None, help="default GET, or POST with a body")
    parser.add_argument("--body-file", type=Path, help="request body (sent as application/json)")
    parser.add_argument("--loop", choices=("auto", "uvloop", "asyncio"), default="auto")
    args = parser.parse_args(argv)
    body = args.body_file.read_bytes() if args.body_file else None
    method = args.method or ("POST" if body is not None else "GET")
    try:
        target = Target.build(args.url, method, body)
        if args.mode == "closed":
            result: ClosedResult | PacedResult = run(
                closed_loop(target, args.connections, args.duration), args.loop
            )
        else:
            result = run(paced(target, args.rate, args.duration, args.connections), args.loop)
    except (LoadgenError, OSError) as exc:
        print(f"loadgen: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result_dict(result), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
