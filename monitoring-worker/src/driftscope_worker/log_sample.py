"""The `log_sample` job: remove raw rows outside the sample once no label can still make them kept.

With DRIFTSCOPE_LOG_SAMPLE_RATE below 1 the backends mark each prediction `kept` (its id's
hash fell in the sample, or it was flagged) or not (driftscope.sampling). Once an unkept row
is older than DRIFTSCOPE_LOG_SAMPLE_HOLD_S it goes, unless it has a label (a shadow row: its
online twin's), in which case it is marked kept instead and never looked at again. Window
counts are not touched: drift, the predicted rate and the label-free estimate stay exact.
Rows are taken oldest first through a partial index of unkept rows, a batch at a time.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope.db import Label, Prediction
from driftscope.variants import SHADOW, origin_id
from driftscope_worker.context import WorkerContext

log = logging.getLogger(__name__)
BATCH = 5_000  # rows per transaction: one IN list each, under every driver's parameter limit


async def prune_unkept(ctx: WorkerContext, batch: int = BATCH) -> dict[str, int]:
    """`removed`: unkept rows deleted; `labelled`: unkept rows found labelled and marked kept.
    Nothing happens while the rate is 1 (every row is kept)."""
    done = {"removed": 0, "labelled": 0}
    if ctx.settings.log_sample_rate >= 1:
        return done
    cutoff = ctx.clock() - timedelta(seconds=ctx.settings.log_sample_hold_s)
    while True:
        async with ctx.sessionmaker() as session, session.begin():
            rows = (
                await session.execute(
                    select(Prediction.id, Prediction.variant)
                    .where(~Prediction.kept, Prediction.ts < cutoff)
                    .order_by(Prediction.ts)
                    .limit(batch)
                )
            ).all()
            labelled = await _labelled(session, rows)
            await _settle(session, cutoff, [r.id for r in rows if r.id in labelled], keep=True)
            await _settle(session, cutoff, [r.id for r in rows if r.id not in labelled], keep=False)
        done["labelled"] += len(labelled)
        done["removed"] += len(rows) - len(labelled)
        if len(rows) < batch:
            break
    if done["removed"] or done["labelled"]:
        log.info(
            "log_sample removed %d unkept raw rows older than %s (kept %d that got labels)",
            done["removed"],
            cutoff.isoformat(),
            done["labelled"],
        )
    return done


async def _labelled(session: AsyncSession, rows: Sequence[Any]) -> set[uuid.UUID]:
    """Ids of `rows` that have a label: their own, or a shadow row's online twin's."""
    label_key = {r.id: origin_id(r.id) if r.variant == SHADOW else r.id for r in rows}
    if not label_key:
        return set()
    found = set(
        await session.scalars(
            select(Label.prediction_id).where(Label.prediction_id.in_(set(label_key.values())))
        )
    )
    return {pid for pid, key in label_key.items() if key in found}


async def _settle(
    session: AsyncSession, cutoff: datetime, ids: list[uuid.UUID], *, keep: bool
) -> None:
    """Mark `ids` kept, or delete them (`ts < cutoff` lets PostgreSQL skip newer partitions)."""
    if not ids:
        return
    where = (Prediction.id.in_(ids), Prediction.ts < cutoff)
    statement = update(Prediction).values(kept=True) if keep else delete(Prediction)
    await session.execute(statement.where(*where).execution_options(synchronize_session=False))
