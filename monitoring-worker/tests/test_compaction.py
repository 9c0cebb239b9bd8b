"""compact_counts: a closed bucket's counts rows rolled into one; readers see the same counts."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import func, insert, select

from driftscope.db import WindowCount
from driftscope.db.bulk import BulkInsert
from driftscope_worker.bucket_sums import BucketSums
from driftscope_worker.compaction import Compacted, compact_counts
from driftscope_worker.window_data import load_counts
from driftscope_worker.windows import Window

if TYPE_CHECKING:
    from conftest import Harness

FLUSHES = 3  # counts rows per bucket, as three flushes of one backend would write them


async def window_counts(harness: Harness, window: Window, sums: BucketSums | None = None) -> Any:
    async with harness.ctx.sessionmaker() as session:
        found = await load_counts(session, "fraud", 1, window, include_batch=False, sums=sums)
    assert found is not None
    return found


def same_counts(a: Any, b: Any) -> None:
    assert a.n == b.n and a.variants == b.variants
    assert a.document["features"] == b.document["features"]
    assert a.document["score"] == b.document["score"]
    assert a.document["moments"] == pytest.approx(b.document["moments"])


async def test_closed_buckets_are_rolled_into_one_row_and_read_the_same(harness: Harness) -> None:
    end = harness.clock.now
    await harness.log(harness.transactions(900, seed=3), end)
    made = await harness.count_logged(FLUSHES)
    assert len(made) == 6 * FLUSHES  # six 10 s buckets of the 60 s window
    window = Window(end - timedelta(seconds=60), end)
    sums = BucketSums()
    before = await window_counts(harness, window)
    warm = await window_counts(harness, window, sums)  # summed before compaction, kept
    same_counts(warm, before)

    # a bucket is closed more than 30 s after its end: at `end` the first two are
    assert await compact_counts(harness.ctx) == Compacted(groups=2, rows=2 * (FLUSHES - 1))
    same_counts(await window_counts(harness, window, sums), before)
    harness.clock.advance(timedelta(seconds=60))
    assert await compact_counts(harness.ctx) == Compacted(groups=4, rows=4 * (FLUSHES - 1))
    assert await compact_counts(harness.ctx) == Compacted(groups=0, rows=0)

    async with harness.ctx.sessionmaker() as session:
        per_bucket = (
            await session.execute(
                select(WindowCount.bucket, func.count(), func.sum(WindowCount.n))
                .where(WindowCount.n > 0)
                .group_by(WindowCount.bucket)
            )
        ).all()
        rows = await session.scalar(select(func.count()).select_from(WindowCount))
    assert len(per_bucket) == 6 and {k for _, k, _ in per_bucket} == {1}
    assert sum(n for _, _, n in per_bucket) == 900
    assert rows == len(made)  # the emptied rows stay, holding their ids
    same_counts(await window_counts(harness, window), before)
    same_counts(await window_counts(harness, window, sums), before)  # the kept sums still hold
    same_counts(await window_counts(harness, window, BucketSums()), before)  # summed afresh


async def test_a_retried_batch_adds_nothing_to_a_compacted_bucket(harness: Harness) -> None:
    end = harness.clock.now
    await harness.log(harness.transactions(300, seed=5), end)
    made = await harness.count_logged(FLUSHES)
    window = Window(end - timedelta(seconds=60), end)
    before = await window_counts(harness, window)
    harness.clock.advance(timedelta(seconds=60))
    assert (await compact_counts(harness.ctx)).rows == 6 * (FLUSHES - 1)

    # every batch written again, as a backend retrying writes that had committed after all
    async with harness.ctx.engine.begin() as conn:
        bulk = BulkInsert(WindowCount.__table__, conn.dialect)  # type: ignore[arg-type]
        for sql, params in bulk.statements(made):
            await conn.exec_driver_sql(sql, params)
    same_counts(await window_counts(harness, window), before)

    # a batch that arrives late for a compacted bucket is new counts: read, then compacted
    late = {**made[0], "id": uuid.uuid4()}
    async with harness.ctx.sessionmaker() as session, session.begin():
        await session.execute(insert(WindowCount), [late])
    assert (await window_counts(harness, window)).n == 300 + late["n"]
    assert await compact_counts(harness.ctx) == Compacted(groups=1, rows=1)
    assert (await window_counts(harness, window)).n == 300 + late["n"]
