"""Reading one window of logged predictions (with any labels that arrived) for one model version."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope.db import Label, ModelVersion, Prediction, ReferenceProfile
from driftscope.variants import SHADOW, shadow_labels
from driftscope_worker.windows import Window

BATCH_SOURCE = "batch"  # predictions.source of rows scored by POST /api/v1/predict/batch


@dataclass(frozen=True)
class WindowData:
    features: pd.DataFrame
    scores: np.ndarray  # NaN where the row has no score
    labels: np.ndarray  # NaN where no label arrived yet
    variants: dict[str, int] = field(default_factory=dict)  # rows per variant (A/B split)

    @property
    def n(self) -> int:
        return len(self.features)


def _in_window(model_name: str, window: Window, include_batch: bool) -> list[Any]:
    """Predictions of `model_name` logged in `window`; batch-scored rows (a CSV scored at once,
    not live traffic) only when `include_batch` (DRIFTSCOPE_DRIFT_INCLUDE_BATCH)."""
    where = [
        Prediction.model_name == model_name,
        Prediction.ts >= window.start,
        Prediction.ts < window.end,
    ]
    if not include_batch:
        where.append(Prediction.source != BATCH_SOURCE)
    return where


async def versions_in_window(
    session: AsyncSession, model_name: str, window: Window, *, include_batch: bool = False
) -> list[int]:
    rows = await session.scalars(
        select(Prediction.model_version)
        .distinct()
        .where(*_in_window(model_name, window, include_batch))
    )
    return sorted(rows)


async def load_window(
    session: AsyncSession,
    model_name: str,
    version: int,
    window: Window,
    names: list[str],
    *,
    include_batch: bool = False,
) -> WindowData:
    result = await session.execute(
        select(
            Prediction.id, Prediction.variant, Prediction.features, Prediction.score, Label.label
        )
        .outerjoin(Label, Label.prediction_id == Prediction.id)
        .where(*_in_window(model_name, window, include_batch), Prediction.model_version == version)
    )
    rows = result.all()
    features = pd.DataFrame([r.features for r in rows], columns=names)
    # A prediction logged for a model served elsewhere may come without a score: NaN.
    scores = np.fromiter(
        (np.nan if r.score is None else r.score for r in rows), dtype=np.float64, count=len(rows)
    )
    # A shadow row's label is the one its online twin received (driftscope.variants).
    unlabelled_shadows = [r.id for r in rows if r.label is None and r.variant == SHADOW]
    shadow = await shadow_labels(session, unlabelled_shadows) if unlabelled_shadows else {}
    labels = np.fromiter(
        (r.label if r.label is not None else shadow.get(r.id, np.nan) for r in rows),
        dtype=np.float64,
        count=len(rows),
    )
    return WindowData(features, scores, labels, dict(Counter(r.variant for r in rows)))


async def load_profile(
    session: AsyncSession,
    cache: dict[tuple[str, int], dict[str, Any]],
    model_name: str,
    version: int,
) -> dict[str, Any] | None:
    key = (model_name, version)
    if key not in cache:
        profile = await session.scalar(
            select(ReferenceProfile.profile).where(
                ReferenceProfile.model_name == model_name, ReferenceProfile.model_version == version
            )
        )
        if profile is None:
            return None
        cache[key] = profile
    return cache[key]


async def model_version(
    session: AsyncSession, model_name: str, version: int
) -> ModelVersion | None:
    return await session.scalar(
        select(ModelVersion).where(
            ModelVersion.model_name == model_name, ModelVersion.version == version
        )
    )
