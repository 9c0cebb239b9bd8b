"""WebSocket fan-out cost: /predict p99 at a paced 500 req/s with 0 vs 200 live dashboard clients.

Run: `uv run --frozen python bench/ws_fanout.py` (or `scripts/bench.sh ws_fanout`). One server,
one run: phases alternate 0 clients / 200 clients twice; the WebSocket clients live in a
separate process (like browsers would) and count what they receive.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
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

CLIENTS_SCRIPT = r"""
import asyncio, json, sys, time, websockets
async def client(url, counts, stop):
    async with websockets.connect(url, max_queue=None) as ws:
        while not stop.is_set():
            try:
                message = await asyncio.wait_for(ws.recv(), timeout=0.5)
            except asyncio.TimeoutError:
                continue
            counts[json.loads(message)["type"]] = counts.get(json.loads(message)["type"], 0) + 1
async def main(url, n, seconds):
    counts, stop = {}, asyncio.Event()
    tasks = [asyncio.create_task(client(url, counts, stop)) for _ in range(n)]
    await asyncio.sleep(1.0)
    print("connected", flush=True)
    await asyncio.sleep(seconds)
    stop.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    print(json.dumps({"counts": counts, "errors": sum(isinstance(r, Exception) for r in results)}), flush=True)
asyncio.run(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])))
"""


def paced_p99(port: int, rate: float, seconds: float) -> dict[str, Any]:
    target = loadgen.Target.build(
        f"http://127.0.0.1:{port}/api/v1/predict", "POST", EXAMPLE.read_bytes()
    )
    result = loadgen.run(loadgen.paced(target, rate, seconds, connections=16))
    return {
        "p50_ms": result.latency_ms["p50"],
        "p99_ms": result.latency_ms["p99"],
        "achieved_rps": result.achieved_rps,
        "errors": result.errors,
        "ok": result.responses_2xx,
    }


def phase(port: int, clients: int, rate: float, seconds: float) -> dict[str, Any]:
    proc = None
    if clients:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                CLIENTS_SCRIPT,
                f"ws://127.0.0.1:{port}/ws/live",
                str(clients),
                str(seconds + 2),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "connected"
    measured = paced_p99(port, rate, seconds)
    if proc is not None:
        out, _ = proc.communicate(timeout=60)
        measured["ws"] = json.loads(out.strip().splitlines()[-1])
    measured["clients"] = clients
    return measured


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ds-ws-bench-") as tmp:
        work = Path(tmp)
        train(work, 20_000, work / "train.log")
        server = Server(work, free_port(), work / "serve.log")
        server.start()
        try:
            paced_p99(server.port, args.rate, 3.0)  # warm-up
            phases = [phase(server.port, n, args.rate, args.seconds) for n in (0, args.clients) * 2]
        finally:
            server.stop()
    base = statistics.median(p["p99_ms"] for p in phases if p["clients"] == 0)
    loaded = statistics.median(p["p99_ms"] for p in phases if p["clients"] > 0)
    summary = {
        "rate": args.rate,
        "seconds": args.seconds,
        "clients": args.clients,
        "p99_ms_0_clients": base,
        "p99_ms_with_clients": loaded,
        "p99_increase": loaded / base - 1,
        "goal_met": loaded <= base * 1.2,
        "phases": phases,
        "machine": machine_info(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ws_fanout.json").write_text(json.dumps(summary, indent=2))
    for p in phases:
        ws = p.get("ws", {})
        print(
            f"clients={p['clients']:>4}  p50={p['p50_ms']:.2f} ms  p99={p['p99_ms']:.2f} ms  "
            f"achieved={p['achieved_rps']:.0f}/s  errors={p['errors']}  ws={ws.get('counts', {})}"
        )
    print(
        f"p99 with {args.clients} clients vs none: {loaded:.2f} / {base:.2f} ms "
        f"({summary['p99_increase']:+.0%}); goal ≤ +20 %: {'met' if summary['goal_met'] else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
