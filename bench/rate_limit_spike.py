"""Rate-limit spike: one client at 10× its limit is shed with 429s; a well-behaved client
keeps its latency.

Run: `uv run --frozen python bench/rate_limit_spike.py` (or `scripts/bench.sh rate_limit_spike`).
Server: `DRIFTSCOPE_RATE_LIMIT_PER_S=100`, burst 100 (per API key). Phase A: the good client
(key B) alone at 50 req/s. Phase B: the same good client while the abusive client (key A)
sends 1,000 req/s (10× the limit), both open loop. Compared: the good client's p99 in both
phases, its 429s (goal 0), and the abusive client's 200/429 split.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import loadgen
from harness.machine import machine_info
from harness.server import Server, free_port, train

EXAMPLE = Path(__file__).resolve().parents[1] / "scripts" / "example-transaction.json"
RESULTS = Path(__file__).resolve().parent / "results"
COMMAND = "scripts/bench.sh rate_limit_spike   # = uv run --frozen python bench/rate_limit_spike.py"
LIMIT, GOOD_RATE, SPIKE_RATE = 100.0, 50.0, 1_000.0


def target(port: int, key: str) -> loadgen.Target:
    return loadgen.Target.build(
        f"http://127.0.0.1:{port}/api/v1/predict",
        "POST",
        EXAMPLE.read_bytes(),
        headers={"X-API-Key": key},
    )


async def together(port: int, seconds: float) -> tuple[Any, Any]:
    good = loadgen.paced(target(port, "good-client"), GOOD_RATE, seconds, 4)
    bad = loadgen.paced(target(port, "abusive-client"), SPIKE_RATE, seconds, 32)
    return tuple(await asyncio.gather(good, bad))


def brief(result: Any) -> dict[str, Any]:
    return {
        "status_counts": result.status_counts,
        "errors": result.errors,
        "achieved_rps": result.achieved_rps,
        "p50_ms": result.latency_ms["p50"],
        "p99_ms": result.latency_ms["p99"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    seconds = 5.0 if args.quick else args.seconds
    limits = {"DRIFTSCOPE_RATE_LIMIT_PER_S": str(LIMIT), "DRIFTSCOPE_RATE_LIMIT_BURST": "100"}
    with tempfile.TemporaryDirectory(prefix="ds-spike-") as tmp:
        work = Path(tmp)
        train(work, 20_000, work / "train.log")
        server = Server(work, free_port(), work / "serve.log")
        server.start(env=limits)
        try:
            loadgen.run(loadgen.paced(target(server.port, "warm-up"), 50.0, 2.0, 4))
            alone = loadgen.run(
                loadgen.paced(target(server.port, "good-client"), GOOD_RATE, seconds, 4)
            )
            time.sleep(2.0)  # the good client's bucket refills
            good, bad = loadgen.run(together(server.port, seconds))
        finally:
            server.stop()
    bad_ok = bad.status_counts.get("200", 0)
    bad_429 = bad.status_counts.get("429", 0)
    good_429 = good.status_counts.get("429", 0)
    result = {
        "command": COMMAND,
        "limit_per_s": LIMIT,
        "good_alone": brief(alone),
        "good_during_spike": brief(good),
        "abusive": brief(bad),
        "abusive_admitted_rps": bad_ok / seconds,
        "machine": machine_info(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    result["summary_rows"] = [
        {
            "metric": f"10× spike ({SPIKE_RATE:.0f} req/s vs limit {LIMIT:.0f}/s): abusive client shed",
            "value": f"{bad_429:,} × 429, {bad_ok:,} × 200 ({bad_ok / seconds:.0f}/s admitted)",
            "goal": f"≈ {LIMIT:.0f}/s admitted, rest 429",
            "met": bad_429 > 0 and bad_ok / seconds <= LIMIT * 1.2 + 100 / seconds,
        },
        {
            "metric": "well-behaved client during the spike: p99 (alone → spike), 429s",
            "value": f"{alone.latency_ms['p99']:.1f} → {good.latency_ms['p99']:.1f} ms, {good_429} × 429",
            "goal": "0 × 429, p99 ≤ 3 ms",
            "met": good_429 == 0 and good.latency_ms["p99"] <= 3.0,
        },
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "rate_limit_spike.json").write_text(json.dumps(result, indent=2))
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
