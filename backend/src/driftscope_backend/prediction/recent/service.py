"""The newest logged predictions of a model, with their late labels, as the dashboard lists them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope.db import Label, Prediction
from driftscope.spec import ModelSpec
from driftscope.variants import SHADOW


def text_feature(spec: ModelSpec) -> str | None:
    return next((f.name for f in spec.features if f.kind == "text"), None)


def _class(spec: ModelSpec, value: bool | int | None) -> str | None:
    """A logged decision or a label (1: the positive class) as the model's class name."""
    return None if value is None else spec.classes[0] if value else spec.classes[1]


async def recent_predictions(
    session: AsyncSession, spec: ModelSpec, limit: int
) -> list[dict[str, Any]]:
    """Newest first, as clients were answered (a shadow's rows, never answered, are left out);
    (ts) is indexed, so this reads about `limit` rows whatever the log's size."""
    query = (
        select(Prediction, Label.label)
        .outerjoin(Label, Label.prediction_id == Prediction.id)
        .where(Prediction.model_name == spec.name, Prediction.variant != SHADOW)
        .order_by(Prediction.ts.desc(), Prediction.id.desc())
        .limit(limit)
    )
    feature = text_feature(spec)
    return [
        {
            "prediction_id": row.id,
            "ts": row.ts,
            "model_version": row.model_version,
            "variant": row.variant,
            "source": row.source,
            "path": row.path,
            "probability": row.score,
            "decision": _class(spec, row.decision),
            "label": _class(spec, label),
            "text": None if feature is None else row.features.get(feature),
        }
        for row, label in (await session.execute(query)).all()
    ]
