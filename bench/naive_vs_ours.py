"""/predict vs the naive pandas + predict implementation of the same model (bench/naive_app.py).

Run: `uv run --frozen python bench/naive_vs_ours.py` (or `scripts/bench.sh naive_vs_ours`).
Both servers run one at a time with the same uvicorn options (1 worker, uvloop, httptools, no
access log), the same trained model and the same client (bench/loadgen.py, closed loop, 16
connections); phases alternate ours, naive, ours, naive. Ratio = median(ours) / median(naive).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import loadgen
from harness.machine import machine_info
from harness.server import BENCH_ENV, Server, free_port, train

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "scripts" / "example-transaction.json"
RESULTS = HERE / "results"
COMMAND = "scripts/bench.sh naive_vs_ours   # = uv run --frozen python bench/naive_vs_ours.py"


class NaiveServer:
    def __init__(self, data_dir: Path, port: int, log: Path) -> None:
        self.data_dir, self.port, self.log = data_dir, port, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        cmd = [
            sys.executable, "-m", "uvicorn", "naive_app:app", "--host", "127.0.0.1",
            "--port", str(self.port), "--loop", "uvloop", "--http", "httptools",
            "--no-access-log", "--log-level", "warning",
        ]  # fmt: skip
        env = {**os.environ, "DATA_DIR": str(self.data_dir), **BENCH_ENV}
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(cmd, cwd=HERE, env=env, stdout=out, stderr=out)
        target = loadgen.Target.build(
            f"http://127.0.0.1:{self.port}/predict", "POST", EXAMPLE.read_bytes()
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(Exception):
                probe = loadgen.run(loadgen.closed_loop(target, 1, 0.2))
                if probe.responses_2xx:
                    return
            time.sleep(0.3)
        raise RuntimeError(f"naive server did not start; see {self.log}")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=20)


def measure(port: int, path: str, seconds: float) -> dict[str, Any]:
    target = loadgen.Target.build(f"http://127.0.0.1:{port}{path}", "POST", EXAMPLE.read_bytes())
    loadgen.run(loadgen.closed_loop(target, 16, 2.0))  # warm-up
    result = loadgen.run(loadgen.closed_loop(target, 16, seconds))
    return {**loadgen.result_dict(result), "ok": result.responses_2xx}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    seconds = 3.0 if args.quick else args.seconds
    phases: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="ds-naive-") as tmp:
        work = Path(tmp)
        train(work, 20_000, work / "train.log")
        for _ in range(2):
            ours = Server(work, free_port(), work / "serve.log")
            ours.start()
            try:
                phases.append({"impl": "ours", **measure(ours.port, "/api/v1/predict", seconds)})
            finally:
                ours.stop()
            naive = NaiveServer(work, free_port(), work / "naive.log")
            naive.start()
            try:
                phases.append({"impl": "naive", **measure(naive.port, "/predict", seconds)})
            finally:
                naive.stop()
    rps = {
        impl: statistics.median(p["rps"] for p in phases if p["impl"] == impl)
        for impl in ("ours", "naive")
    }
    ratio = rps["ours"] / rps["naive"]
    result = {
        "command": COMMAND,
        "phases": phases,
        "rps": rps,
        "ratio": ratio,
        "machine": machine_info(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "summary_rows": [
            {
                "metric": "/predict throughput vs naive pandas + predict (same model, same server config)",
                "value": f"{ratio:.1f}× ({rps['ours']:.0f} vs {rps['naive']:.0f} req/s)",
                "goal": "> 1× (no goal set)",
                "met": ratio > 1,
            }
        ],
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "naive_vs_ours.json").write_text(json.dumps(result, indent=2))
    for p in phases:
        print(f"{p['impl']:>5}: {p['rps']:.0f} req/s, ok={p['ok']}, errors={p['errors']}")
    print(f"ours / naive = {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
