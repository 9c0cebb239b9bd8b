"""Benchmark: the content model's /predict on real mail of median length, against a bare hello.

One run, on this machine, against 127.0.0.1 only:

1. `driftscope train --name content` into a temporary data dir (timed: the goal is ≤ 60 s);
2. the messages: the held-out 2002 test mail the simulator replays (driftscope.text.traffic),
   the `--messages` closest to its median length (subject + body, characters);
3. `driftscope serve` and, in its own process, the bare FastAPI hello-world with the same
   uvicorn options (bench/harness/hello_app.py), both warmed up;
4. maximum throughput, closed loop, wrk (1 thread, `--connections`), alternating rounds
   (bare, content; the next round in reverse order); wrk's Lua script cycles through the
   messages -> per-round rates, medians, content : bare;
5. POST /api/v1/models/content/predict paced at `--rate` (200) req/s for `--seconds` (open
   loop, bench/loadgen.py, the message of median length) -> p50/p99 from the scheduled time;
6. every 2xx logged: the writer's rows_written (GET /ready) against the answers counted.

Writes bench/results/content_latency.json and prints a table.

    uv run --frozen python bench/content_latency.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import loadgen  # noqa: E402
from harness.clients import py_closed, wrk_closed  # noqa: E402
from harness.machine import CpuWindow, machine_info  # noqa: E402
from harness.server import BENCH_ENV, BareHello, Server, driftscope_exe, free_port  # noqa: E402

from driftscope.settings import get_settings  # noqa: E402
from driftscope.text.traffic import content_traffic  # noqa: E402

RESULTS = BENCH_DIR / "results"
PATH = "/api/v1/models/content/predict"
GOAL_P99_MS, GOAL_RATIO, GOAL_TRAIN_S = 3.0, 0.25, 60.0
COMMAND = "scripts/bench.sh content_latency   # = uv run --frozen python bench/content_latency.py"


def train_content(data_dir: Path, log_path: Path) -> float:
    env = {**os.environ, "DRIFTSCOPE_DATA_DIR": str(data_dir), **BENCH_ENV}
    started = time.perf_counter()
    with log_path.open("wb") as log:
        subprocess.run([driftscope_exe(), "train", "--name", "content"], env=env, stdout=log,
                       stderr=subprocess.STDOUT, check=True, timeout=600)  # fmt: skip
    return round(time.perf_counter() - started, 1)


def median_messages(n: int) -> list[str]:
    """The `n` held-out messages closest to the median length, the median one first."""
    texts = [m.text for m in content_traffic(get_settings().cache_dir).clean]
    median = statistics.median(len(t) for t in texts)
    return sorted(texts, key=lambda t: (abs(len(t) - median), t))[:n]


def wrk_script(bodies: list[bytes], path: Path) -> Path:
    """A wrk Lua script sending the bodies in turn."""
    quoted = []
    for body in bodies:
        level = next(k for k in range(1, 20) if b"]" + b"=" * k + b"]" not in body)
        quoted.append(f"[{'=' * level}[{body.decode()}]{'=' * level}]")
    path.write_text(
        "local bodies = {\n" + ",\n".join(quoted) + "\n}\nlocal i = 0\n"
        "request = function()\n  i = i % #bodies + 1\n"
        '  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, bodies[i])\n'
        "end\n"
    )
    return path


class Bench:
    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args, self.workdir = args, workdir
        self.server = Server(workdir / "data", free_port(), workdir / "server.log")
        self.bare = BareHello(free_port(), workdir / "bare.log")
        self.texts = median_messages(args.messages)
        self.bodies = [json.dumps({"text": t}).encode() for t in self.texts]
        self.lua = wrk_script(self.bodies, workdir / "content.lua")

    def closed(self, target: str, seconds: float) -> dict[str, Any]:
        c = self.args.connections
        process = self.bare if target == "bare" else self.server
        with CpuWindow(process.pid) as cpu:
            if target == "bare":
                result = wrk_closed(f"http://127.0.0.1:{self.bare.port}/", c, seconds, None)
            else:
                url = f"http://127.0.0.1:{self.server.port}{PATH}"
                result = wrk_closed(url, c, seconds, self.lua)
        result["other_pct"] = cpu.finish(result["client_cpu_s"])["other_pct"]
        print(f"  {target:<8} {result['rps']:>9,.0f} req/s  (other processes "
              f"{result['other_pct']:.0f}% of a core)", file=sys.stderr)  # fmt: skip
        return result

    def paced(self) -> dict[str, Any]:
        a = self.args
        target = loadgen.Target.build(f"http://127.0.0.1:{self.server.port}{PATH}", "POST",
                                      self.bodies[0])  # fmt: skip
        with CpuWindow(self.server.pid) as cpu:
            result = loadgen.result_dict(loadgen.run(loadgen.paced(target, a.rate, a.seconds, 8)))
        result["other_pct"] = cpu.finish(0.0)["other_pct"]
        return result

    def run(self) -> dict[str, Any]:
        a = self.args
        print(f"training the content model in {self.workdir} ...", file=sys.stderr)
        train_s = train_content(self.workdir / "data", self.workdir / "train.log")
        self.server.start(env={"DRIFTSCOPE_MODEL_NAME": "content"})  # /ready: content served
        self.bare.start()
        try:
            print("warm-up", file=sys.stderr)
            py_closed(self.bare.port, "/", None, a.connections, a.warmup)
            for body in self.bodies:  # each message once, then a closed-loop warm-up
                py_closed(self.server.port, PATH, body, 1, 0.2)
            self.closed("content", a.warmup)
            rows_before = self.server.drained_rows_written()
            rounds: dict[str, list[dict[str, Any]]] = {"bare": [], "content": []}
            print(f"max throughput, wrk, {a.connections} connections, {a.max_seconds:g} s, "
                  f"{a.rounds} alternating rounds", file=sys.stderr)  # fmt: skip
            for i in range(a.rounds):
                for target in ("bare", "content") if i % 2 == 0 else ("content", "bare"):
                    rounds[target].append(self.closed(target, a.max_seconds))
            print(f"paced {a.rate:g} req/s for {a.seconds:g} s", file=sys.stderr)
            paced = self.paced()
            rows_logged = self.server.drained_rows_written() - rows_before
        finally:
            self.server.stop()
            self.bare.stop()
        return self.summary(train_s, rounds, paced, rows_logged)

    def summary(
        self,
        train_s: float,
        rounds: dict[str, list[dict[str, Any]]],
        paced: dict[str, Any],
        rows_logged: int,
    ) -> dict[str, Any]:
        rps = {k: [r["rps"] for r in v] for k, v in rounds.items()}
        med = {k: statistics.median(v) for k, v in rps.items()}
        answered = sum(r["responses_2xx"] for r in rounds["content"]) + paced["responses_2xx"]
        errors = sum(r["non_2xx"] + r["socket_errors"] for v in rounds.values() for r in v)
        lengths = [len(t) for t in self.texts]
        ratio, lat = round(med["content"] / med["bare"], 3), paced["latency_ms"]
        return {
            "benchmark": "content_latency",
            "command": COMMAND + (" --quick" if self.args.quick else ""),
            "when": time.strftime("%Y-%m-%dT%H:%M", time.gmtime()),
            "summary_rows": summary_rows(ratio, med, lat, paced["target_rate"], train_s),
            "machine": machine_info(),
            "train_s": train_s,
            "messages": {
                "n": len(self.texts),
                "chars_min": min(lengths),
                "chars_max": max(lengths),
                "paced_chars": lengths[0],
            },
            "throughput": {
                "rps": rps,
                "rps_median": med,
                "ratio": ratio,
                "ratio_per_round": [
                    round(c / b, 3) for b, c in zip(rps["bare"], rps["content"], strict=True)
                ],
                "errors": errors,
                "other_load_pct": [r["other_pct"] for v in rounds.values() for r in v],
            },
            "paced": paced,
            # wrk may count up to one answer per connection less than the server logged
            "logging": {"responses_2xx": answered, "rows_logged": rows_logged},
            "goals": {"p99_ms": GOAL_P99_MS, "ratio": GOAL_RATIO, "train_s": GOAL_TRAIN_S},
        }


def summary_rows(
    ratio: float, med: dict[str, float], lat: dict[str, float], rate: float, train_s: float
) -> list[dict[str, Any]]:
    """The rows bench/report.py puts in the summary table of docs/BENCHMARKS.md."""
    return [
        {
            "metric": "content /predict (median-length mail) throughput ÷ bare hello-world",
            "value": f"{ratio:.2f} ({med['content']:,.0f} vs {med['bare']:,.0f} req/s, wrk)",
            "goal": f"≥ {GOAL_RATIO}",
            "met": ratio >= GOAL_RATIO,
        },
        {
            "metric": f"content /predict p50 / p99 paced at {rate:.0f} req/s",
            "value": f"{lat['p50']:.2f} / {lat['p99']:.2f} ms",
            "goal": f"p99 ≤ {GOAL_P99_MS:g} ms",
            "met": lat["p99"] <= GOAL_P99_MS,
        },
        {
            "metric": "driftscope train --name content",
            "value": f"{train_s:.1f} s",
            "goal": f"≤ {GOAL_TRAIN_S:g} s",
            "met": train_s <= GOAL_TRAIN_S,
        },
    ]


def print_table(r: dict[str, Any]) -> None:
    t, p = r["throughput"], r["paced"]
    lat = p["latency_ms"]
    print(f"\ncontent model training: {r['train_s']:.1f} s (goal ≤ {GOAL_TRAIN_S:g} s)")
    print(f"messages: {r['messages']['n']} of {r['messages']['chars_min']}–"
          f"{r['messages']['chars_max']} chars (median length of the held-out mail)")  # fmt: skip
    print(f"max throughput (wrk): content {t['rps_median']['content']:,.0f} req/s, bare hello "
          f"{t['rps_median']['bare']:,.0f} req/s → {t['ratio']:.3f}× (goal ≥ {GOAL_RATIO}×); "
          f"per round {t['ratio_per_round']}")  # fmt: skip
    print(f"paced {p['target_rate']:g} req/s: achieved {p['achieved_rps']:.1f}, p50 "
          f"{lat['p50']:.2f} ms, p99 {lat['p99']:.2f} ms (goal ≤ {GOAL_P99_MS:g} ms), "
          f"service p99 {p['service_ms']['p99']:.2f} ms, errors {p['errors']}")  # fmt: skip
    log = r["logging"]
    print(f"logged rows {log['rows_logged']:,} for {log['responses_2xx']:,} answers")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short phases (a smoke test)")
    parser.add_argument("--rate", type=float, default=200.0, help="paced req/s")
    parser.add_argument("--seconds", type=float, default=10.0, help="paced phase length")
    parser.add_argument("--max-seconds", type=float, default=8.0, help="each wrk round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--messages", type=int, default=64)
    parser.add_argument("--warmup", type=float, default=3.0)
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.max_seconds, args.rounds, args.warmup = 3.0, 2.0, 1, 1.0
    with tempfile.TemporaryDirectory(prefix="driftscope-content-bench-") as tmp:
        results = Bench(args, Path(tmp)).run()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "content_latency.json").write_text(json.dumps(results, indent=2, default=str))
    print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
