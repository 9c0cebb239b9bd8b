"""Logged predictions of an external model → rows of the batched prediction writer."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from driftscope.ids import uuid7
from driftscope_backend.external.models import ExternalModel
from driftscope_backend.prediction.replay import ReplayLookup
from driftscope_backend.prediction.service import REQUEST_ID_MAX, TRANSACTION_NAMESPACE
from driftscope_backend.prediction.writer import PredictionWriter, Row

PATH = "external"  # predictions.path of a logged row: scored elsewhere, neither rules nor model
VARIANT = "production"


def _decision(model: ExternalModel, item: Any) -> bool | None:
    """The given class, else score ≥ threshold, else unknown (stored as null)."""
    if item.decision is not None:
        return bool(item.decision == model.positive)
    if item.score is not None:
        return bool(item.score >= model.threshold)
    return None


def _prediction_id(model: ExternalModel, item: Any) -> uuid.UUID:
    if item.prediction_id is not None:
        return item.prediction_id
    if item.transaction_id:  # the same id as /predict derives: a retry maps to it
        return uuid.uuid5(TRANSACTION_NAMESPACE, f"{model.name}:{item.transaction_id}")
    return uuid7()


def to_row(model: ExternalModel, item: Any, now: datetime, request_id: str | None) -> Row:
    features = dict(item.features.__dict__)
    del features["transaction_id"]  # refused inside features (schemas.features_model)
    return {
        "id": _prediction_id(model, item),
        "model_name": model.name,
        "model_version": model.version,
        "ts": item.ts or now,
        "transaction_id": item.transaction_id,
        "features": features,
        "score": item.score,
        "decision": _decision(model, item),
        "threshold": model.threshold,
        "path": PATH,
        "variant": VARIANT,
        "latency_us": 0,  # scored elsewhere: its latency is not ours to know
        "request_id": request_id[:REQUEST_ID_MAX] if request_id else None,
        "source": "online",
    }


async def log_predictions(
    model: ExternalModel,
    items: list[BaseModel],
    writer: PredictionWriter,
    replay: ReplayLookup,
    request_id: str | None,
) -> dict[str, Any]:
    """Buffer every new item (all or none) and answer each item's stored prediction id.

    A `transaction_id` already stored (or earlier in this list) answers the stored id and is
    not stored again; a repeated `prediction_id` is buffered again and dropped by the
    writer's ON CONFLICT DO NOTHING, so both are idempotent."""
    now = datetime.now(UTC)
    ids: list[str] = []
    rows: list[Row] = []
    fresh: dict[str, Row] = {}  # rows of this request by transaction_id
    seen: set[uuid.UUID] = set()  # and their ids: a repeated prediction_id is buffered once
    for item in items:
        tid = item.transaction_id  # type: ignore[attr-defined]
        stored = (fresh.get(tid) or await replay.find(model.name, tid)) if tid else None
        if stored is None:
            stored = to_row(model, item, now, request_id)
            if stored["id"] not in seen:
                rows.append(stored)
                seen.add(stored["id"])
            if tid:
                fresh[tid] = stored
        ids.append(str(stored["id"]))
    writer.submit_many(rows)  # raises OverloadedError (503) before buffering any
    return {"logged": len(items), "prediction_ids": ids}
