"""Fresh clone → live dashboard time, and the running demo's memory (backend + worker + simulator).

Run: `uv run --frozen python bench/demo_footprint.py` (or `scripts/bench.sh demo_footprint`).
It clones the repository's HEAD into a temporary directory and times `scripts/demo.sh
--detach` there until the dashboard answers and predictions are being logged (the README's
first command, as a new user runs it; uv's and npm's download caches are whatever this machine
has — a machine that never fetched the packages adds their download time). Then it samples the
resident memory (VmRSS, whole process trees) of the three demo processes every second for
`--seconds` and reports the peak of their sum. Goals: ≤ 3 min to a live dashboard, ≤ 600 MB.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from harness.machine import machine_info
from harness.server import free_port

REPO = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
COMMAND = "scripts/bench.sh demo_footprint   # = uv run --frozen python bench/demo_footprint.py"
PROCESSES = ("backend", "worker", "simulator")
GOAL_S, GOAL_MB = 180.0, 600.0


def children(pid: int) -> list[int]:
    found = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            found += [int(c) for c in text]
    return found


def tree_rss_mb(pid: int) -> float:
    total_kb, stack = 0, [pid]
    while stack:
        current = stack.pop()
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
            stack += children(current)
    return total_kb / 1024


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=2) as response:
        return json.loads(response.read())


def wait_live(base: str, deadline: float) -> float:
    """Seconds until / serves the dashboard and the writer has logged predictions."""
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, ValueError):
            with urllib.request.urlopen(base + "/", timeout=2) as page:
                html = page.read()
            ready = get_json(base + "/ready")
            if b'<div id="root"' in html and ready.get("writer", {}).get("rows_written", 0) > 0:
                return time.monotonic()
        time.sleep(0.5)
    raise RuntimeError("the demo did not become live in time")


def run(seconds: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="ds-fresh-clone-") as tmp:
        clone = Path(tmp) / "driftscope"
        port = free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "DATABASE_URL")}
        env |= {"DRIFTSCOPE_PORT": str(port), "UV_PROJECT_ENVIRONMENT": str(clone / ".venv")}
        started = time.monotonic()
        subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
        log = Path(tmp) / "demo.log"
        try:
            with log.open("wb") as out:
                subprocess.run(
                    ["scripts/demo.sh", "--detach"], cwd=clone, env=env, stdout=out,
                    stderr=subprocess.STDOUT, check=True, timeout=900,
                )  # fmt: skip
            live_at = wait_live(f"http://127.0.0.1:{port}", time.monotonic() + 120)
            pids = {n: int((clone / "var" / "run" / f"{n}.pid").read_text()) for n in PROCESSES}
            samples = []
            for _ in range(int(seconds)):
                samples.append({n: tree_rss_mb(pid) for n, pid in pids.items()})
                time.sleep(1.0)
        finally:
            subprocess.run(["scripts/stop.sh"], cwd=clone, env=env, check=False, timeout=120)
    totals = [sum(s.values()) for s in samples]
    peak = max(range(len(totals)), key=totals.__getitem__)
    return {
        "clone_to_live_s": round(live_at - started, 1),
        "rss_peak_total_mb": round(totals[peak], 1),
        "rss_at_peak_mb": {n: round(v, 1) for n, v in samples[peak].items()},
        "rss_last_mb": {n: round(v, 1) for n, v in samples[-1].items()},
        "sampled_s": len(samples),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0, help="RSS sampling time")
    parser.add_argument("--quick", action="store_true", help="sample 15 s")
    args = parser.parse_args()
    result = run(15.0 if args.quick else args.seconds)
    result |= {
        "command": COMMAND,
        "machine": machine_info(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    result["summary_rows"] = [
        {
            "metric": "fresh clone → live dashboard (`scripts/demo.sh`, package caches warm)",
            "value": f"{result['clone_to_live_s']:.0f} s",
            "goal": f"≤ {GOAL_S:.0f} s",
            "met": result["clone_to_live_s"] <= GOAL_S,
        },
        {
            "metric": f"demo RSS, backend + worker + simulator (peak over {result['sampled_s']} s)",
            "value": f"{result['rss_peak_total_mb']:.0f} MB "
            + "("
            + ", ".join(f"{n} {v:.0f}" for n, v in result["rss_at_peak_mb"].items())
            + ")",
            "goal": f"≤ {GOAL_MB:.0f} MB",
            "met": result["rss_peak_total_mb"] <= GOAL_MB,
        },
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "demo_footprint.json").write_text(json.dumps(result, indent=2))
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
