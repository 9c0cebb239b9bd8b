"""PostgreSQL: the `partitions` job creates days ahead; retention drops whole past days."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import insert, text

from driftscope.db import Label, Prediction
from driftscope.db.partitions import day_partitions, default_partition
from driftscope_worker.partitions import partitions_ahead
from driftscope_worker.retention import retention

if TYPE_CHECKING:
    from conftest import Harness

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_harness(harness: Harness) -> Harness:
    if harness.ctx.engine.dialect.name != "postgresql":
        pytest.skip("day partitions are PostgreSQL's (DATABASE_URL)")
    return harness


async def partition_days(harness: Harness, table: str) -> set[date]:
    async with harness.ctx.engine.connect() as conn:
        return set((await day_partitions(conn, table)).values())


async def rows_in(harness: Harness, partition: str) -> int:
    async with harness.ctx.engine.connect() as conn:
        return int(await conn.scalar(text(f"SELECT count(*) FROM {partition}")) or 0)


async def log_labelled(harness: Harness, n: int, age: timedelta) -> None:
    ts = harness.clock.now - age
    ids = await harness.log(harness.transactions(n, seed=n), ts + timedelta(seconds=60))
    async with harness.ctx.sessionmaker() as session, session.begin():
        labels = [{"prediction_id": p, "model_name": "fraud", "label": 0, "ts": ts} for p in ids]
        await session.execute(insert(Label), labels)


async def test_the_job_creates_today_and_the_days_ahead_idempotently(pg_harness: Harness) -> None:
    today = pg_harness.clock.now.date()
    expected = {today + timedelta(days=n) for n in range(4)}
    assert set(await partitions_ahead(pg_harness.ctx)) == expected
    await partitions_ahead(pg_harness.ctx)  # again: nothing to do, no error
    for table in ("predictions", "labels"):
        assert await partition_days(pg_harness, table) >= expected


async def test_retention_drops_past_days_whole_and_deletes_only_default_rows(
    pg_harness: Harness,
) -> None:
    harness, now = pg_harness, pg_harness.clock.now
    await log_labelled(harness, 4, timedelta(days=9))  # no partition yet: DEFAULT partition
    harness.clock.now = now - timedelta(days=9)
    await partitions_ahead(harness.ctx)  # that day's partition takes its rows from DEFAULT
    harness.clock.now = now
    await partitions_ahead(harness.ctx)
    await log_labelled(harness, 3, timedelta(days=8))  # in the partition made ahead for it
    await log_labelled(harness, 2, timedelta(days=20))  # no partition: stays in DEFAULT
    await log_labelled(harness, 5, timedelta(hours=1))  # recent: kept
    assert await rows_in(harness, default_partition("predictions")) == 2

    deleted = await retention(harness.ctx, batch=1)

    # Day -9 and day -8 end before the cutoff (-7 days): dropped for both tables; the two
    # rows of day -20 are deleted one by one from the DEFAULT partition.
    assert deleted["partitions"] == 4
    assert deleted["predictions"] == 2 and deleted["labels"] == 2
    assert await harness.count(Prediction) == 5 and await harness.count(Label) == 5
    assert min(await partition_days(harness, "predictions")) == (now - timedelta(days=7)).date()
    again = await retention(harness.ctx)
    assert set(again.values()) == {0}
