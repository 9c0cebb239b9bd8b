"""Rewrite the summary table at the top of docs/BENCHMARKS.md from bench/results/*.json.

Run by scripts/bench.sh after the benchmarks (or alone: `uv run --frozen python bench/report.py`).
Each row: benchmark, measure, value, goal, met, and the command that produced it. Benchmarks
that write `summary_rows` are taken as they are; the older ones are read through adapters.
Rows of benchmarks that did not run keep no stale numbers: they are listed as "not run".
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
DOC = HERE.parent / "docs" / "BENCHMARKS.md"
START, END = "<!-- bench:summary:start -->", "<!-- bench:summary:end -->"
Row = dict[str, Any]
ORDER = [
    "predict_vs_hello",
    "naive_vs_ours",
    "lost_rows",
    "drift_vs_evidently",
    "batch_csv",
    "worker_scale",
    "ws_fanout",
    "shadow_latency",
    "content_latency",
    "alert_quality",
    "rate_limit_spike",
    "demo_footprint",
]


def _predict_vs_hello(r: dict[str, Any]) -> list[Row]:
    h, g = r["headline"], r["goals"]
    return [
        {
            "metric": "/predict throughput ÷ bare FastAPI hello-world (own process, same uvicorn)",
            "value": f"{h['ratio']:.2f} ({h['predict_rps']:.0f} vs {h['bare_rps']:.0f} req/s, {h['tool']})",
            "goal": "≥ 0.7",
            "met": g["ratio_ge_0_7"],
        },
        {
            "metric": "/health (full request edge) ÷ bare hello-world",
            "value": f"{h['health_ratio']:.2f} ({h['health_rps']:.0f} req/s)",
            "goal": "≥ 0.85",
            "met": g["health_ratio_ge_0_85"],
        },
        {
            "metric": f"/predict p50 / p99 paced at {h['paced_rate']:.0f} req/s",
            "value": f"{h['p50_ms']:.2f} / {h['p99_ms']:.2f} ms",
            "goal": "p99 ≤ 3 ms",
            "met": g["p99_le_3ms"],
        },
    ]


def _drift_vs_evidently(r: dict[str, Any]) -> list[Row]:
    rows = []
    for size in r["config"]["sizes"]:
        ratios = [c["ratio_compare_wall"] for k, c in r["cases"].items() if k.endswith(f"/{size}")]
        top = size == r["goal"]["size"]
        rows.append(
            {
                "metric": f"drift report vs Evidently at {size:,} rows (wall, min over scenarios)",
                "value": f"{min(ratios):.1f}× faster",
                "goal": f"≥ {r['goal']['ratio']:.0f}×" if top else "—",
                "met": r["goal"]["met"] if top else None,
            }
        )
    return rows


def _ws_fanout(r: dict[str, Any]) -> list[Row]:
    return [
        {
            "metric": f"/predict p99 at {r['rate']:.0f} req/s: 0 → {r['clients']} WebSocket clients",
            "value": f"{r['p99_ms_0_clients']:.2f} → {r['p99_ms_with_clients']:.2f} ms "
            f"({r['p99_increase']:+.0%})",
            "goal": "≤ +20 %",
            "met": r["goal_met"],
        }
    ]


def _batch_csv(r: dict[str, Any]) -> list[Row]:
    top = max(r["runs"], key=lambda run: run["rows"])
    small = min(r["runs"], key=lambda run: run["rows"])
    server, local = top["server"], top["local"]
    goal = r["goal_rows_s"]
    return [
        {
            "metric": f"batch CSV, {top['rows']:,} rows through the server (scored + logged)",
            "value": f"{server['rows_s']:,} rows/s, peak RSS {server['server_peak_rss_mb']:.0f} MB "
            f"({small['rows']:,} rows: {small['server']['server_peak_rss_mb']:.0f} MB)",
            "goal": f"≥ {goal:,} rows/s, memory flat",
            "met": server["rows_s"] >= goal,
        },
        {
            "metric": f"batch CSV, {top['rows']:,} rows in-process (`driftscope score-csv`, not logged)",
            "value": f"{local['rows_s']:,} rows/s, peak RSS {local['peak_rss_mb']:.0f} MB "
            f"({small['rows']:,} rows: {small['local']['peak_rss_mb']:.0f} MB)",
            "goal": f"≥ {goal:,} rows/s, memory flat",
            "met": local["rows_s"] >= goal,
        },
    ]


def _shadow_latency(r: dict[str, Any]) -> list[Row]:
    def phases(kind: str, key: str) -> list[float]:
        return [
            p[key]["p99"] if key == "latency_ms" else p[key]
            for k, p in r["phases"].items()
            if k.startswith(kind) and key in p
        ]

    off, on = (
        statistics.median(phases("off", "latency_ms")),
        statistics.median(phases("shadow", "latency_ms")),
    )
    spread = phases("off", "latency_ms")
    cpu_off, cpu_on = (
        phases("off", "server_cpu_us_per_request"),
        phases("shadow", "server_cpu_us_per_request"),
    )
    cpu = (
        f"; server CPU {statistics.median(cpu_off):.0f} → {statistics.median(cpu_on):.0f} µs a request"
        if cpu_off and cpu_on
        else ""
    )
    return [
        {
            "metric": f"/predict p99 at {r['rate']:.0f} req/s: no shadow → shadow model on "
            f"(median of {len(spread)} alternating phase pairs)",
            "value": f"{off:.2f} → {on:.2f} ms ({on / off - 1:+.0%}; shadow off alone "
            f"{min(spread):.2f}–{max(spread):.2f}){cpu}; shadow rows "
            f"{r['shadow_rows']['scored']}, dropped {r['shadow_rows']['dropped']}",
            "goal": "no p99 increase (≤ +20 % noise)",
            "met": on <= off * 1.2,
        }
    ]


ADAPTERS: dict[str, Callable[[dict[str, Any]], list[Row]]] = {
    "predict_vs_hello": _predict_vs_hello,
    "drift_vs_evidently": _drift_vs_evidently,
    "ws_fanout": _ws_fanout,
    "batch_csv": _batch_csv,
    "shadow_latency": _shadow_latency,
}


def rows_of(name: str) -> tuple[list[Row], str, str]:
    """(rows, command, when) for one benchmark's latest result file."""
    path = RESULTS / f"{name}.json"
    if not path.exists():
        return [{"metric": "—", "value": "not run", "goal": "—", "met": None}], "", ""
    result = json.loads(path.read_text())
    rows = result.get("summary_rows") or ADAPTERS[name](result)
    when = (
        result.get("when")
        or result.get("started_utc")
        or result.get("started_at")
        or result.get("started")
        or time.strftime("%Y-%m-%dT%H:%M", time.gmtime(path.stat().st_mtime))
    )
    command = result.get("command") or f"scripts/bench.sh {name}"
    return rows, command, str(when)[:16].replace("T", " ")


def _mark(met: bool | None) -> str:
    return "—" if met is None else ("**met**" if met else "**not met**")


def table() -> str:
    lines = [
        "| benchmark | measure | value | goal | | command · run at |",
        "|---|---|---|---|---|---|",
    ]
    for name in ORDER:
        rows, command, when = rows_of(name)
        for row in rows:
            cmd = f"`{command.split('#')[0].strip()}` · {when}" if command else ""
            lines.append(
                f"| {name} | {row['metric']} | {row['value']} | {row['goal']} | "
                f"{_mark(row['met'])} | {cmd} |"
            )
    return "\n".join(lines)


def machine() -> str:
    for name in ORDER:
        path = RESULTS / f"{name}.json"
        if path.exists():
            m = json.loads(path.read_text()).get("machine") or {}
            if m:
                keys = ("cpu_model", "nproc", "memory_gib", "os", "kernel", "python")
                return ", ".join(f"{k} {m[k]}" for k in keys if k in m)
    return "unknown"


def render() -> str:
    return (
        f"{START}\n## Summary (written by `scripts/bench.sh` — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})\n\n"
        f"Machine: {machine()}. Every row comes from the latest run of its benchmark "
        "(bench/results/, git-ignored); the sections below explain each one.\n\n"
        f"{table()}\n{END}"
    )


def main() -> int:
    text = DOC.read_text()
    block = render()
    if START in text and END in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _m: block, text, flags=re.S)
    else:
        head, _, rest = text.partition("\n## ")
        text = f"{head.rstrip()}\n\n{block}\n\n## {rest}"
    DOC.write_text(text)
    print(block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
