"""Benchmark: does shadow scoring slow POST /api/v1/predict? p50/p99 without and with a shadow.

One run, on this machine, against 127.0.0.1 only:

1. train two versions into a temporary data dir (`driftscope train --rows 10000`, twice:
   v1 is production, v2 only registered);
2. `driftscope serve` (uvicorn, SQLite); open-loop load (bench/loadgen.py `paced`, latency
   from the scheduled send time) at `--rate` req/s for `--seconds` per phase:
   off / `driftscope models shadow 2` (the backend picks the alias up from the events
   outbox) / off / shadow …, `--rounds` pairs: alternating phases spread drifting background
   load over both sides, and the spread between rounds shows how noisy the machine is;
3. shadow rows logged and dropped (GET /api/v1/models, cumulative) after the last round.

Writes bench/results/shadow_latency.json and prints a table.

    uv run --frozen python bench/shadow_latency.py [--rate 500] [--seconds 10] [--rounds 4]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from harness.machine import CpuWindow, machine_info  # noqa: E402
from harness.server import BENCH_ENV, Server, driftscope_exe, free_port, http_get_json, train  # noqa: E402
from loadgen import Target, paced, result_dict, run  # noqa: E402

from driftscope.contract import FRAUD_CONTRACT  # noqa: E402

RESULTS = BENCH_DIR / "results"
EXAMPLE = FRAUD_CONTRACT.example()


def cli(data_dir: Path, *args: str) -> None:
    env = {**os.environ, "DRIFTSCOPE_DATA_DIR": str(data_dir), **BENCH_ENV}
    subprocess.run([driftscope_exe(), *args], env=env, check=True, timeout=120, capture_output=True)


def wait_for_shadow(port: int, version: int | None, timeout_s: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        shadow = http_get_json(port, "/api/v1/models")[1].get("shadow")
        if (shadow or {}).get("version") == version:
            return shadow or {}
        time.sleep(0.2)
    raise RuntimeError(f"the backend did not switch shadow to {version} in {timeout_s:.0f} s")


def phase(server: Server, rate: float, seconds: float) -> dict[str, Any]:
    body = json.dumps(EXAMPLE).encode()
    target = Target.build(f"http://127.0.0.1:{server.port}/api/v1/predict", "POST", body)
    with CpuWindow(server.pid) as cpu:
        result = result_dict(run(paced(target, rate, seconds, connections=8)))
    usage = cpu.finish(client_cpu_s=0.0)  # the client's share is inside other_pct here
    return {
        # server CPU (all threads: event loop, SQLite writer, shadow) per answered request:
        # the shadow's cost without the noise of a tail percentile
        "server_cpu_us_per_request": usage["server_pct"]
        / 100
        * cpu.wall
        * 1e6
        / max(result["completed"], 1),
        "other_and_client_pct": usage["other_pct"],
        "steal_pct": usage["steal_pct"],
        "completed": result["completed"],
        "status_counts": result["status_counts"],
        "errors": result["errors"],
        "latency_ms": result["latency_ms"],
        "service_ms": result["service_ms"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--rounds", type=int, default=4, help="off/shadow pairs (p99 is compared by median)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="driftscope-shadow-") as tmp:
        data_dir = Path(tmp)
        for _ in range(2):
            train(data_dir, 10_000, data_dir / "train.log")
        port = free_port()
        server = Server(data_dir, port, data_dir / "server.log")
        server.start()
        try:
            phases: dict[str, Any] = {}
            shadow: dict[str, Any] = {}
            for round_ in range(1, args.rounds + 1):  # alternate: background load drifts
                phases[f"off_{round_}"] = phase(server, args.rate, args.seconds)
                cli(data_dir, "models", "shadow", "2")
                wait_for_shadow(port, 2)
                phases[f"shadow_{round_}"] = phase(server, args.rate, args.seconds)
                time.sleep(1.0)  # let the last shadow batches drain
                shadow = wait_for_shadow(port, 2)
                cli(data_dir, "models", "shadow", "--off")
                wait_for_shadow(port, None)
        finally:
            server.stop()
    report = {
        "machine": machine_info(),
        "rate": args.rate,
        "seconds_per_phase": args.seconds,
        "background_load_1m": os.getloadavg()[0],
        "phases": phases,
        "shadow_rows": {"scored": shadow.get("scored"), "dropped": shadow.get("dropped")},
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "shadow_latency.json").write_text(json.dumps(report, indent=2))
    print(
        f"{'phase':<14}{'ok':>8}{'late':>6}{'p50 ms':>10}{'p99 ms':>10}{'p99.9 ms':>10}"
        f"{'CPU µs/req':>12}"
    )
    for name, p in phases.items():
        lat = p["latency_ms"]
        ok = sum(n for s, n in p["status_counts"].items() if s.startswith("2"))
        print(
            f"{name:<14}{ok:>8}{p['errors']:>6}{lat['p50']:>10.2f}{lat['p99']:>10.2f}"
            f"{lat.get('p99.9', float('nan')):>10.2f}{p['server_cpu_us_per_request']:>12.0f}"
        )
    print(f"shadow rows logged {shadow.get('scored')}, dropped {shadow.get('dropped')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
