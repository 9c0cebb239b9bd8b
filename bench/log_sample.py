"""Benchmark: the worker's `log_sample` job removing raw rows outside the sample.

A fresh database (a SQLite file, or a fresh PostgreSQL database with --postgres) gets N
prediction rows two days old (default 200k), marked kept as a backend sampling at RATE
would (default 0.01; every 50th row flagged), every 10th labelled, on SQLite or PostgreSQL; then `prune_unkept` runs
once, timed (wall and this process's CPU). Prints one line; not part of scripts/bench.sh.

    uv run --frozen python bench/log_sample.py [--rows 200000] [--rate 0.01] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from batch_csv import POSTGRES_SERVER, fresh_postgres, postgres  # noqa: E402

from driftscope.db import Label, Prediction, upgrade  # noqa: E402
from driftscope.db.bulk import BulkInsert  # noqa: E402
from driftscope.db.partitions import create_partitions_ahead  # noqa: E402
from driftscope.ids import uuid7  # noqa: E402
from driftscope.sampling import keeps_row  # noqa: E402
from driftscope.settings import Settings  # noqa: E402
from driftscope_worker.log_sample import prune_unkept  # noqa: E402
from driftscope_worker.scheduler import make_context  # noqa: E402

PIECE = 10_000


def piece(start: int, stop: int, ts: datetime, rate: float) -> tuple[list[Any], list[Any]]:
    rows, labels = [], []
    for k in range(start, stop):
        pid, flagged = uuid7(), k % 50 == 0
        rows.append(
            {
                "id": pid,
                "model_name": "fraud",
                "model_version": 1,
                "ts": ts + timedelta(milliseconds=k),
                "transaction_id": None,
                "features": {"amount": 12.5, "channel": "online", "hour": k % 24},
                "score": 0.9 if flagged else 0.1,
                "decision": flagged,
                "threshold": 0.5,
                "path": "model",
                "variant": "production",
                "latency_us": 10,
                "request_id": None,
                "kept": keeps_row(pid, "production", flagged, rate),
            }
        )
        if k % 10 == 0:
            labels.append({"prediction_id": pid, "model_name": "fraud", "label": 0, "ts": ts})
    return rows, labels


async def run(url: str, rows: int, rate: float) -> str:
    settings = Settings(data_dir=Path(tempfile.mkdtemp()), database_url=url, log_sample_rate=rate)
    ctx = make_context(settings)
    await upgrade(ctx.engine)
    ts = datetime.now(UTC) - timedelta(days=2)
    async with ctx.engine.begin() as conn:  # the day's own partition (PostgreSQL)
        await create_partitions_ahead(conn, ts.date(), 2)
    tables: tuple[Any, ...] = (Prediction, Label)
    bulk = {t: BulkInsert(t.__table__, ctx.engine.dialect) for t in tables}
    for start in range(0, rows, PIECE):
        made = piece(start, min(rows, start + PIECE), ts, rate)
        async with ctx.engine.begin() as conn:
            for table, values in zip(tables, made, strict=True):
                for sql, params in bulk[table].statements(values):
                    await conn.exec_driver_sql(sql, params)
    wall, cpu = time.perf_counter(), time.process_time()
    done = await prune_unkept(ctx)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    await ctx.engine.dispose()
    return (
        f"{ctx.engine.dialect.name}: {rows:,} rows, rate {rate}: removed {done['removed']:,}, "
        f"labelled kept {done['labelled']:,} in {wall:.2f} s ({done['removed'] / wall:,.0f} "
        f"rows/s), worker CPU {cpu:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--rate", type=float, default=0.01)
    parser.add_argument(
        "--postgres", nargs="?", const=POSTGRES_SERVER, help="on a fresh database of this server"
    )
    args = parser.parse_args()
    if args.postgres is None:
        url = f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp()) / 'log_sample.db'}"
        print(asyncio.run(run(url, args.rows, args.rate)))
        return
    url = fresh_postgres(args.postgres)
    try:
        print(asyncio.run(run(url, args.rows, args.rate)))
    finally:
        postgres(args.postgres, f'DROP DATABASE "{url.rsplit("/", 1)[1]}"')


if __name__ == "__main__":
    main()
