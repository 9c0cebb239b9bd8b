"""The `compact_counts` job: a closed bucket's counts rows rolled into one.

Backends write one `window_counts` row per flush (every 200 ms per replica: ≈ 50 rows per
10 s bucket, each a JSON document of ≈ 9,000 ints), in the same transaction as the rows they
count. Once a bucket is closed (COMPACT_AFTER_S past its end), this job sums its rows of each
(model, version, variant, source) into the first of them and empties the others, in one
transaction: a window then reads one document per bucket, and storage holds one.

An emptied row stays, as a tombstone (`n` 0, no counts): its id is still taken, so a backend
that retries a batch whose first write committed after all (its ids derived from the batch)
still adds nothing. Readers skip rows with `n` 0; a bucket's row count and sum of `n` are
unchanged by compaction, so the worker's bucket sums stay valid.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, tuple_, update

from driftscope.db import WindowCount
from driftscope.window_counts import BUCKET_S, bucket_of, merge
from driftscope_worker.context import WorkerContext

log = logging.getLogger(__name__)

COMPACT_AFTER_S = 30.0  # past a bucket's end: its flushes are written (late ones are still fine)
GROUPS_PER_TRANSACTION = 50
MAX_GROUPS_PER_RUN = 2_000  # bounded: a backlog is worked off over several runs
TOMBSTONE: dict[str, Any] = {"n": 0}

GroupKey = tuple[str, int, str, str, Any]


@dataclass(frozen=True)
class Compacted:
    groups: int  # (model, version, variant, source, bucket) groups rolled into one row each
    rows: int  # rows emptied


def _key_columns() -> list[Any]:
    return [
        WindowCount.model_name,
        WindowCount.model_version,
        WindowCount.variant,
        WindowCount.source,
        WindowCount.bucket,
    ]


async def compact_counts(ctx: WorkerContext) -> Compacted:
    """Roll up every closed bucket that has more than one non-empty counts row."""
    closed_before = bucket_of(ctx.clock() - timedelta(seconds=COMPACT_AFTER_S + BUCKET_S))
    async with ctx.sessionmaker() as session:
        groups = (
            await session.execute(
                select(*_key_columns())
                .where(WindowCount.n > 0, WindowCount.bucket < closed_before)
                .group_by(*_key_columns())
                .having(func.count() > 1)
                .order_by(WindowCount.bucket)
                .limit(MAX_GROUPS_PER_RUN)
            )
        ).all()
    keys: list[GroupKey] = [tuple(g) for g in groups]
    emptied = 0
    for start in range(0, len(keys), GROUPS_PER_TRANSACTION):
        emptied += await _compact(ctx, keys[start : start + GROUPS_PER_TRANSACTION])
    if keys:
        log.info("compacted %d counts groups (%d rows emptied)", len(keys), emptied)
    return Compacted(len(keys), emptied)


async def _compact(ctx: WorkerContext, keys: list[GroupKey]) -> int:
    """Compact the groups `keys` in one transaction; returns the rows emptied."""
    async with ctx.sessionmaker() as session, session.begin():
        query = select(WindowCount.id, *_key_columns(), WindowCount.counts).where(
            WindowCount.n > 0, tuple_(*_key_columns()).in_(keys)
        )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()  # a concurrent compaction waits, then finds less
        rows = (await session.execute(query.order_by(WindowCount.id))).all()
        by_group: dict[GroupKey, list[Any]] = defaultdict(list)
        for row in rows:
            by_group[tuple(row[1:6])].append(row)  # the key columns, after the id
        emptied = 0
        for group in by_group.values():
            if len(group) < 2:
                continue
            total = merge(row.counts for row in group)
            assert total is not None
            keeper, *rest = group
            await session.execute(
                update(WindowCount)
                .where(WindowCount.id == keeper.id)
                .values(n=int(total["n"]), counts=total)
            )
            await session.execute(
                update(WindowCount)
                .where(WindowCount.id.in_([row.id for row in rest]))
                .values(n=0, counts=TOMBSTONE)
            )
            emptied += len(rest)
    return emptied
