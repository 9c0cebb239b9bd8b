"""Benchmark: a writer flush on PostgreSQL, binary COPY against the `unnest` INSERT, by size.

In-process, on a fresh database of a PostgreSQL server on 127.0.0.1: flushes of 50, 200,
1,000 and 2,000 online rows (UUIDv7 ids, the fraud contract's features as JSON, bound as the
writer binds them), each size written both ways in alternation (unnest, COPY, unnest, COPY),
each way ≈ 20,000 rows a size. Prints rows/s and ms a flush per way; the writer ships COPY.

    uv run --frozen python bench/flush_write.py [--postgres URL]
    (server: DRIFTSCOPE_BENCH_POSTGRES, default postgres@127.0.0.1:5432)
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from batch_csv import POSTGRES_SERVER, fresh_postgres, postgres  # noqa: E402

SIZES = (50, 200, 1_000, 2_000)
ROWS_A_SIZE = 20_000


async def run(url: str) -> None:
    from driftscope.contract import FRAUD_CONTRACT
    from driftscope.db import Prediction, create_engine
    from driftscope.db.bulk import BulkInsert
    from driftscope.db.copy import CopyRows, copy_rows
    from driftscope.db.migrate import upgrade
    from driftscope.generator import generate_frame
    from driftscope.ids import uuid7

    engine = create_engine(url)
    await upgrade(engine)
    bulk = BulkInsert(Prediction.__table__, engine.dialect)  # type: ignore[arg-type]
    frame = generate_frame(5_000, seed=1)[FRAUD_CONTRACT.names].astype(object)
    features = frame.where(frame.notna(), None).to_dict("records")

    def flush(n: int) -> list[tuple[Any, ...]]:
        now = datetime.now(UTC)
        return [
            bulk.bind(
                {
                    "id": uuid7(),
                    "model_name": "fraud",
                    "model_version": 1,
                    "ts": now,
                    "features": features[i % len(features)],
                    "score": 0.1,
                    "decision": False,
                    "threshold": 0.5,
                    "path": "model",
                    "variant": "production",
                    "latency_us": 10,
                    "source": "online",
                }
            )
            for i in range(n)
        ]

    async def unnest(bound: list[tuple[Any, ...]]) -> None:
        async with engine.begin() as conn:
            for sql, params in bulk.insert_bound(bound):
                await conn.exec_driver_sql(sql, params)

    async def copy(bound: list[tuple[Any, ...]]) -> None:
        async with engine.connect() as conn:
            await copy_rows(conn, CopyRows("predictions", bulk.column_names, bound))

    print(f"{'flush rows':>10} {'way':>7} {'rows/s':>9} {'ms a flush':>11}")
    try:
        for n in SIZES:
            for name, write in (("unnest", unnest), ("copy", copy)) * 2:
                repeats, spent = max(3, ROWS_A_SIZE // 2 // n), 0.0
                for _ in range(repeats):
                    bound = flush(n)
                    started = time.perf_counter()
                    await write(bound)
                    spent += time.perf_counter() - started
                print(
                    f"{n:>10,} {name:>7} {n * repeats / spent:>9,.0f} {spent / repeats * 1e3:>11.2f}"
                )
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=POSTGRES_SERVER, help="PostgreSQL server URL")
    args = parser.parse_args()
    url = fresh_postgres(args.postgres)
    try:
        asyncio.run(run(url))
    finally:
        from sqlalchemy.engine import make_url

        postgres(args.postgres, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


if __name__ == "__main__":
    main()
