"""Late labels: store per prediction id, idempotently, reporting unknown ids per item."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope.db import Label, Prediction, utcnow
from driftscope.db.upsert import insert_ignore
from driftscope_backend.prediction.schemas import FeedbackRequest, FeedbackResponse, LabelOutcome
from driftscope_backend.prediction.writer import PredictionWriter

CHUNK = 500  # ids per IN (...) query


async def _model_names(
    session: AsyncSession, writer: PredictionWriter, ids: list[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """Model name of each known prediction id, from the database or the write buffer."""
    known = {i: writer.pending_by_id[i]["model_name"] for i in ids if i in writer.pending_by_id}
    rest = [i for i in ids if i not in known]
    for start in range(0, len(rest), CHUNK):
        rows = await session.execute(
            select(Prediction.id, Prediction.model_name).where(
                Prediction.id.in_(rest[start : start + CHUNK])
            )
        )
        known.update({row.id: row.model_name for row in rows})
    return known


async def _existing_labels(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, Label]:
    found: dict[uuid.UUID, Label] = {}
    for start in range(0, len(ids), CHUNK):
        rows = await session.scalars(
            select(Label).where(Label.prediction_id.in_(ids[start : start + CHUNK]))
        )
        found.update({label.prediction_id: label for label in rows})
    return found


async def store_labels(
    session: AsyncSession, writer: PredictionWriter, body: FeedbackRequest
) -> FeedbackResponse:
    latest = {item.prediction_id: item.label for item in body.labels}  # last one wins in a batch
    ids = list(latest)
    model_names = await _model_names(session, writer, ids)
    existing = await _existing_labels(session, ids)
    status: dict[uuid.UUID, str] = {}
    new_rows = []
    for pid, label in latest.items():
        if pid not in model_names:
            status[pid] = "unknown_prediction"
        elif pid not in existing:
            new_rows.append(
                {
                    "prediction_id": pid,
                    "model_name": model_names[pid],
                    "label": label,
                    "ts": utcnow(),
                }
            )
            status[pid] = "stored"
        elif existing[pid].label != label:
            existing[pid].label, existing[pid].ts = (
                label,
                utcnow(),
            )  # a corrected label (e.g. chargeback reversed)
            status[pid] = "updated"
        else:
            status[pid] = "unchanged"
    if new_rows:
        await session.execute(insert_ignore(session.get_bind().dialect.name, Label, new_rows))
    await session.commit()
    results = [
        LabelOutcome(prediction_id=item.prediction_id, status=status[item.prediction_id])
        for item in body.labels
    ]
    counts = {
        s: sum(1 for v in status.values() if v == s)
        for s in ("stored", "updated", "unchanged", "unknown_prediction")
    }
    return FeedbackResponse(
        stored=counts["stored"],
        updated=counts["updated"],
        unchanged=counts["unchanged"],
        unknown=counts["unknown_prediction"],
        results=results,
    )
