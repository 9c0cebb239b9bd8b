"""A/B: /predict of two source trees (and schema variants) against the bare hello-world, one run.

A lever's before/after must come from the same minutes on this shared machine, so each variant
is its own `driftscope serve` (own trained data dir, same uvicorn options as the bench) and the
rounds alternate: bare hello, then every variant, the next round in reverse order. `--src
NAME=DIR` serves a variant from another checkout's `backend/src` and `core/src` (put ahead of this
tree on PYTHONPATH; e.g. `git archive main backend/src core/src | tar -x -C DIR`);
`--env NAME=KEY=VALUE` adds this tree with one setting changed (e.g.
`--env unlogged=DRIFTSCOPE_ACCESS_LOG=false`: what the access log costs);
`--without-counts` adds this tree with window counting off (DRIFTSCOPE_WINDOW_COUNTS=false:
what counting at flush costs the request path, issue #19); `--partial-index` adds this tree with `uq(model_name, transaction_id)` replaced by a partial
unique index `WHERE transaction_id IS NOT NULL` (set by hand on the trained SQLite file).

Per round and variant: wrk req/s, its ratio to the bare hello of that round, the server main
thread's CPU µs a request, other processes' CPU; and every 2xx logged (rows_written).

    flock /tmp/ds-bench.lock uv run --frozen python bench/predict_ab.py --src base=DIR [--partial-index] [--without-counts]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import statistics
import sys
import tempfile
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from harness.clients import wrk_closed  # noqa: E402
from harness.machine import CpuWindow  # noqa: E402
from harness.server import BareHello, Process, Server, free_port, train  # noqa: E402

BODY = (BENCH_DIR.parent / "scripts" / "example-transaction.json").read_bytes().strip()
PREDICT = "/api/v1/predict"


def partial_unique_index(db: Path) -> None:
    """Rebuild the (empty) predictions table with the transaction id unique only where set."""
    with closing(sqlite3.connect(db)) as conn:
        (create,) = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'predictions'"
        ).fetchone()
        indexes = [sql for (sql,) in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'predictions'"
            " AND sql IS NOT NULL"
        )]  # fmt: skip
        table, found = re.subn(
            r",\s*CONSTRAINT uq_predictions_transaction UNIQUE \([^)]*\)", "", create
        )
        if found != 1:
            raise SystemExit(f"unexpected predictions DDL: {create}")
        conn.executescript(
            "BEGIN; DROP TABLE predictions; " + table + "; " + "; ".join(indexes) + "; "
            "CREATE UNIQUE INDEX uq_predictions_transaction ON predictions"
            " (model_name, transaction_id) WHERE transaction_id IS NOT NULL; COMMIT;"
        )  # fmt: skip


def start_variants(args: argparse.Namespace, work: Path, stack: ExitStack) -> dict[str, Server]:
    src: dict[str, Path | None] = {name: Path(tree) for name, _, tree in args.src}
    src["this"] = None
    settings: dict[str, dict[str, str]] = {}
    for name, _, assignment in args.env:
        key, _, value = assignment.partition("=")
        src[name], settings[name] = None, {key: value}
    if args.without_counts:
        src["uncounted"] = None
    if args.partial_index:
        src["this+partial"] = None
    servers: dict[str, Server] = {}
    for name, tree in src.items():
        data = work / name / "data"
        train(data, args.rows, work / f"train-{name}.log")
        if name.endswith("+partial"):
            partial_unique_index(data / "driftscope.db")
        env = {"DRIFTSCOPE_WINDOW_COUNTS": "false"} if name == "uncounted" else {}
        env.update(settings.get(name, {}))
        if tree is not None:
            paths = [str(Path(tree, part, "src")) for part in ("backend", "core")]
            env["PYTHONPATH"] = os.pathsep.join([*paths, os.environ.get("PYTHONPATH", "")])
        server = Server(data, free_port(), work / f"server-{name}.log")
        server.start(env=env)
        stack.callback(server.stop)
        servers[name] = server
    return servers


def phase(proc: Process, url: str, lua: Path | None, args: argparse.Namespace) -> dict[str, Any]:
    before = proc.drained_rows_written() if isinstance(proc, Server) else None
    loadavg = Path("/proc/loadavg").read_text().split()[0]
    with CpuWindow(proc.pid) as cpu:
        result = wrk_closed(url, args.connections, args.duration, lua)
    result["cpu"] = cpu.finish(result["client_cpu_s"])
    result["loadavg_1m"] = float(loadavg)
    result["main_us_per_request"] = round(
        result["cpu"]["server_main_thread_pct"] / 100 * cpu.wall / max(result["requests"], 1) * 1e6,
        1,
    )
    if before is not None:
        assert isinstance(proc, Server)
        result["rows_logged"] = proc.drained_rows_written() - before
    return result


def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    lua = work / "post.lua"
    lua.write_text(
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = [==[{BODY.decode()}]==]\n"
    )
    with ExitStack() as stack:
        servers = start_variants(args, work, stack)
        bare = BareHello(free_port(), work / "bare.log")
        bare.start()
        stack.callback(bare.stop)
        targets: list[tuple[str, Process, str, Path | None]] = [
            ("bare", bare, f"http://127.0.0.1:{bare.port}/", None),
            *((n, s, f"http://127.0.0.1:{s.port}{PREDICT}", lua) for n, s in servers.items()),
        ]
        for _name, _proc, url, body in targets:  # warm-up, unmeasured
            wrk_closed(url, args.connections, 3.0, body)
        rounds: list[dict[str, Any]] = []
        for i in range(args.rounds):
            results = {}
            for name, proc, url, body in targets if i % 2 == 0 else reversed(targets):
                results[name] = phase(proc, url, body, args)
                print(f"  round {i + 1} {name:<14} {results[name]['rps']:>9,.0f} req/s  "
                      f"main {results[name]['main_us_per_request']:>6.1f} µs/req  "
                      f"other {results[name]['cpu']['other_pct']:.0f}%  "
                      f"load {results[name]['loadavg_1m']}", file=sys.stderr)  # fmt: skip
            rounds.append(results)
    return summarize(rounds, list(servers))


def summarize(rounds: list[dict[str, Any]], variants: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"rounds": rounds, "variants": {}}
    for name in variants:
        ratios = [r[name]["rps"] / r["bare"]["rps"] for r in rounds]
        out["variants"][name] = {
            "ratio_per_round": [round(x, 3) for x in ratios],
            "ratio_median": round(statistics.median(ratios), 3),
            "rps_per_round": [r[name]["rps"] for r in rounds],
            "main_us_per_round": [r[name]["main_us_per_request"] for r in rounds],
            "logged_vs_2xx": [(r[name]["rows_logged"], r[name]["responses_2xx"]) for r in rounds],
        }
    out["bare_rps_per_round"] = [r["bare"]["rps"] for r in rounds]
    out["bare_main_us_per_round"] = [r["bare"]["main_us_per_request"] for r in rounds]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", action="append", default=[], type=lambda s: s.partition("="),
                        metavar="NAME=DIR", help="a variant served from another checkout")  # fmt: skip
    parser.add_argument("--env", action="append", default=[], type=lambda s: s.partition("="),
                        metavar="NAME=KEY=VALUE", help="a variant of this tree with a setting")  # fmt: skip
    parser.add_argument("--partial-index", action="store_true")
    parser.add_argument("--without-counts", action="store_true")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--duration", type=float, default=8.0, help="s per phase")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rows", type=int, default=50_000, help="training rows")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ds-ab-") as tmp:
        summary = run(args, Path(tmp))
    out = BENCH_DIR / "results" / "predict_ab.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(summary, indent=1))
    for name, v in summary["variants"].items():
        print(f"{name:<14} ratio median {v['ratio_median']:.3f}  rounds {v['ratio_per_round']}  "
              f"main µs/req {v['main_us_per_round']}  logged/2xx {v['logged_vs_2xx']}")  # fmt: skip
    print(
        f"bare req/s {summary['bare_rps_per_round']}  main µs/req {summary['bare_main_us_per_round']}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
