"""A window's counts summed per 10 s bucket and kept between runs: the worker runs every 30 s
over the last 300 s, so each run decodes only the buckets that are new or got rows since (a
late or replayed batch), not the whole window again.

A bucket's sum is known by the counts rows it was summed from (how many, and their
predictions): counts rows are only ever added (a retried batch adds nothing, retention removes
whole old buckets, compaction moves a bucket's counts into one of its rows and leaves the
others empty), so a bucket whose rows and predictions are unchanged has the same sum.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope.db import WindowCount
from driftscope.window_counts import Counts, merge

# Buckets older than this before the end of the window asked for are forgotten: a 300 s window
# and label_join's 600 s horizon. A sum holds ≈ 9,000 Python ints (≈ 0.1–0.4 MB, estimated).
KEEP_S = 900.0
Series = tuple[str, int, bool]  # model, version, include_batch


@dataclass(frozen=True)
class BucketSum:
    rows: int  # counts rows summed
    n: int  # their predictions
    document: Counts
    variants: dict[str, int]


class BucketSums:
    """Per (model, version, include_batch, bucket): the sum of that bucket's counts rows."""

    def __init__(self, keep_s: float = KEEP_S) -> None:
        self.keep = timedelta(seconds=keep_s)
        self._sums: dict[tuple[Series, datetime], BucketSum] = {}

    async def read(
        self, session: AsyncSession, series: Series, where: list[Any], window_end: datetime
    ) -> list[BucketSum]:
        """The sums of the buckets `where` selects, oldest first, re-summing those whose rows
        changed."""
        signature = (
            await session.execute(
                select(WindowCount.bucket, func.count(), func.sum(WindowCount.n))
                .where(*where)
                .group_by(WindowCount.bucket)
                .order_by(WindowCount.bucket)
            )
        ).all()
        stale = [
            bucket
            for bucket, rows, n in signature
            if (known := self._sums.get((series, bucket))) is None
            or (known.rows, known.n) != (rows, n)
        ]
        if stale:
            seen = {bucket: (rows, n) for bucket, rows, n in signature}
            await self._sum(session, series, where, {b: seen[b] for b in stale})
        self._forget(window_end - self.keep)
        found = (self._sums.get((series, bucket)) for bucket, _, _ in signature)
        return [s for s in found if s is not None]

    async def _sum(
        self,
        session: AsyncSession,
        series: Series,
        where: list[Any],
        buckets: dict[datetime, tuple[int, int]],
    ) -> None:
        """Sum `buckets` (each with its signature: rows, predictions) from their non-empty rows
        (compaction empties all rows of a bucket but one, and leaves its signature as it was)."""
        rows = (
            await session.execute(
                select(
                    WindowCount.bucket, WindowCount.variant, WindowCount.n, WindowCount.counts
                ).where(*where, WindowCount.bucket.in_(list(buckets)), WindowCount.n > 0)
            )
        ).all()
        by_bucket: dict[datetime, list[Any]] = defaultdict(list)
        for row in rows:
            by_bucket[row.bucket].append(row)
        for bucket, group in by_bucket.items():
            variants: Counter[str] = Counter()
            for row in group:
                variants[row.variant] += int(row.n)
            document = merge(row.counts for row in group)
            assert document is not None  # a bucket with rows
            count, total = buckets[bucket]
            self._sums[series, bucket] = BucketSum(count, total, document, dict(variants))

    def _forget(self, before: datetime) -> None:
        for key in [k for k in self._sums if k[1] < before]:
            del self._sums[key]
