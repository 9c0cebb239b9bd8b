"""The `log_sample` job: remove raw rows outside the sample once no label can still make them kept.

With DRIFTSCOPE_LOG_SAMPLE_RATE below 1 the backends mark each prediction `kept` (its id's
hash fell in the sample, or it was flagged) or not (driftscope.sampling). Once an unkept row
is older than DRIFTSCOPE_LOG_SAMPLE_HOLD_S it goes, unless it has a label (a shadow row: its
online twin's), in which case it is marked kept instead and never looked at again. Window
counts are not touched: drift, the predicted rate and the label-free estimate stay exact.
Rows are taken oldest first through a partial index of unkept rows, a batch at a time, each
batch after the last (deleted rows' index entries are not walked again); a row's label is
looked up by the database (EXISTS), a shadow row's here (its twin's id is computed).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Uuid, any_, bindparam, delete, exists, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope.db import Label, Prediction
from driftscope.variants import SHADOW, origin_id
from driftscope_worker.context import WorkerContext

log = logging.getLogger(__name__)
BATCH = 5_000  # rows per transaction: one IN list each, under every driver's parameter limit
Done = dict[str, int]


async def prune_unkept(ctx: WorkerContext, batch: int = BATCH) -> Done:
    """`removed`: unkept rows deleted; `labelled`: unkept rows found labelled and marked kept.
    Nothing happens while the rate is 1 (every row is kept)."""
    done = {"removed": 0, "labelled": 0}
    if ctx.settings.log_sample_rate >= 1:
        return done
    cutoff = ctx.clock() - timedelta(seconds=ctx.settings.log_sample_hold_s)
    since: datetime | None = None
    while True:
        async with ctx.sessionmaker() as session, session.begin():
            rows = await _oldest_unkept(session, cutoff, since, batch)
            for marked, deleted in await _settle_batch(session, cutoff, rows):
                done["labelled"] += marked
                done["removed"] += deleted
        if len(rows) < batch:
            break
        since = rows[-1].ts
    if done["removed"] or done["labelled"]:
        log.info(
            "log_sample removed %d unkept raw rows older than %s (kept %d that got labels)",
            done["removed"],
            cutoff.isoformat(),
            done["labelled"],
        )
    return done


async def _oldest_unkept(
    session: AsyncSession, cutoff: datetime, since: datetime | None, batch: int
) -> Sequence[Any]:
    """(id, variant, ts) of the oldest `batch` unkept rows before `cutoff`, from `since` on."""
    where = [~Prediction.kept, Prediction.ts < cutoff]
    if since is not None:
        where.append(Prediction.ts >= since)
    query = select(Prediction.id, Prediction.variant, Prediction.ts).where(*where)
    conn = await session.connection()  # Core rows: no ORM loading for 5,000 of them
    return (await conn.execute(query.order_by(Prediction.ts).limit(batch))).all()


OneOf = Callable[[list[uuid.UUID]], ColumnElement[bool]]


def _one_of(postgres: bool) -> OneOf:
    """`predictions.id` among the given ids: on PostgreSQL one array parameter (`= ANY`), which
    costs the driver one value instead of 5,000 and plans as an index look-up per id."""
    if not postgres:
        return lambda ids: Prediction.id.in_(ids)
    return lambda ids: Prediction.id == any_(bindparam("ids", ids, type_=ARRAY(Uuid())))


async def _settle_batch(
    session: AsyncSession, cutoff: datetime, rows: Sequence[Any]
) -> list[tuple[int, int]]:
    """(marked, deleted) of the batch's online rows, whose labels the database looks up, and
    of its shadow rows, whose twins' labels are looked up here."""
    one_of = _one_of(session.get_bind().dialect.name == "postgresql")
    online = [r.id for r in rows if r.variant != SHADOW]
    has_label = exists().where(Label.prediction_id == Prediction.id)
    shadows = [r.id for r in rows if r.variant == SHADOW]
    twin_labelled = Prediction.id.in_(await _twin_labelled(session, shadows))
    return [
        await _settle(session, one_of, cutoff, online, has_label),
        await _settle(session, one_of, cutoff, shadows, twin_labelled),
    ]


async def _settle(
    session: AsyncSession,
    one_of: OneOf,
    cutoff: datetime,
    ids: list[uuid.UUID],
    labelled: ColumnElement[bool],
) -> tuple[int, int]:
    """Mark the `labelled` rows of `ids` kept and delete the others; (marked, deleted).
    `ts < cutoff` lets PostgreSQL leave newer partitions out."""
    if not ids:
        return 0, 0
    where = (one_of(ids), Prediction.ts < cutoff)
    keep = update(Prediction).where(*where, labelled).values(kept=True)
    marked = await _rowcount(session, keep)
    deleted = await _rowcount(session, delete(Prediction).where(*where, ~labelled))
    return marked, deleted


async def _rowcount(session: AsyncSession, statement: Any) -> int:
    result = await session.execute(statement.execution_options(synchronize_session=False))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def _twin_labelled(session: AsyncSession, shadow_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """The shadow ids whose online twin has a label."""
    twins = {origin_id(i): i for i in shadow_ids}
    if not twins:
        return set()
    found = await session.scalars(select(Label.prediction_id).where(Label.prediction_id.in_(twins)))
    return {twins[twin] for twin in found}
