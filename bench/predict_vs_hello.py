"""Benchmark: /predict (one transaction, logged) against a bare FastAPI hello-world.

One run, on this machine, against 127.0.0.1 only:

1. train a model into a temporary data dir (`driftscope train --rows 50000`);
2. start `driftscope serve` (uvicorn, 1 worker, uvloop + httptools, no uvicorn access log;
   our JSON access log on, as shipped) and, in its own process, the baseline: a bare FastAPI
   app with one `GET /` returning a small dict, under uvicorn with the same options
   (bench/harness/hello_app.py, `UVICORN_OPTIONS` of `driftscope serve`);
3. warm up every target;
4. maximum throughput, closed loop, in alternating rounds (bare hello, /health, /predict; the
   next round in reverse order) with wrk (C, the headline) and then with bench/loadgen.py
   (Python) -> per-round rates, medians and the ratios /predict : bare and /health : bare
   (the second shows what our request edge costs);
5. /predict paced at 500 req/s for 10 s (open loop, bench/loadgen.py) -> p50/p99 from the
   scheduled send time;
6. logging completeness: the prediction writer's rows_written (GET /ready) against the 200
   responses the clients received, per phase, and the predictions table after shutdown;
7. stop the servers; optionally profile ours first (--profile, needs py-spy) and run the
   in-process breakdown (bench/predict_breakdown.py: each stage of /predict and each step of
   the request edge).

Writes bench/results/predict_vs_hello.json and .md; prints a table.

    uv run --frozen python bench/predict_vs_hello.py [--quick] [--profile] [--strict]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

import loadgen  # noqa: E402
from harness.clients import py_closed, stall_episodes, wrk_closed  # noqa: E402
from harness.machine import CpuWindow, QuietGate, machine_info  # noqa: E402
from harness.server import (  # noqa: E402
    BareHello,
    Process,
    Server,
    count_db_rows,
    free_port,
    register_external,
    train,
)
from predict_vs_hello_report import (  # noqa: E402
    GOAL_HEALTH_RATIO,
    GOAL_MODEL_PREDICT_GAP,
    GOAL_P99_MS,
    GOAL_RATIO,
    markdown,
    print_table,
    summarize_profile,
)

RESULTS_DIR = BENCH_DIR / "results"
BODY = (REPO_ROOT / "scripts" / "example-transaction.json").read_bytes().strip()
PREDICT_PATH = "/api/v1/predict"
MODEL_PREDICT_PATH = "/api/v1/models/fraud/predict"  # the same model through its own route
EXTERNAL = "partner"  # an external model (monitor-only) registered for /log
LOG_PATH = f"/api/v1/models/{EXTERNAL}/log"
LOG_BODY = b'{"features": ' + BODY + b', "score": 0.12}'
PACED_RATE = 500.0
COMMAND = "scripts/bench.sh predict_vs_hello   # = uv run --frozen python bench/predict_vs_hello.py"


@dataclass(frozen=True)
class Target:
    """One measured endpoint: on which server, which path, which body (None: GET)."""

    name: str
    server: str  # "bare" | "ours"
    path: str
    body: bytes | None = None

    @property
    def label(self) -> str:
        return f"{'bare ' if self.server == 'bare' else ''}{self.path}"


# The headline is predict : bare; health : bare shows the cost of the edge alone;
# model_predict and log are the per-model routes of "models as data", against the same bare.
TARGETS = (
    Target("bare", "bare", "/"),
    Target("health", "ours", "/health"),
    Target("predict", "ours", PREDICT_PATH, BODY),
    Target("model_predict", "ours", MODEL_PREDICT_PATH, BODY),
    Target("log", "ours", LOG_PATH, LOG_BODY),
)
LOGGED = frozenset({"predict", "model_predict", "log"})  # each 2xx stores one row


@dataclass
class Config:
    rows: int = 50_000
    connections: int = 16
    max_duration_s: float = 8.0
    rounds: int = 3
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
        self.server = Server(self.data_dir, free_port(), workdir / "server.log")
        self.bare = BareHello(free_port(), workdir / "bare.log")
        self.phases: list[dict[str, Any]] = []
        self.gate: QuietGate | None = None
        self.lua: dict[bytes, Path] = {}
        for body in {t.body for t in TARGETS if t.body}:
            path = workdir / f"post-{len(self.lua)}.lua"
            path.write_text(
                'wrk.method = "POST"\n'
                'wrk.headers["Content-Type"] = "application/json"\n'
                f"wrk.body = [==[{body.decode()}]==]\n"
            )
            self.lua[body] = path

    def process(self, target: Target) -> Process:
        return self.bare if target.server == "bare" else self.server

    def url(self, target: Target) -> str:
        return f"http://127.0.0.1:{self.process(target).port}{target.path}"

    def phase(
        self,
        name: str,
        target: Target,
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
            result = self._phase_once(name, target, fn)
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

    def _phase_once(
        self, name: str, target: Target, fn: Callable[[], dict[str, Any]]
    ) -> dict[str, Any]:
        """One run of a phase; for a logged route, bracketed by the writer's rows_written."""
        before = self.server.drained_rows_written() if target.name in LOGGED else None
        with CpuWindow(self.process(target).pid) as cpu:
            result = fn()
        result["cpu"] = cpu.finish(result.get("client_cpu_s", 0.0))
        result.update(phase=name, path=target.label, target=target.name)
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
            f"  {name:<24} {target.label:<16} {rate:>9,.0f} req/s"
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
        register_external(self.data_dir, EXTERNAL, 5_000, self.workdir / "train.log")
        print(f"starting our server on :{self.server.port}, the bare hello on :{self.bare.port}",
              file=sys.stderr)  # fmt: skip
        self.server.start()
        self.bare.start()
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
            self.bare.stop()
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

    def clients(self) -> list[tuple[str, Callable[[Target], dict[str, Any]]]]:
        c, d = self.cfg.connections, self.cfg.max_duration_s
        clients: list[tuple[str, Callable[[Target], dict[str, Any]]]] = []
        if shutil.which("wrk"):
            lua = self.lua
            clients.append(
                ("wrk", lambda t: wrk_closed(self.url(t), c, d, lua[t.body] if t.body else None))
            )
        else:
            print("wrk not found: max throughput from loadgen.py only", file=sys.stderr)
        if self.cfg.python_client or not clients:
            clients.append(
                ("loadgen.py", lambda t: py_closed(self.process(t).port, t.path, t.body, c, d))
            )
        return clients

    def measure(self) -> None:
        cfg = self.cfg
        c = cfg.connections
        print("warm-up", file=sys.stderr)
        for t in TARGETS:
            port = self.process(t).port
            self.phase(
                "warmup", t, functools.partial(py_closed, port, t.path, t.body, c, cfg.warmup_s)
            )
        for tool, run in self.clients():
            print(f"max throughput, closed loop, {tool}, {c} connections, "
                  f"{cfg.max_duration_s:g} s, alternating rounds", file=sys.stderr)  # fmt: skip
            for i in range(1, cfg.rounds + 1):
                order = TARGETS if i % 2 else tuple(reversed(TARGETS))
                for t in order:
                    self.phase(f"max/{tool}/round{i}", t, functools.partial(run, t))
        print(f"paced {cfg.paced_rate:g} req/s for {cfg.paced_duration_s:g} s", file=sys.stderr)
        self.phase("paced", TARGETS[2], self.paced)

    def paced(self) -> dict[str, Any]:
        cfg = self.cfg
        target = loadgen.Target.build(self.url(TARGETS[2]), "POST", BODY)
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
        predict, c = TARGETS[2], self.cfg.connections
        measured = self.phase(
            "profile (py-spy attached)",
            predict,
            lambda: (
                wrk_closed(self.url(predict), c, duration + 1, self.lua[BODY])
                if shutil.which("wrk")
                else py_closed(self.server.port, PREDICT_PATH, BODY, c, duration + 1)
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

    def throughput(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for tool in ("wrk", "loadgen.py"):
            runs = [
                p for p in self.phases if p["phase"].startswith(f"max/{tool}/") and p["accepted"]
            ]
            if not runs:
                continue
            rps = {t.name: [p["rps"] for p in runs if p["target"] == t.name] for t in TARGETS}
            med = {name: statistics.median(values) for name, values in rps.items()}
            out[tool] = {
                "rps": rps,
                "rps_median": {name: round(v, 1) for name, v in med.items()},
                "ratio": round(med["predict"] / med["bare"], 3),
                "health_ratio": round(med["health"] / med["bare"], 3),
                "model_predict_ratio": round(med["model_predict"] / med["bare"], 3),
                "log_ratio": round(med["log"] / med["bare"], 3),
                "ratio_per_round": {
                    name: [round(x / b, 3) for b, x in zip(rps["bare"], rps[name], strict=True)]
                    for name in ("predict", "health", "model_predict", "log")
                },
                "errors": sum(p["non_2xx"] + p["socket_errors"] for p in runs),
                "server_main_thread_pct": {
                    t.name: [
                        p["cpu"]["server_main_thread_pct"] for p in runs if p["target"] == t.name
                    ]
                    for t in TARGETS
                },
                "other_load_pct": [p["cpu"]["other_pct"] for p in runs],
            }
        return out

    def logging_summary(self, final_writer: dict[str, Any], db_rows: int | None) -> dict[str, Any]:
        predict_phases = [p for p in self.phases if p["target"] in LOGGED]
        exact = [p for p in predict_phases if p["logging"]["exact_count"]]
        logging = {
            "rows_written_final": final_writer.get("rows_written"),
            "queue_depth_final": final_writer.get("queue_depth"),
            "rows_in_db_after_shutdown": db_rows,
            "responses_200_total": sum(p["responses_2xx"] for p in predict_phases),
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
        return logging

    def summarize(
        self, started: datetime, train_s: float, final_writer: dict[str, Any], db_rows: int | None
    ) -> dict[str, Any]:
        throughput = self.throughput()
        tool = "wrk" if "wrk" in throughput else "loadgen.py"
        head = throughput[tool]
        paced = next(p for p in self.phases if p["phase"] == "paced" and p["accepted"])
        logging = self.logging_summary(final_writer, db_rows)
        p99 = paced["latency_ms"]["p99"]
        return {
            "benchmark": "predict_vs_hello",
            "started_utc": started.isoformat(timespec="seconds"),
            "command": COMMAND,
            "machine": machine_info(),
            "background_load": self.background_summary(),
            "config": {
                **vars(self.cfg),
                "server": "driftscope serve: uvicorn, 1 worker, uvloop, httptools, "
                "uvicorn access log off (our JSON access log on)",
                "hello_world": "bare FastAPI app, GET / -> small dict, own process, same options",
                "predict": f"POST {PREDICT_PATH}, one transaction (scripts/example-transaction.json)",
                "train_s": train_s,
            },
            "headline": {
                "tool": tool,
                "bare_rps": head["rps_median"]["bare"],
                "health_rps": head["rps_median"]["health"],
                "predict_rps": head["rps_median"]["predict"],
                "ratio": head["ratio"],
                "health_ratio": head["health_ratio"],
                "model_predict_ratio": head["model_predict_ratio"],
                "log_ratio": head["log_ratio"],
                "paced_rate": self.cfg.paced_rate,
                "p50_ms": paced["latency_ms"]["p50"],
                "p99_ms": p99,
                "rows_logged": logging["rows_written_final"],
                "responses_200": logging["responses_200_total"],
            },
            "goals": {
                "ratio_ge_0_7": head["ratio"] >= GOAL_RATIO,
                "health_ratio_ge_0_85": head["health_ratio"] >= GOAL_HEALTH_RATIO,
                "model_predict_within_0_05": abs(head["model_predict_ratio"] - head["ratio"])
                <= GOAL_MODEL_PREDICT_GAP,
                "log_ge_predict": head["log_ratio"] >= head["ratio"],
                "p99_le_3ms": p99 <= GOAL_P99_MS,
                "logging_complete": logging["complete"],
            },
            "throughput": throughput,
            "paced": paced,
            "logging": logging,
            "server": {"exit_code": self.server.exit_code, "stop_s": self.server.stop_s},
            "phases": self.phases,
        }


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
