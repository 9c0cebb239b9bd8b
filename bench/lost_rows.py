"""Lost rows under sustained load: /predict paced at 1,000 req/s for 60 s, every 200 logged?

Run: `uv run --frozen python bench/lost_rows.py` (or `scripts/bench.sh lost_rows`). One server
(SQLite, as the demo), an open-loop client on a fixed send grid; rows written are read from the
writer (`GET /ready`) after the queue drains and from the table after shutdown.
Goal: 0 rows lost (every 200 response has its row; 503s are refusals the client saw).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import loadgen
from harness.machine import machine_info
from harness.server import Server, count_db_rows, free_port, train

EXAMPLE = Path(__file__).resolve().parents[1] / "scripts" / "example-transaction.json"
RESULTS = Path(__file__).resolve().parent / "results"
COMMAND = "scripts/bench.sh lost_rows   # = uv run --frozen python bench/lost_rows.py"


def run(rate: float, seconds: float, connections: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="ds-lost-rows-") as tmp:
        work = Path(tmp)
        train(work, 20_000, work / "train.log")
        server = Server(work, free_port(), work / "serve.log")
        server.start()
        target = loadgen.Target.build(
            f"http://127.0.0.1:{server.port}/api/v1/predict", "POST", EXAMPLE.read_bytes()
        )
        try:
            loadgen.run(loadgen.paced(target, 200.0, 3.0, connections))  # warm-up
            before = server.drained_rows_written()
            result = loadgen.run(loadgen.paced(target, rate, seconds, connections))
            after = server.drained_rows_written()
        finally:
            server.stop()
        table_rows = count_db_rows(work / "driftscope.db")
    ok = result.responses_2xx
    written = after - before
    return {
        "rate": rate,
        "seconds": seconds,
        "connections": connections,
        "scheduled": result.scheduled,
        "achieved_rps": result.achieved_rps,
        "status_counts": result.status_counts,
        "client_errors": result.errors,
        "responses_2xx": ok,
        "rows_written": written,
        "rows_lost": ok - written,
        "table_rows_after_shutdown": table_rows,
        "latency_ms": result.latency_ms,
        "server_exit_code": server.exit_code,
    }


def summary_rows(r: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "metric": f"rows lost at {r['rate']:.0f} req/s for {r['seconds']:.0f} s",
            "value": f"{r['rows_lost']} of {r['responses_2xx']:,} (p99 {r['latency_ms']['p99']:.1f} ms, "
            f"achieved {r['achieved_rps']:.0f}/s)",
            "goal": "0",
            "met": r["rows_lost"] == 0 and r["client_errors"] == 0,
        }
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=1_000.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--quick", action="store_true", help="10 s instead of 60 s")
    args = parser.parse_args()
    seconds = 10.0 if args.quick else args.seconds
    result = run(args.rate, seconds, args.connections)
    result |= {"machine": machine_info(), "when": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    result["command"] = COMMAND
    result["summary_rows"] = summary_rows(result)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "lost_rows.json").write_text(json.dumps(result, indent=2))
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
