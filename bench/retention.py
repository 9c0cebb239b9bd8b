"""Benchmark: the retention job dropping a day of the prediction log on PostgreSQL.

On a fresh database of a PostgreSQL server on 127.0.0.1 (migrated: predictions partitioned
by day), one past day's partition is filled with N rows (default 5M, generated in SQL: v4
ids, a 12-key JSON features object, 4 indexes as in production), then the worker's
`retention` job runs and is timed; it drops that partition whole (the DROP of the
predictions day is timed on its own too, then the rest of the job). For comparison, the
row-by-row deletion retention did before partitions (batches of 5,000 ids, as the job still
does for the DEFAULT partition) is timed on a smaller day (default 500k rows) and its rate
given. Writes bench/results/retention.json and prints a table.

    uv run --frozen python bench/retention.py [--rows 5000000] [--postgres URL]
    (server: DRIFTSCOPE_BENCH_POSTGRES, default postgres@127.0.0.1:5432)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from batch_csv import POSTGRES_SERVER, fresh_postgres, postgres  # noqa: E402
from harness.machine import machine_info  # noqa: E402

LOAD_PIECE = 1_000_000
FEATURES = (  # 12 keys, as the fraud contract logs them
    "jsonb_build_object('amount', (i % 997) * 1.5, 'hour', i % 24, 'merchant_category', "
    "'grocery', 'country', 'US', 'channel', 'online', 'card_present', false, "
    "'distance_km', (i % 300) * 0.7, 'account_age_days', i % 4000, 'txn_count_24h', i % 9, "
    "'avg_amount_30d', 42.5, 'amount_to_avg_ratio', 1.2, 'is_new_device', i % 2 = 0)"
)


async def fill_day(engine: Any, day: datetime, rows: int) -> float:
    """`rows` predictions spread over `day` (its partition made first); seconds taken."""
    from driftscope.db.partitions import create_partitions_ahead

    started = time.perf_counter()
    async with engine.begin() as conn:
        await create_partitions_ahead(conn, day.date(), ahead=0)
    step_us = 86_400_000_000 // rows
    for start in range(0, rows, LOAD_PIECE):
        stop = min(rows, start + LOAD_PIECE)
        async with engine.begin() as conn:
            await conn.exec_driver_sql(
                "INSERT INTO predictions (id, model_name, model_version, ts, transaction_id, "
                "features, score, decision, threshold, path, variant, latency_us, source) "
                f"SELECT gen_random_uuid(), 'fraud', 1, '{day.isoformat()}'::timestamptz "
                f"+ i * interval '{step_us} microseconds', 'txn-' || i, {FEATURES}, "
                "(i % 100) / 100.0, i % 10 = 0, 0.5, 'model', 'production', 150, 'online' "
                f"FROM generate_series({start}, {stop - 1}) AS i"
            )
        print(f"  {stop:,} rows", file=sys.stderr)
    async with engine.begin() as conn:
        await conn.exec_driver_sql("ANALYZE predictions")
    return time.perf_counter() - started


async def delete_by_rows(engine: Any, partition: str) -> tuple[int, float]:
    """The old retention loop on one partition: DELETE … WHERE id IN (5,000 ids) until empty."""
    total, started = 0, time.perf_counter()
    while True:
        async with engine.begin() as conn:
            result = await conn.exec_driver_sql(
                f"DELETE FROM {partition} WHERE id IN (SELECT id FROM {partition} LIMIT 5000)"
            )
        total += result.rowcount
        if result.rowcount < 5000:
            return total, time.perf_counter() - started


async def measure(url: str, rows: int, compare_rows: int) -> dict[str, Any]:
    from driftscope.db import create_engine, make_sessionmaker, upgrade
    from driftscope.db.partitions import day_partition, drop_partitions_before
    from driftscope.settings import Settings
    from driftscope_worker.context import WorkerContext
    from driftscope_worker.notify import WebhookNotifier
    from driftscope_worker.retention import retention

    engine = create_engine(url)
    await upgrade(engine)
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    old_day, compare_day = today - timedelta(days=10), today - timedelta(days=2)
    print(f"loading {rows:,} rows into {old_day.date()} ...", file=sys.stderr)
    load_s = await fill_day(engine, old_day, rows)
    print(f"loading {compare_rows:,} rows into {compare_day.date()} ...", file=sys.stderr)
    await fill_day(engine, compare_day, compare_rows)
    settings = Settings(database_url=url, retention_days=7)
    ctx = WorkerContext(settings, engine, make_sessionmaker(engine), WebhookNotifier(None))
    started = time.perf_counter()
    async with engine.begin() as conn:  # the job's own drop, timed alone for `predictions`
        await drop_partitions_before(conn, "predictions", today - timedelta(days=7))
    drop_alone_s = time.perf_counter() - started
    started = time.perf_counter()
    removed = await retention(ctx)  # the rest: labels' partition, DEFAULT rows, other tables
    drop_s = drop_alone_s + time.perf_counter() - started
    deleted, delete_s = await delete_by_rows(engine, day_partition("predictions", compare_day))
    await engine.dispose()
    return {
        "rows_in_dropped_day": rows,
        "load_s": round(load_s, 1),
        "retention_job_s": round(drop_s, 3),
        "drop_predictions_day_s": round(drop_alone_s, 3),
        "retention_removed": removed,
        "row_delete": {"rows": deleted, "seconds": round(delete_s, 2)},
        "row_delete_rows_s": round(deleted / delete_s),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=POSTGRES_SERVER, help="PostgreSQL server URL")
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--compare-rows", type=int, default=500_000)
    args = parser.parse_args()
    url = fresh_postgres(args.postgres)
    try:
        result = asyncio.run(measure(url, args.rows, args.compare_rows))
    finally:
        postgres(args.postgres, f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    result["started"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    result["machine"] = machine_info()
    (BENCH_DIR / "results").mkdir(exist_ok=True)
    (BENCH_DIR / "results" / "retention.json").write_text(json.dumps(result, indent=2))
    d = result["row_delete"]
    print(
        "| rows in the day | DROP of the day s | retention job s | row-by-row delete: rows "
        "| s | rows/s |"
    )
    print("|---|---|---|---|---|---|")
    print(
        f"| {args.rows:,} | {result['drop_predictions_day_s']} | {result['retention_job_s']} | "
        f"{d['rows']:,} | {d['seconds']} | "
        f"{result['row_delete_rows_s']:,} |"
    )


if __name__ == "__main__":
    main()
