"""Serving variants (production, canary, shadow): shadow prediction ids and labelled live traffic.

A shadow row scores the same transaction as an online prediction, but late labels arrive for
the online prediction's id only. The shadow row's id is therefore that id XOR a fixed mask: a
label reaches the shadow row through `origin_id`, with no extra column and no second label.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope.db.models import Label, Prediction

PRODUCTION, CANARY, SHADOW = "production", "canary", "shadow"
_SHADOW_MASK = 0x5AD0_5AD0_0000_0000_0000_5AD0_5AD0_5AD0  # any fixed non-zero 128-bit value
_IN_CHUNK = 500  # ids per IN (...) list: well below every driver's bind-parameter limit


def shadow_id(prediction_id: uuid.UUID) -> uuid.UUID:
    """The id of the shadow row scoring the same transaction as `prediction_id`."""
    return uuid.UUID(int=prediction_id.int ^ _SHADOW_MASK)


origin_id = shadow_id  # XOR is its own inverse: the online prediction a shadow row mirrors


async def shadow_labels(session: AsyncSession, shadow_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Labels of shadow rows, by shadow id: those their online twins received."""
    found: dict[uuid.UUID, int] = {}
    origins = [origin_id(i) for i in shadow_ids]
    for start in range(0, len(origins), _IN_CHUNK):
        result = await session.execute(
            select(Label.prediction_id, Label.label).where(
                Label.prediction_id.in_(origins[start : start + _IN_CHUNK])
            )
        )
        found.update({shadow_id(pid): int(label) for pid, label in result.all()})
    return found


def _frame(rows: list[Any], labels: list[int], names: list[str] | None) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "score": [r.score for r in rows],
            "threshold": [r.threshold for r in rows],
            "variant": [r.variant for r in rows],
            "label": np.asarray(labels, dtype=np.int64),
        }
    )
    if names is not None:
        features = pd.DataFrame([r.features for r in rows], columns=names)
        frame = pd.concat([features, frame], axis=1)
    return frame


async def labelled_predictions(
    session: AsyncSession,
    model_name: str,
    version: int,
    since: datetime,
    *,
    variants: tuple[str, ...],
    limit: int,
    feature_names: list[str] | None = None,
) -> pd.DataFrame:
    """The newest ≤ `limit` labelled model-path predictions of `version` in `variants` since `since`.

    Columns: score, threshold, variant, label (and the features when `feature_names` is given).
    """
    columns: list[Any] = [Prediction.score, Prediction.threshold, Prediction.variant]
    if feature_names is not None:
        columns.append(Prediction.features)
    direct = [v for v in variants if v != SHADOW]
    rows: list[Any] = []
    labels: list[int] = []
    if direct:
        result = await session.execute(
            select(*columns, Label.label)
            .join(Label, Label.prediction_id == Prediction.id)
            .where(
                Prediction.model_name == model_name,
                Prediction.model_version == version,
                Prediction.variant.in_(direct),
                Prediction.path == "model",
                Prediction.ts >= since,
            )
            .order_by(Prediction.ts.desc())
            .limit(limit)
        )
        for row in result.all():
            rows.append(row)
            labels.append(int(row.label))
    if SHADOW in variants and len(rows) < limit:
        shadow_rows, shadow_labels = await _labelled_shadow_rows(
            session, model_name, version, since, columns, limit - len(rows)
        )
        rows += shadow_rows
        labels += shadow_labels
    return _frame(rows, labels, feature_names)


async def _labelled_shadow_rows(
    session: AsyncSession,
    model_name: str,
    version: int,
    since: datetime,
    columns: list[Any],
    limit: int,
) -> tuple[list[Any], list[int]]:
    """Shadow rows whose online twin got a label: labels first (fewer), then their shadow ids."""
    labelled = (
        await session.execute(
            select(Label.prediction_id, Label.label)
            .join(Prediction, Prediction.id == Label.prediction_id)
            .where(
                Label.model_name == model_name,
                Prediction.variant != SHADOW,
                Prediction.ts >= since,
            )
            .order_by(Prediction.ts.desc())
            .limit(limit * 4)  # not every online prediction had a shadow twin
        )
    ).all()
    label_by_shadow = {shadow_id(pid): int(label) for pid, label in labelled}
    ids = list(label_by_shadow)
    rows: list[Any] = []
    for start in range(0, len(ids), _IN_CHUNK):
        result = await session.execute(
            select(*columns, Prediction.id).where(
                Prediction.id.in_(ids[start : start + _IN_CHUNK]),
                Prediction.model_version == version,
                Prediction.variant == SHADOW,
            )
        )
        rows += result.all()
    rows = rows[:limit]
    return rows, [label_by_shadow[r.id] for r in rows]


def live_metrics(frame: pd.DataFrame) -> dict[str, Any]:
    """`{"n_labelled", "f1", "roc_auc"}` of labelled rows at the threshold they were decided with."""
    from driftscope.training.metrics import classification_report  # sklearn: only when needed

    n = len(frame)
    if n == 0:
        return {"n_labelled": 0, "f1": None, "roc_auc": None}
    y = frame["label"].to_numpy()
    scores = frame["score"].to_numpy(dtype=np.float64)
    report = classification_report(y, scores, float(frame["threshold"].iloc[0]))
    auc = report["roc_auc"]
    return {"n_labelled": n, "f1": report["f1"], "roc_auc": None if np.isnan(auc) else auc}
