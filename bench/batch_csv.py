"""Benchmark: batch CSV scoring, POST /api/v1/predict/batch end to end and `score-csv` in-process.

One run, on this machine, against 127.0.0.1 only:

1. train a model into a temporary data dir (`driftscope train --rows 20000`);
2. generate CSV files of N transactions (driftscope.generator, `transaction_id` + the
   contract's columns; default N = 100k and 1M);
3. per N, a fresh `driftscope serve` (uvicorn; SQLite, or with `--postgres URL` a fresh
   PostgreSQL database on that server, logged by binary COPY): warm up with a 100-row upload, then
   stream the file up and the answer down (httpx), timed from the first byte sent to the last
   byte received. By then every row is in the predictions table (the route flushes the log
   before it ends). Peak RSS of the server (VmHWM) after the upload vs its RSS before it,
   server CPU time (and on PostgreSQL the CPU time of its server processes), rows written,
   rows stored with source=batch;
4. per N, `driftscope score-csv IN OUT` in-process (parse, validate, score, write; no
   logging): rows/s and peak RSS of that process.

Memory is flat when peak RSS does not grow with N. Writes bench/results/batch_csv.json
and .md; prints a table.

    uv run --frozen python bench/batch_csv.py [--rows 100000 1000000] [--quick]
        [--postgres postgresql+asyncpg://postgres@127.0.0.1:5432/postgres] [--no-local]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from harness.machine import CLK_TCK, background_load, machine_info  # noqa: E402
from harness.server import BENCH_ENV, Server, free_port, train  # noqa: E402

RESULTS_DIR = BENCH_DIR / "results"
BATCH_URL = "http://127.0.0.1:{port}/api/v1/predict/batch"
GOAL_ROWS_S = 200_000
COMMAND = "scripts/bench.sh batch_csv   # = uv run --frozen python bench/batch_csv.py"
GENERATE_PIECE = 250_000
# The PostgreSQL server the PostgreSQL benchmarks make their fresh databases on (127.0.0.1).
POSTGRES_SERVER = os.environ.get(
    "DRIFTSCOPE_BENCH_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


def write_csv(path: Path, rows: int, seed: int = 11) -> int:
    """`rows` generated transactions with ids unique to this file (a re-used id would be
    logged once: batch logging is idempotent by id), written in pieces (bounded memory)."""
    from driftscope.contract import FRAUD_CONTRACT
    from driftscope.generator import generate_frame

    with path.open("w") as out:
        for index, start in enumerate(range(0, rows, GENERATE_PIECE)):
            n = min(GENERATE_PIECE, rows - start)
            frame = generate_frame(n, seed=seed + index)[FRAUD_CONTRACT.names]
            frame.insert(0, "transaction_id", [f"{path.stem}-{start + i}" for i in range(n)])
            frame.to_csv(out, index=False, header=index == 0)
    return path.stat().st_size


def proc_status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def proc_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def upload(port: int, path: Path) -> dict[str, Any]:
    """Stream `path` up and the answer down; rows answered, rows with an error, seconds."""
    import httpx

    def chunks() -> Any:
        with path.open("rb") as src:
            while chunk := src.read(1 << 20):
                yield chunk

    t0 = time.perf_counter()
    first_byte_s = None
    lines = errors = 0
    headers = {"content-type": "text/csv"}
    with httpx.stream(
        "POST", BATCH_URL.format(port=port), content=chunks(), headers=headers, timeout=None
    ) as response:
        response.raise_for_status()
        for line in response.iter_lines():  # no id in these files needs quoting
            if first_byte_s is None:
                first_byte_s = time.perf_counter() - t0
            lines += 1
            errors += lines > 1 and line.split(",")[5] != ""
    seconds = time.perf_counter() - t0
    return {"rows": lines - 1, "errors": errors, "seconds": seconds, "first_line_s": first_byte_s}


def postgres_cpu_s() -> float:
    """CPU seconds of every PostgreSQL server process now running (backends, WAL writer,
    checkpointer): what the database spends on the rows."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # ended meanwhile
            continue
        if text.split(" (", 1)[1].startswith("postgres)"):
            fields = text.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / CLK_TCK
    return total


def postgres(url: str, statement: str) -> Any:
    import asyncio

    import asyncpg
    from sqlalchemy.engine import make_url

    async def run() -> Any:
        parsed = make_url(url)
        conn = await asyncpg.connect(
            host=parsed.host, port=parsed.port, user=parsed.username, database=parsed.database
        )
        try:
            return await conn.fetchval(statement)
        finally:
            await conn.close()

    return asyncio.run(run())


def stored_batch_rows(data_dir: Path) -> int:
    if url := os.environ.get("DATABASE_URL"):
        return int(postgres(url, "SELECT count(*) FROM predictions WHERE source = 'batch'"))
    with sqlite3.connect(data_dir / "driftscope.db") as db:
        return int(
            db.execute("SELECT count(*) FROM predictions WHERE source = 'batch'").fetchone()[0]
        )


def run_server(data_dir: Path, csv_path: Path, warm_csv: Path, logs: Path) -> dict[str, Any]:
    server = Server(data_dir, free_port(), logs / f"serve-{csv_path.stem}.log")
    server.start(env={"DRIFTSCOPE_LOG_LEVEL": "WARNING"})
    try:
        upload(server.port, warm_csv)
        rss_before = proc_status_kb(server.pid, "VmRSS")
        hwm_before = proc_status_kb(server.pid, "VmHWM")
        stored_before = stored_batch_rows(data_dir)
        cpu_before, db_cpu_before = proc_cpu_s(server.pid), postgres_cpu_s()
        result = upload(server.port, csv_path)
        result["server_cpu_s"] = round(proc_cpu_s(server.pid) - cpu_before, 2)
        result["database_cpu_s"] = round(postgres_cpu_s() - db_cpu_before, 2)
        result["server_rss_before_mb"] = round(rss_before / 1024, 1)
        result["server_hwm_before_mb"] = round(hwm_before / 1024, 1)
        result["server_peak_rss_mb"] = round(proc_status_kb(server.pid, "VmHWM") / 1024, 1)
        result["stored_at_response_end"] = stored_batch_rows(data_dir) - stored_before
    finally:
        server.stop()
    result["rows_s"] = round(result["rows"] / result["seconds"])
    return result


def run_local(data_dir: Path, csv_path: Path) -> dict[str, Any]:
    """`score-csv`'s in-process path (parse, validate, score, write; no logging) in a child
    process, timed without interpreter start-up and model loading."""
    env = {**os.environ, "DRIFTSCOPE_DATA_DIR": str(data_dir), **BENCH_ENV}
    cmd = [sys.executable, __file__, "--score-file", str(csv_path)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True, timeout=1800)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def score_file(csv_path: Path) -> None:
    """Child mode: `score-csv`'s in-process path on `csv_path` (model from the registry, no
    logging), timed after start-up and model loading; prints JSON."""
    import asyncio

    from driftscope.settings import get_settings
    from driftscope_backend.prediction.batch.score_csv import production_model
    from driftscope_backend.prediction.batch.score_csv import score_file as score

    settings = get_settings()
    model = asyncio.run(production_model(settings))
    rss_before = proc_status_kb(os.getpid(), "VmRSS")
    out_path = csv_path.with_suffix(".scored.csv")
    t0 = time.perf_counter()
    rows, _ = asyncio.run(score(model, csv_path, out_path, settings))
    seconds = time.perf_counter() - t0
    out_path.unlink()
    result = {
        "rows": rows,
        "seconds": round(seconds, 3),
        "rows_s": round(rows / seconds),
        "rss_before_mb": round(rss_before / 1024, 1),
        "peak_rss_mb": round(proc_status_kb(os.getpid(), "VmHWM") / 1024, 1),
    }
    print(json.dumps(result))


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"batch CSV scoring, {report['started']} ({report['machine']['cpu_model']}), "
        f"log on {report['database']}",
        "",
        "| rows | file | server: s | rows/s | first row s | CPU s | DB CPU s | RSS before → peak MB"
        " | stored | in-process: s | rows/s | RSS before → peak MB | other load % |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in report["runs"]:
        s, loc = r["server"], r["local"] or {"seconds": 0, "rows_s": 0}
        lines.append(
            f"| {r['rows']:,} | {r['file_mb']} MB | {s['seconds']:.2f} | {s['rows_s']:,} | "
            f"{s['first_line_s']:.2f} | {s['server_cpu_s']} | {s['database_cpu_s']} | "
            f"{s['server_rss_before_mb']} → {s['server_peak_rss_mb']} | "
            f"{s['stored_at_response_end']:,} | {loc['seconds']:.2f} | {loc['rows_s']:,} | "
            f"{loc.get('rss_before_mb', '–')} → {loc.get('peak_rss_mb', '–')} | "
            f"{r['other_load_pct']['server']:.0f} · {r['other_load_pct']['local']:.0f} |"
        )
    return "\n".join(lines) + "\n"


def run_sizes(sizes: list[int], train_rows: int, local: bool) -> list[dict[str, Any]]:
    runs = []
    with tempfile.TemporaryDirectory(prefix="driftscope-batch-") as tmp:
        work = Path(tmp)
        data_dir, logs = work / "data", work / "logs"
        logs.mkdir()
        print(f"training ({train_rows:,} rows) ...", file=sys.stderr)
        train(data_dir, train_rows, logs / "train.log")
        warm = work / "warm.csv"
        write_csv(warm, 100, seed=3)
        for rows in sizes:
            path = work / f"transactions-{rows}.csv"
            size = write_csv(path, rows)
            print(f"{rows:,} rows ({size / 1e6:.0f} MB): server ...", file=sys.stderr)
            load_server = background_load(2.0)
            server = run_server(data_dir, path, warm, logs)
            load_local = background_load(2.0) if local else 0.0
            if local:
                print(f"{rows:,} rows: in-process score-csv ...", file=sys.stderr)
            runs.append(
                {
                    "rows": rows,
                    "file_mb": round(size / 1e6),
                    "server": server,
                    "local": run_local(data_dir, path) if local else None,
                    # % of one core used by other processes just before each phase
                    "other_load_pct": {"server": load_server, "local": load_local},
                }
            )
            path.unlink()
    return runs


def fresh_postgres(server_url: str) -> str:
    """A new database on `server_url`'s server for this run; its URL (DATABASE_URL)."""
    from sqlalchemy.engine import make_url

    name = f"driftscope_bench_{os.getpid()}_{int(time.time())}"
    postgres(server_url, f'CREATE DATABASE "{name}"')
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--train-rows", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="10k and 50k rows (smoke test)")
    parser.add_argument("--postgres", help="log on a fresh database of this PostgreSQL server")
    parser.add_argument("--no-local", action="store_true", help="skip in-process score-csv")
    parser.add_argument("--score-file", type=Path, help=argparse.SUPPRESS)  # child mode
    args = parser.parse_args()
    if args.score_file:
        score_file(args.score_file)
        return
    RESULTS_DIR.mkdir(exist_ok=True)
    report: dict[str, Any] = {
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": COMMAND,
        "machine": machine_info(),
        "database": "PostgreSQL (binary COPY)" if args.postgres else "SQLite",
        "goal_rows_s": GOAL_ROWS_S,
    }
    if args.postgres:  # every child process (train, serve) logs there
        os.environ["DATABASE_URL"] = fresh_postgres(args.postgres)
    try:
        sizes = [10_000, 50_000] if args.quick else args.rows
        report["runs"] = run_sizes(sizes, args.train_rows, not args.no_local)
    finally:
        if args.postgres:
            name = os.environ.pop("DATABASE_URL").rsplit("/", 1)[1]
            postgres(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    suffix = "_postgres" if args.postgres else ""
    (RESULTS_DIR / f"batch_csv{suffix}.json").write_text(json.dumps(report, indent=2))
    table = markdown(report)
    (RESULTS_DIR / f"batch_csv{suffix}.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
