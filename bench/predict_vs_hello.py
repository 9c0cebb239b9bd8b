"""Benchmark: /predict (single item, logging on) against a hello-world endpoint, same server.

One run, on this machine, against 127.0.0.1 only:

1. train a model into a temporary data dir (`driftscope train --rows 50000`);
2. start `driftscope serve` (uvicorn, 1 worker, uvloop + httptools, no access log);
3. warm up /health and /predict;
4. maximum throughput, closed loop, alternating hello (GET /health, the hello-world: same app,
   same uvicorn config, a lean orjson response) and /predict: hello, predict, hello, predict,
   with wrk (C, the headline) and then with bench/loadgen.py (Python) -> medians and the ratio;
5. /predict paced at 500 req/s for 10 s (open loop, bench/loadgen.py) -> p50/p99 from the
   scheduled send time;
6. logging completeness: the prediction writer's rows_written (GET /ready) against the 200
   responses the clients received, per phase, and the predictions table after shutdown;
7. stop the server; optionally profile it first (--profile, needs py-spy) and run the
   in-process breakdown (bench/predict_breakdown.py).

Writes bench/results/predict_vs_hello.json and .md; prints a table.

    uv run --frozen python bench/predict_vs_hello.py [--quick] [--profile] [--strict]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import itertools
import json
import os
import platform
import re
import resource
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

import loadgen  # noqa: E402

RESULTS_DIR = BENCH_DIR / "results"
BODY = (REPO_ROOT / "scripts" / "example-transaction.json").read_bytes().strip()
PREDICT_PATH = "/api/v1/predict"
HELLO_PATH = "/health"
# The server as shipped, minus the per-client rate limit: one load generator is one client.
BENCH_ENV = {"DRIFTSCOPE_RATE_LIMIT_PER_S": "0"}
GOAL_RATIO = 0.7
GOAL_P99_MS = 3.0
PACED_RATE = 500.0
COMMAND = "scripts/bench.sh predict_vs_hello   # = uv run --frozen python bench/predict_vs_hello.py"
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- machine


def machine_info() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text(errors="replace")
    models = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    mhz = re.findall(r"^cpu MHz\s*:\s*(.+)$", cpuinfo, re.M)
    meminfo = Path("/proc/meminfo").read_text()
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))  # type: ignore[union-attr]
    os_name = platform.system()
    with contextlib.suppress(OSError):
        release = Path("/etc/os-release").read_text()
        if m := re.search(r'^PRETTY_NAME="?([^"\n]+)', release, re.M):
            os_name = m.group(1)
    wrk = shutil.which("wrk")
    wrk_version = None
    if wrk:
        out = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
        wrk_version = (out.stdout + out.stderr).splitlines()[0].split(" Copyright")[0].strip()
    versions = {}
    for pkg in ("uvicorn", "uvloop", "httptools", "fastapi", "starlette", "pydantic",
                "pydantic-core", "orjson", "sqlalchemy", "aiosqlite", "xgboost"):  # fmt: skip
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[pkg] = metadata.version(pkg)
    return {
        "nproc": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)),
        "cpu_model": models[0] if models else platform.processor() or "unknown",
        "cpu_mhz": round(float(mhz[0])) if mhz else None,
        "memory_gib": round(mem_kb / 2**20, 1),
        "os": os_name,
        "kernel": platform.release(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "wrk": wrk_version,
        "packages": versions,
    }


# --------------------------------------------------------------------------- CPU accounting


def _machine_ticks() -> dict[str, int]:
    """Jiffies over all CPUs since boot: process time, irq + softirq, steal, total."""
    f = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    f += [0] * (8 - len(f))
    # user nice system idle iowait irq softirq steal (guest time is inside user)
    return {"proc": f[0] + f[1] + f[2], "irq": f[5] + f[6], "steal": f[7], "total": sum(f[:8])}


def _proc_ticks(path: str) -> int:
    try:
        stat = Path(path).read_text()
    except OSError:
        return 0
    parts = stat[stat.rindex(")") + 2 :].split()
    return int(parts[11]) + int(parts[12])  # utime + stime


@dataclass
class CpuWindow:
    """CPU use during one phase, in % of one core (the machine has `nproc` cores).

    `other_pct` is process time of everything but the server and the client (other users'
    tests and servers); interrupt/softirq time (loopback networking) and VM steal are
    reported apart, since our own traffic causes the former.
    """

    server_pid: int
    wall: float = 0.0
    server_pct: float = 0.0
    server_main_thread_pct: float = 0.0
    _machine: dict[str, float] = field(default_factory=dict, repr=False)
    _start: dict[str, Any] = field(default_factory=dict, repr=False)

    def __enter__(self) -> CpuWindow:
        self._start = {
            "t": time.perf_counter(),
            "m": _machine_ticks(),
            "server": _proc_ticks(f"/proc/{self.server_pid}/stat"),
            "main": _proc_ticks(f"/proc/{self.server_pid}/task/{self.server_pid}/stat"),
        }
        return self

    def __exit__(self, *_exc: object) -> None:
        m1, s = _machine_ticks(), self._start
        self.wall = time.perf_counter() - s["t"]
        per_core = 100.0 / CLK_TCK / self.wall
        self.server_pct = (_proc_ticks(f"/proc/{self.server_pid}/stat") - s["server"]) * per_core
        main_now = _proc_ticks(f"/proc/{self.server_pid}/task/{self.server_pid}/stat")
        self.server_main_thread_pct = (main_now - s["main"]) * per_core
        d_total = max(m1["total"] - s["m"]["total"], 1)
        scale = 100.0 * (os.cpu_count() or 1) / d_total
        self._machine = {k: (m1[k] - s["m"][k]) * scale for k in ("proc", "irq", "steal")}

    def finish(self, client_cpu_s: float) -> dict[str, float]:
        client_pct = client_cpu_s / self.wall * 100.0
        other = max(0.0, self._machine["proc"] - self.server_pct - client_pct)
        return {
            "server_pct": round(self.server_pct, 1),
            "server_main_thread_pct": round(self.server_main_thread_pct, 1),
            "client_pct": round(client_pct, 1),
            "other_pct": round(other, 1),
            "irq_softirq_pct": round(self._machine["irq"], 1),
            "steal_pct": round(self._machine["steal"], 1),
        }


def background_load(seconds: float, exclude_pid: int | None = None) -> float:
    """% of one core of process time on the machine (minus `exclude_pid`) over `seconds`."""
    m0 = _machine_ticks()
    x0 = _proc_ticks(f"/proc/{exclude_pid}/stat") if exclude_pid else 0
    time.sleep(seconds)
    m1 = _machine_ticks()
    x1 = _proc_ticks(f"/proc/{exclude_pid}/stat") if exclude_pid else 0
    busy = (m1["proc"] - m0["proc"]) - (x1 - x0)
    total = max(m1["total"] - m0["total"], 1)
    return round(max(busy, 0) / total * 100.0 * (os.cpu_count() or 1), 1)


class QuietGate:
    """Before a phase, wait until other processes use < `limit_pct` of a core.

    Waiting is bounded by one budget for the whole run; once it is spent, phases run anyway
    (and are marked contended when other processes were busy during them).
    """

    def __init__(self, limit_pct: float, budget_s: float, exclude_pid: int) -> None:
        self.limit_pct, self.budget_s, self.exclude_pid = limit_pct, budget_s, exclude_pid
        self.waited_s = 0.0
        self.first_load: float | None = None

    def wait(self) -> float:
        while True:
            t0 = time.monotonic()
            load = background_load(2.0, self.exclude_pid)
            if self.first_load is None:
                self.first_load = load
            if load < self.limit_pct or self.waited_s >= self.budget_s:
                return load
            self.waited_s += time.monotonic() - t0
            print(f"  other processes busy ({load:.0f}% of a core); waiting", file=sys.stderr)


# --------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def driftscope_exe() -> str:
    exe = Path(sys.executable).with_name("driftscope")
    if exe.exists():
        return str(exe)
    found = shutil.which("driftscope")
    if not found:
        raise SystemExit("driftscope command not found (run via: uv run --frozen python ...)")
    return found


def http_get_json(port: int, path: str, timeout: float = 5.0) -> tuple[int, dict[str, Any]]:
    url = f"http://127.0.0.1:{port}{path}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # loopback only
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


class Server:
    def __init__(self, data_dir: Path, port: int, log_path: Path) -> None:
        self.data_dir, self.port, self.log_path = data_dir, port, log_path
        self.proc: subprocess.Popen[bytes] | None = None
        self.exit_code: int | None = None
        self.stop_s: float | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, timeout_s: float = 60.0, env: dict[str, str] | None = None) -> None:
        env = {**os.environ, "DRIFTSCOPE_DATA_DIR": str(self.data_dir), **BENCH_ENV, **(env or {})}
        cmd = [driftscope_exe(), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early; see {self.log_path}")
            with contextlib.suppress(OSError, ValueError):
                status, body = http_get_json(self.port, "/ready", timeout=1.0)
                if status == 200 and body.get("status") == "ready":
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server not ready after {timeout_s:.0f} s; see {self.log_path}")

    def ready(self) -> dict[str, Any]:
        return http_get_json(self.port, "/ready")[1]

    def drained_rows_written(self, timeout_s: float = 10.0) -> int:
        """rows_written once the writer's queue is empty (flushes run every 200 ms)."""
        deadline = time.monotonic() + timeout_s
        while True:
            writer = self.ready()["writer"]
            if writer["queue_depth"] == 0 or time.monotonic() > deadline:
                return int(writer["rows_written"])
            time.sleep(0.1)

    def stop(self, timeout_s: float = 20.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        t0 = time.perf_counter()
        self.proc.send_signal(2)  # SIGINT: uvicorn shuts down gracefully, the writer flushes
        try:
            self.exit_code = self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.exit_code = self.proc.wait()
        self.stop_s = round(time.perf_counter() - t0, 2)


def train(data_dir: Path, rows: int, log_path: Path) -> float:
    env = {**os.environ, "DRIFTSCOPE_DATA_DIR": str(data_dir), **BENCH_ENV}
    t0 = time.perf_counter()
    with log_path.open("wb") as log:
        subprocess.run(
            [driftscope_exe(), "train", "--rows", str(rows)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=600,
        )
    return round(time.perf_counter() - t0, 1)


# --------------------------------------------------------------------------- clients


def wrk_closed(url: str, connections: int, duration_s: float, lua: Path | None) -> dict[str, Any]:
    """One wrk run (1 thread): requests/s, responses, non-2xx, socket errors, client CPU."""
    if not 0 < duration_s <= loadgen.MAX_DURATION_S:
        raise ValueError("duration out of bounds")
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration_s:g}s", "--timeout", "5s"]
    if lua is not None:
        cmd += ["-s", str(lua)]
    cmd.append(url)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        cmd, capture_output=True, text=True, check=True, timeout=duration_s + 30
    ).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    requests = int(re.search(r"(\d+) requests in ([\d.]+)(m?s)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    rps = float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = int(non2xx.group(1)) if non2xx else 0
    return {
        "tool": "wrk",
        "connections": connections,
        "duration_s": duration_s,
        "rps": rps,
        "requests": requests,
        "responses_2xx": requests - bad,
        "non_2xx": bad,
        "socket_errors": sum(int(x) for x in sock.groups()) if sock else 0,
        "client_cpu_s": round(
            (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 3
        ),
    }


def py_closed(port: int, path: str, body: bytes | None, connections: int, duration_s: float
              ) -> dict[str, Any]:  # fmt: skip
    target = loadgen.Target.build(
        f"http://127.0.0.1:{port}{path}", "POST" if body is not None else "GET", body
    )
    result = loadgen.run(loadgen.closed_loop(target, connections, duration_s))
    data = loadgen.result_dict(result)
    data["tool"] = "loadgen.py"
    data["non_2xx"] = sum(n for s, n in result.status_counts.items() if not s.startswith("2"))
    data["socket_errors"] = result.errors
    return data


def stall_episodes(samples: list[tuple[float, float]], limit_ms: float) -> dict[str, Any]:
    """Clusters of requests slower than `limit_ms` (a gap > 50 ms starts a new cluster)."""
    slow = [(t, lat) for t, lat in samples if lat > limit_ms]
    starts: list[float] = []
    worst: list[float] = []
    last = -1.0
    for t, lat in slow:
        if not starts or t - last > 0.05:
            starts.append(t)
            worst.append(lat)
        else:
            worst[-1] = max(worst[-1], lat)
        last = t
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    return {
        "limit_ms": limit_ms,
        "slow_requests": len(slow),
        "slow_fraction": round(len(slow) / max(len(samples), 1), 4),
        "episodes": len(starts),
        "median_interval_ms": round(statistics.median(gaps) * 1e3, 1) if gaps else None,
        "median_worst_latency_ms": round(statistics.median(worst), 2) if worst else None,
    }


# --------------------------------------------------------------------------- the run


@dataclass
class Config:
    rows: int = 50_000
    connections: int = 16
    max_duration_s: float = 8.0
    rounds: int = 2
    warmup_s: float = 3.0
    paced_rate: float = PACED_RATE
    paced_duration_s: float = 10.0
    paced_connections: int = 16
    python_client: bool = True
    profile: bool = False
    breakdown: bool = True
    quiet_limit_pct: float = 30.0  # other processes' CPU, % of one core
    quiet_max_wait_s: float = 0.0  # total, over the run
    retries: int = 2  # reruns of a phase during which other processes were busy
    steal_limit_pct: float = 10.0  # VM steal (the hypervisor's other guests), % of one core


class Run:
    def __init__(self, cfg: Config, workdir: Path) -> None:
        self.cfg = cfg
        self.workdir = workdir
        self.data_dir = workdir / "data"
        self.port = free_port()
        self.server = Server(self.data_dir, self.port, workdir / "server.log")
        self.phases: list[dict[str, Any]] = []
        self.gate: QuietGate | None = None
        self.lua = workdir / "predict.lua"
        self.lua.write_text(
            'wrk.method = "POST"\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
            f"wrk.body = [==[{BODY.decode()}]==]\n"
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def phase(
        self,
        name: str,
        path: str,
        fn: Callable[[], dict[str, Any]],
        retry: bool = True,
        gate: bool = True,
    ) -> dict[str, Any]:
        """Run one measured phase after the quiet gate; rerun it (up to `cfg.retries` times)
        when other processes were busy during it, and keep the least contended attempt."""
        attempts: list[dict[str, Any]] = []
        for attempt in range(1, (self.cfg.retries if retry else 0) + 2):
            if gate and self.gate is not None:
                self.gate.wait()
            result = self._phase_once(name, path, fn)
            result["attempt"] = attempt
            attempts.append(result)
            other, steal = result["cpu"]["other_pct"], result["cpu"]["steal_pct"]
            if not self.contended(result) or attempt > self.cfg.retries or not retry:
                break
            print(
                f"  (other processes {other:.0f}%, VM steal {steal:.0f}% of a core: again)",
                file=sys.stderr,
            )
        best = min(attempts, key=lambda r: r["cpu"]["other_pct"] + r["cpu"]["steal_pct"])
        for r in attempts:
            r["accepted"] = r is best
        return best

    def contended(self, result: dict[str, Any]) -> bool:
        cpu = result["cpu"]
        return bool(
            cpu["other_pct"] > self.cfg.quiet_limit_pct
            or cpu["steal_pct"] > self.cfg.steal_limit_pct
        )

    def _phase_once(self, name: str, path: str, fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """One run of a phase; for /predict, bracketed by the writer's rows_written."""
        before = self.server.drained_rows_written() if path == PREDICT_PATH else None
        with CpuWindow(self.server.pid) as cpu:
            result = fn()
        result["cpu"] = cpu.finish(result.get("client_cpu_s", 0.0))
        result.update(phase=name, path=path)
        if before is not None:
            logged = self.server.drained_rows_written() - before
            answered = result["responses_2xx"]
            exact = result.get("tool") != "wrk"
            # wrk drops requests still in flight at its deadline: the server may have
            # answered (and logged) up to one per connection that wrk never counted.
            slack = 0 if exact else result["connections"]
            result["logging"] = {
                "rows_logged": logged,
                "responses_200": answered,
                "exact_count": exact,
                "complete": answered <= logged <= answered + slack,
            }
        self.phases.append(result)
        rate = result.get("rps", result.get("achieved_rps"))
        print(
            f"  {name:<24} {path:<16} {rate:>9,.0f} req/s"
            f"   (other processes: {result['cpu']['other_pct']:.0f}%,"
            f" VM steal: {result['cpu']['steal_pct']:.0f}% of a core)",
            file=sys.stderr,
        )
        return result

    def execute(self) -> dict[str, Any]:
        cfg = self.cfg
        started = datetime.now(UTC)
        print(f"training ({cfg.rows:,} rows) in {self.data_dir} ...", file=sys.stderr)
        train_s = train(self.data_dir, cfg.rows, self.workdir / "train.log")
        print(f"starting the server on 127.0.0.1:{self.port} ...", file=sys.stderr)
        self.server.start()
        profile: dict[str, Any] | None = None
        try:
            self.gate = QuietGate(cfg.quiet_limit_pct, cfg.quiet_max_wait_s, self.server.pid)
            self.measure()
            if cfg.profile:
                profile = self.profile_predict()
        finally:
            final: dict[str, Any] = {}
            with contextlib.suppress(OSError, ValueError, KeyError):
                self.server.drained_rows_written()
                final = self.server.ready()["writer"]
            self.server.stop()
        db_rows = count_db_rows(self.data_dir / "driftscope.db")
        results = self.summarize(started, train_s, final, db_rows)
        results["profile"] = profile
        if cfg.breakdown:
            if self.gate is not None:
                self.gate.wait()
            print("in-process breakdown (bench/predict_breakdown.py) ...", file=sys.stderr)
            import predict_breakdown

            results["breakdown"] = predict_breakdown.run(self.data_dir)
        return results

    def measure(self) -> None:
        cfg, port = self.cfg, self.port
        c, d = cfg.connections, cfg.max_duration_s
        print("warm-up", file=sys.stderr)
        self.phase("warmup", HELLO_PATH, lambda: py_closed(port, HELLO_PATH, None, c, cfg.warmup_s))
        self.phase(
            "warmup", PREDICT_PATH, lambda: py_closed(port, PREDICT_PATH, BODY, c, cfg.warmup_s)
        )
        clients: list[tuple[str, Callable[[str], dict[str, Any]]]] = []
        if shutil.which("wrk"):
            clients.append(
                (
                    "wrk",
                    lambda p: wrk_closed(
                        self.url(p), c, d, self.lua if p == PREDICT_PATH else None
                    ),
                )
            )
        else:
            print("wrk not found: max throughput from loadgen.py only", file=sys.stderr)
        if cfg.python_client or not clients:
            clients.append(
                ("loadgen.py", lambda p: py_closed(port, p, BODY if p == PREDICT_PATH else None, c, d))
            )  # fmt: skip
        for tool, run in clients:
            print(f"max throughput, closed loop, {tool}, {c} connections, {d:g} s", file=sys.stderr)
            for i in range(1, cfg.rounds + 1):
                for path in (HELLO_PATH, PREDICT_PATH):
                    self.phase(f"max/{tool}/round{i}", path, functools.partial(run, path))
        print(f"paced {cfg.paced_rate:g} req/s for {cfg.paced_duration_s:g} s", file=sys.stderr)
        self.phase("paced", PREDICT_PATH, self.paced)

    def paced(self) -> dict[str, Any]:
        cfg = self.cfg
        target = loadgen.Target.build(self.url(PREDICT_PATH), "POST", BODY)
        result = loadgen.run(
            loadgen.paced(target, cfg.paced_rate, cfg.paced_duration_s, cfg.paced_connections)
        )
        data = loadgen.result_dict(result)
        data["tool"] = "loadgen.py"
        data["stalls"] = stall_episodes(result.samples, GOAL_P99_MS)
        return data

    def profile_predict(self) -> dict[str, Any] | None:
        """py-spy on the server during an extra (unmeasured) /predict max-throughput phase."""
        pyspy = shutil.which("py-spy")
        if pyspy is None:
            print("--profile: py-spy not on PATH, skipped", file=sys.stderr)
            return None
        out = RESULTS_DIR / "profile_predict.txt"
        duration = max(3, int(self.cfg.max_duration_s))
        print(f"profiling /predict for {duration} s with py-spy ...", file=sys.stderr)
        # Quiet gate and the writer drain first: py-spy must sample the loaded server only.
        if self.gate is not None:
            self.gate.wait()
        self.server.drained_rows_written()
        spy = subprocess.Popen(
            [pyspy, "record", "-p", str(self.server.pid), "-d", str(duration), "-r", "100",
             "--threads", "-f", "raw", "-o", str(out)],
            stdout=subprocess.DEVNULL, stderr=(self.workdir / "py-spy.log").open("wb"),
        )  # fmt: skip
        time.sleep(0.5)
        measured = self.phase(
            "profile (py-spy attached)",
            PREDICT_PATH,
            lambda: (
                wrk_closed(self.url(PREDICT_PATH), self.cfg.connections, duration + 1, self.lua)
                if shutil.which("wrk")
                else py_closed(self.port, PREDICT_PATH, BODY, self.cfg.connections, duration + 1)
            ),
            retry=False,
            gate=False,
        )
        spy.wait(timeout=duration + 30)
        if not out.exists():
            return None
        summary = summarize_profile(out)
        expected = duration * 100
        if summary["main_thread_samples"] < expected // 4:
            log_text = (self.workdir / "py-spy.log").read_text(errors="replace")[-500:]
            summary["warning"] = (
                f"only {summary['main_thread_samples']} main-thread samples "
                f"(~{expected} expected): shares are unreliable; py-spy said: {log_text}"
            )
            print(f"  profile: {summary['warning']}", file=sys.stderr)
        summary["rps_while_profiling"] = measured["rps"]
        summary["raw_file"] = str(out.relative_to(REPO_ROOT))
        return summary

    def background_summary(self) -> dict[str, Any]:
        accepted = [
            p for p in self.phases if p["accepted"] and not p["phase"].startswith("profile")
        ]
        worst = max(p["cpu"]["other_pct"] for p in accepted)
        worst_steal = max(p["cpu"]["steal_pct"] for p in accepted)
        return {
            "limit_pct": self.cfg.quiet_limit_pct,
            "steal_limit_pct": self.cfg.steal_limit_pct,
            "max_steal_pct_in_a_phase": worst_steal,
            "load_pct_before_first_phase": self.gate.first_load if self.gate else None,
            "waited_s": round(self.gate.waited_s, 1) if self.gate else 0.0,
            "reruns": sum(1 for p in self.phases if not p["accepted"]),
            "max_other_pct_in_a_phase": worst,
            "contended": any(self.contended(p) for p in accepted),
        }

    def summarize(
        self,
        started: datetime,
        train_s: float,
        final_writer: dict[str, Any],
        db_rows: int | None,
    ) -> dict[str, Any]:
        throughput: dict[str, Any] = {}
        for tool in ("wrk", "loadgen.py"):
            runs = [
                p for p in self.phases if p["phase"].startswith(f"max/{tool}/") and p["accepted"]
            ]
            if not runs:
                continue
            hello = [p["rps"] for p in runs if p["path"] == HELLO_PATH]
            predict = [p["rps"] for p in runs if p["path"] == PREDICT_PATH]
            throughput[tool] = {
                "hello_rps": hello,
                "predict_rps": predict,
                "hello_rps_median": round(statistics.median(hello), 1),
                "predict_rps_median": round(statistics.median(predict), 1),
                "ratio": round(statistics.median(predict) / statistics.median(hello), 3),
                "ratio_per_round": [round(p / h, 3) for h, p in zip(hello, predict, strict=True)],
                "errors": sum(p["non_2xx"] + p["socket_errors"] for p in runs),
                "server_main_thread_pct": {
                    path: [p["cpu"]["server_main_thread_pct"] for p in runs if p["path"] == path]
                    for path in (HELLO_PATH, PREDICT_PATH)
                },
                "other_load_pct": [p["cpu"]["other_pct"] for p in runs],
            }
        headline_tool = "wrk" if "wrk" in throughput else "loadgen.py"
        paced = next(p for p in self.phases if p["phase"] == "paced" and p["accepted"])
        predict_phases = [p for p in self.phases if p["path"] == PREDICT_PATH]
        answered = sum(p["responses_2xx"] for p in predict_phases)
        exact = [p for p in predict_phases if p["logging"]["exact_count"]]
        logging = {
            "rows_written_final": final_writer.get("rows_written"),
            "queue_depth_final": final_writer.get("queue_depth"),
            "rows_in_db_after_shutdown": db_rows,
            "responses_200_total": answered,
            "per_phase_complete": all(p["logging"]["complete"] for p in predict_phases),
            "exact_phases": {
                "rows_logged": sum(p["logging"]["rows_logged"] for p in exact),
                "responses_200": sum(p["responses_2xx"] for p in exact),
            },
            "wrk_in_flight_at_cutoff": sum(
                p["logging"]["rows_logged"] - p["responses_2xx"]
                for p in predict_phases
                if not p["logging"]["exact_count"]
            ),
            "rejected_503": sum(p.get("status_counts", {}).get("503", 0) for p in predict_phases),
        }
        logging["complete"] = bool(
            logging["per_phase_complete"]
            and logging["exact_phases"]["rows_logged"] == logging["exact_phases"]["responses_200"]
            and logging["rows_written_final"] == db_rows
        )
        head = throughput[headline_tool]
        p99 = paced["latency_ms"]["p99"]
        return {
            "benchmark": "predict_vs_hello",
            "started_utc": started.isoformat(timespec="seconds"),
            "command": COMMAND,
            "machine": machine_info(),
            "background_load": self.background_summary(),
            "config": {
                **{k: v for k, v in vars(self.cfg).items()},
                "server": "driftscope serve: uvicorn, 1 worker, uvloop, httptools, access_log off",
                "hello_world": f"GET {HELLO_PATH}",
                "predict": f"POST {PREDICT_PATH}, one transaction (scripts/example-transaction.json)",
                "train_s": train_s,
            },
            "headline": {
                "tool": headline_tool,
                "hello_rps": head["hello_rps_median"],
                "predict_rps": head["predict_rps_median"],
                "ratio": head["ratio"],
                "paced_rate": self.cfg.paced_rate,
                "p50_ms": paced["latency_ms"]["p50"],
                "p99_ms": p99,
                "rows_logged": logging["rows_written_final"],
                "responses_200": answered,
            },
            "goals": {
                "ratio_ge_0_7": head["ratio"] >= GOAL_RATIO,
                "p99_le_3ms": p99 <= GOAL_P99_MS,
                "logging_complete": logging["complete"],
            },
            "throughput": throughput,
            "paced": paced,
            "logging": logging,
            "server": {"exit_code": self.server.exit_code, "stop_s": self.server.stop_s},
            "phases": self.phases,
        }


def count_db_rows(db: Path) -> int | None:
    if not db.exists():
        return None
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        return int(conn.execute("SELECT count(*) FROM predictions").fetchone()[0])


def summarize_profile(path: Path) -> dict[str, Any]:
    """Shares of the server's main-thread samples (py-spy raw format, --threads)."""
    stacks: list[tuple[list[str], int]] = []
    threads: dict[str, int] = {}
    for line in path.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack:
            continue
        frames = stack.split(";")
        threads[frames[0]] = threads.get(frames[0], 0) + int(n)
        if "MainThread" in frames[0]:
            stacks.append((frames[1:], int(n)))
    total = sum(n for _, n in stacks) or 1

    def share(pred: Callable[[list[str]], bool]) -> float:
        return round(100.0 * sum(n for f, n in stacks if pred(f)) / total, 1)

    def has(name: str) -> Callable[[list[str]], bool]:
        return lambda frames: any(name in fr for fr in frames)

    root_is_greenlet = lambda f: bool(f) and "sqlalchemy" in f[0]  # noqa: E731
    return {
        "main_thread_samples": total,
        "threads": threads,
        "main_thread_share_pct": {
            "writer: building insert().values(rows)": share(has("_insert_ignoring_duplicates")),
            "writer: SQLAlchemy execute (compile + params, greenlet)": share(root_is_greenlet),
            "writer: total": share(
                lambda f: root_is_greenlet(f) or has("PredictionWriter._run")(f)
            ),
            "predict route body": share(has("predict (driftscope_backend")),
            "  read_body": share(has("read_body (driftscope_backend")),
            "  _parse (validate_json)": share(has("_parse (driftscope_backend")),
            "  service.score": share(has("score (driftscope_backend")),
            "    margin_row (C evaluator)": share(has("margin_row (driftscope")),
            "    uuid4": share(has("uuid4 (uuid")),
            "  json_response": share(has("json_response (driftscope_backend")),
        },
    }


# --------------------------------------------------------------------------- output


def _ok(flag: bool) -> str:
    return "met" if flag else "NOT met"


def markdown(r: dict[str, Any]) -> str:
    h, m, t = r["headline"], r["machine"], r["throughput"]
    paced, log, bg = r["paced"], r["logging"], r["background_load"]
    lines = [
        f"Run {r['started_utc']} — `{r['command']}`",
        "",
        f"Machine: {m['nproc']} vCPU {m['cpu_model']} ({m['cpu_mhz']} MHz), "
        f"{m['memory_gib']} GiB, {m['os']}, kernel {m['kernel']}, {m['python']}; "
        f"{m['wrk'] or 'no wrk'}; uvicorn {m['packages'].get('uvicorn')}, "
        f"fastapi {m['packages'].get('fastapi')}, pydantic {m['packages'].get('pydantic')}, "
        f"sqlalchemy {m['packages'].get('sqlalchemy')}. Client and server share the "
        f"{m['nproc']} cores; CPU used by other processes (other engineers' tests): at most "
        f"{bg['max_other_pct_in_a_phase']:.0f}% of a core during a kept phase, VM steal at most "
        f"{bg['max_steal_pct_in_a_phase']:.0f}% ({bg['reruns']} contended phase runs redone).",
        "",
        "| measure | value | goal |",
        "|---|---|---|",
        f"| hello-world (GET /health) max throughput, {h['tool']} | {h['hello_rps']:,.0f} req/s | |",
        f"| /predict max throughput, {h['tool']} | {h['predict_rps']:,.0f} req/s | |",
        f"| **ratio /predict : hello** ({h['tool']}, median of {len(t[h['tool']]['hello_rps'])}) "
        f"| **{h['ratio']:.2f}** | ≥ {GOAL_RATIO} — {_ok(r['goals']['ratio_ge_0_7'])} |",
    ]
    if "loadgen.py" in t and h["tool"] != "loadgen.py":
        lp = t["loadgen.py"]
        lines.append(
            f"| ratio with the Python client (loadgen.py) | {lp['ratio']:.2f} "
            f"({lp['predict_rps_median']:,.0f} / {lp['hello_rps_median']:,.0f} req/s) | |"
        )
    lat = paced["latency_ms"]
    lines += [
        f"| /predict paced {h['paced_rate']:g} req/s, {paced['duration_s']:g} s: p50 "
        f"| {lat['p50']:.2f} ms | |",
        f"| /predict paced {h['paced_rate']:g} req/s: **p99** | **{lat['p99']:.2f} ms** "
        f"| ≤ {GOAL_P99_MS:g} ms — {_ok(r['goals']['p99_le_3ms'])} |",
        f"| paced: p90 / p99.9 / max | {lat['p90']:.2f} / {lat['p99.9']:.2f} / "
        f"{lat['max']:.2f} ms | |",
        f"| paced: achieved rate, errors | {paced['achieved_rps']:,.0f} req/s, "
        f"{paced['errors']} | |",
        f"| rows logged (rows_written) vs 200 responses to /predict | "
        f"{log['rows_written_final']:,} vs {log['responses_200_total']:,}"
        f" (+{log['wrk_in_flight_at_cutoff']} in flight at wrk's cut-off); "
        f"{log['rows_in_db_after_shutdown']:,} rows in the table after shutdown | "
        f"equal — {_ok(r['goals']['logging_complete'])} |",
    ]
    if bg["contended"]:
        lines += [
            "",
            f"**Warning:** other processes used up to {bg['max_other_pct_in_a_phase']:.0f}% and "
            f"VM steal took up to {bg['max_steal_pct_in_a_phase']:.0f}% of a core during kept "
            "phases; these numbers are not representative.",
        ]
    return "\n".join(lines) + "\n"


def print_table(r: dict[str, Any]) -> None:
    print()
    print(f"{'phase':<27}{'path':<17}{'tool':<11}{'req/s':>8}{'srv main%':>10}{'srv%':>6}"
          f"{'client%':>8}{'other%':>7}{'irq%':>6}{'steal%':>7}  logged/200")  # fmt: skip
    for p in r["phases"]:
        rate = p.get("rps", p.get("achieved_rps"))
        c = p["cpu"]
        log = p.get("logging")
        logtxt = f"{log['rows_logged']}/{log['responses_200']}" if log else ""
        name = p["phase"] + ("" if p["accepted"] else " (redone)")
        print(
            f"{name:<27}{p['path']:<17}{p['tool']:<11}{rate:>8,.0f}"
            f"{c['server_main_thread_pct']:>10.0f}{c['server_pct']:>6.0f}{c['client_pct']:>8.0f}"
            f"{c['other_pct']:>7.0f}{c['irq_softirq_pct']:>6.0f}{c['steal_pct']:>7.0f}  {logtxt}"
        )
    lat = r["paced"]["latency_ms"]
    print(f"\npaced latency ms (from scheduled send): {lat}")
    print(f"paced service time ms (from actual send): {r['paced']['service_ms']}")
    print(f"paced dispatch lag ms: {r['paced']['dispatch_lag_ms']}")
    print(f"paced stalls: {r['paced']['stalls']}")
    if r.get("profile"):
        print("\nprofile (share of server main-thread samples):")
        for k, v in r["profile"]["main_thread_share_pct"].items():
            print(f"  {v:5.1f}%  {k}")
    if r.get("breakdown"):
        import predict_breakdown

        print("\n" + predict_breakdown.format_table(r["breakdown"]))
    print()
    print(markdown(r))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short phases (smoke test)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=float, default=8.0, help="s per max-throughput phase")
    parser.add_argument("--rate", type=float, default=PACED_RATE, help="paced req/s")
    parser.add_argument("--no-python-client", action="store_true",
                        help="max throughput with wrk only")  # fmt: skip
    parser.add_argument("--profile", action="store_true", help="py-spy the server (needs py-spy)")
    parser.add_argument("--no-breakdown", action="store_true")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is not met")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    parser.add_argument("--wait-quiet", type=float, default=300.0, metavar="S",
                        help="wait in all up to S s for other processes to go quiet")  # fmt: skip
    parser.add_argument("--steal-limit", type=float, default=10.0, metavar="PCT",
                        help="VM steal, %% of one core, above which a phase is redone")  # fmt: skip
    parser.add_argument("--retries", type=int, default=2,
                        help="reruns of a phase during which other processes were busy")  # fmt: skip
    parser.add_argument("--quiet-limit", type=float, default=30.0, metavar="PCT",
                        help="other processes' CPU, %% of one core, counted as quiet")  # fmt: skip
    args = parser.parse_args()
    cfg = Config(
        connections=args.connections,
        max_duration_s=min(args.duration, loadgen.MAX_DURATION_S),
        paced_rate=args.rate,
        python_client=not args.no_python_client,
        profile=args.profile,
        breakdown=not args.no_breakdown,
        quiet_limit_pct=args.quiet_limit,
        quiet_max_wait_s=args.wait_quiet,
        retries=args.retries,
        steal_limit_pct=args.steal_limit,
    )
    if args.quick:
        cfg.rows, cfg.max_duration_s, cfg.warmup_s, cfg.paced_duration_s = 5_000, 2.0, 1.0, 3.0
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    with _workdir(args.keep) as workdir:
        results = Run(cfg, workdir).execute()
    (RESULTS_DIR / "predict_vs_hello.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS_DIR / "predict_vs_hello.md").write_text(markdown(results))
    print_table(results)
    print(f"wrote {RESULTS_DIR.relative_to(REPO_ROOT)}/predict_vs_hello.json and .md")
    if args.strict and not all(results["goals"].values()):
        return 1
    return 0


@contextlib.contextmanager
def _workdir(keep: bool) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="driftscope-bench-"))
    try:
        yield path
    finally:
        if keep:
            print(f"kept {path}", file=sys.stderr)
        else:
            shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
    sys.exit(130)
