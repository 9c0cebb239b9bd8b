"""Benchmark: ways of writing batch-logged rows into PostgreSQL's partitioned prediction log.

In-process, on a fresh database of a PostgreSQL server on 127.0.0.1, the same N rows (batch
CSV rows as BatchScorer logs them: v5 ids, JSON features of the fraud contract, source batch)
in blocks of 10,000, written by each path into an emptied table:

- `insert`: `INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING` (the path before COPY);
- `copy`: binary COPY straight into the partitioned table (driftscope.db.copy, the fast path);
- `copy_staging`: binary COPY into a temporary table, then INSERT … SELECT … ON CONFLICT DO
  NOTHING (the path a retried block takes);
- `copy_no_indexes`: binary COPY into an unpartitioned copy of the table without indexes:
  what the four indexes cost, by difference.

Per path: rows/s, client CPU (this process: binding, encoding) and PostgreSQL server CPU
(every postgres process) per row. Writes bench/results/log_write.json and prints a table.

    uv run --frozen python bench/log_write.py [--rows 1000000] [--postgres URL]
    (server: DRIFTSCOPE_BENCH_POSTGRES, default postgres@127.0.0.1:5432)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from batch_csv import POSTGRES_SERVER, fresh_postgres, postgres, postgres_cpu_s  # noqa: E402
from harness.machine import machine_info  # noqa: E402

BLOCK = 10_000
PATHS = ("insert", "copy", "copy_staging", "copy_no_indexes")


def block_columns(bulk: Any, start: int, n: int) -> dict[str, Any]:
    """One block of batch rows, column by column as BatchScorer.inserts gives them."""
    from driftscope.contract import FRAUD_CONTRACT
    from driftscope.generator import generate_frame

    frame = generate_frame(n, seed=start)[FRAUD_CONTRACT.names]
    records = frame.to_dict("records")
    return {
        "id": [uuid.uuid5(uuid.NAMESPACE_OID, str(start + i)).hex for i in range(n)],
        "model_name": "fraud",
        "model_version": 1,
        "ts": datetime.now(UTC),
        "transaction_id": [f"t-{start + i}" for i in range(n)],
        "features": [bulk.json_text(r) for r in records],
        "score": [0.1] * n,
        "decision": [False] * n,
        "threshold": 0.5,
        "path": ["model"] * n,
        "variant": "production",
        "latency_us": 3,
        "request_id": None,
        "source": "batch",
    }


async def run_path(engine: Any, bulk: Any, path: str, blocks: list[dict[str, Any]]) -> float:
    from driftscope.db.copy import CopyRows, _copy_skipping_stored, copy_rows

    async def insert(columns: dict[str, Any]) -> None:
        async with engine.begin() as conn:
            for sql, params in bulk.insert_columns(columns):
                await conn.exec_driver_sql(sql, params)

    async def copy(columns: dict[str, Any]) -> None:
        block = bulk.copy_columns(columns)
        async with engine.connect() as conn:
            if path == "copy_staging":
                raw = await conn.get_raw_connection()
                await _copy_skipping_stored(raw.driver_connection, block, ())
            elif path == "copy_no_indexes":
                await copy_rows(conn, CopyRows("predictions_plain", block.columns, block.records))
            else:
                await copy_rows(conn, block)

    write: Callable[[dict[str, Any]], Awaitable[None]] = insert if path == "insert" else copy
    started = time.perf_counter()
    for columns in blocks:
        await write(columns)
    return time.perf_counter() - started


async def measure(url: str, rows: int) -> list[dict[str, Any]]:
    from driftscope.db import Prediction, create_engine, upgrade
    from driftscope.db.bulk import BulkInsert

    engine = create_engine(url)
    await upgrade(engine)
    async with engine.begin() as conn:
        await conn.exec_driver_sql("CREATE TABLE predictions_plain (LIKE predictions)")
    bulk = BulkInsert(Prediction.__table__, engine.dialect)  # type: ignore[arg-type]
    blocks = [block_columns(bulk, s, min(BLOCK, rows - s)) for s in range(0, rows, BLOCK)]
    results = []
    for path in PATHS:
        async with engine.begin() as conn:
            await conn.exec_driver_sql("TRUNCATE predictions, predictions_plain")
            await conn.exec_driver_sql("CHECKPOINT")
        cpu0, db0 = time.process_time(), postgres_cpu_s()
        seconds = await run_path(engine, bulk, path, blocks)
        client_s, db_s = time.process_time() - cpu0, postgres_cpu_s() - db0
        results.append(
            {
                "path": path,
                "rows": rows,
                "seconds": round(seconds, 2),
                "rows_s": round(rows / seconds),
                "client_cpu_us_per_row": round(client_s / rows * 1e6, 2),
                "postgres_cpu_us_per_row": round(db_s / rows * 1e6, 2),
            }
        )
        print(json.dumps(results[-1]), file=sys.stderr)
    await engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=POSTGRES_SERVER, help="PostgreSQL server URL")
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    url = fresh_postgres(args.postgres)
    try:
        runs = asyncio.run(measure(url, args.rows))
    finally:
        postgres(args.postgres, f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    report = {
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine_info(),
        "runs": runs,
    }
    (BENCH_DIR / "results").mkdir(exist_ok=True)
    (BENCH_DIR / "results" / "log_write.json").write_text(json.dumps(report, indent=2))
    print("| path | rows | s | rows/s | client CPU µs/row | PostgreSQL CPU µs/row |")
    print("|---|---|---|---|---|---|")
    for r in runs:
        print(
            f"| {r['path']} | {r['rows']:,} | {r['seconds']} | {r['rows_s']:,} | "
            f"{r['client_cpu_us_per_row']} | {r['postgres_cpu_us_per_row']} |"
        )


if __name__ == "__main__":
    main()
