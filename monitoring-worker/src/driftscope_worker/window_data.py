"""Reading one window of logged predictions (with any labels that arrived) for one model version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope.db import Label, ModelVersion, Prediction, ReferenceProfile
from driftscope_worker.windows import Window


@dataclass(frozen=True)
class WindowData:
    features: pd.DataFrame
    scores: np.ndarray
    labels: np.ndarray  # NaN where no label arrived yet

    @property
    def n(self) -> int:
        return len(self.scores)


async def versions_in_window(session: AsyncSession, model_name: str, window: Window) -> list[int]:
    rows = await session.scalars(
        select(Prediction.model_version)
        .distinct()
        .where(
            Prediction.model_name == model_name,
            Prediction.ts >= window.start,
            Prediction.ts < window.end,
        )
    )
    return sorted(rows)


async def load_window(
    session: AsyncSession, model_name: str, version: int, window: Window, names: list[str]
) -> WindowData:
    result = await session.execute(
        select(Prediction.features, Prediction.score, Label.label)
        .outerjoin(Label, Label.prediction_id == Prediction.id)
        .where(
            Prediction.model_name == model_name,
            Prediction.model_version == version,
            Prediction.ts >= window.start,
            Prediction.ts < window.end,
        )
    )
    rows = result.all()
    features = pd.DataFrame([r.features for r in rows], columns=names)
    scores = np.fromiter((r.score for r in rows), dtype=np.float64, count=len(rows))
    labels = np.fromiter(
        (np.nan if r.label is None else r.label for r in rows), dtype=np.float64, count=len(rows)
    )
    return WindowData(features, scores, labels)


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
