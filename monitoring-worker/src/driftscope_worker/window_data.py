"""Reading one window of logged predictions (with any labels that arrived) for one model version."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import case, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from driftscope.db import (
    BATCH_SOURCE,
    Label,
    ModelVersion,
    Prediction,
    ReferenceProfile,
    WindowCount,
)
from driftscope.variants import SHADOW, shadow_labels
from driftscope.window_counts import bucket_of, merge
from driftscope_worker.bucket_sums import BucketSums
from driftscope_worker.windows import Window


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
    session: AsyncSession,
    model_name: str,
    window: Window,
    *,
    include_batch: bool = False,
    counted: bool = False,
) -> list[int]:
    """Versions with predictions in `window`; `counted`: read from the window counts (a few
    rows a bucket) when there are any, from the predictions otherwise."""
    if counted:
        found = await session.scalars(
            select(WindowCount.model_version)
            .distinct()
            .where(
                WindowCount.model_name == model_name,
                WindowCount.bucket >= bucket_of(window.start),
                WindowCount.bucket < bucket_of(window.end),
                *([] if include_batch else [WindowCount.source != BATCH_SOURCE]),
            )
        )
        if versions := sorted(found):
            return versions
    rows = await session.scalars(
        select(Prediction.model_version)
        .distinct()
        .where(*_in_window(model_name, window, include_batch))
    )
    return sorted(rows)


@dataclass(frozen=True)
class WindowCounts:
    """A window's counts (`driftscope.window_counts`, summed over its buckets) and its rows per
    variant."""

    document: dict[str, Any]
    variants: dict[str, int]

    @property
    def n(self) -> int:
        return int(self.document["n"])


async def load_counts(
    session: AsyncSession,
    model_name: str,
    version: int,
    window: Window,
    *,
    include_batch: bool,
    sums: BucketSums | None = None,
) -> WindowCounts | None:
    """The counts of the buckets in `window` (its edges floored to bucket boundaries), None
    when no backend counted any (counting off, or no reference profile). With `sums`, the
    buckets summed by an earlier run and unchanged since are not read again."""
    where = [
        WindowCount.model_name == model_name,
        WindowCount.model_version == version,
        WindowCount.bucket >= bucket_of(window.start),
        WindowCount.bucket < bucket_of(window.end),
    ]
    if not include_batch:
        where.append(WindowCount.source != BATCH_SOURCE)
    if sums is not None:
        buckets = await sums.read(session, (model_name, version, include_batch), where, window.end)
        parts = [(b.document, b.variants) for b in buckets]
    else:
        rows = (
            await session.execute(
                select(WindowCount.variant, WindowCount.n, WindowCount.counts).where(
                    *where,
                    WindowCount.n > 0,  # not a row emptied by compaction
                )
            )
        ).all()
        parts = [(r.counts, {r.variant: int(r.n)}) for r in rows]
    document = merge(doc for doc, _ in parts)
    if document is None:
        return None
    variants: Counter[str] = Counter()
    for _, counted in parts:
        variants.update(counted)
    return WindowCounts(document, dict(variants))


async def load_window(
    session: AsyncSession,
    model_name: str,
    version: int,
    window: Window,
    names: list[str],
    *,
    include_batch: bool = False,
    labelled_at_most: int | None = None,
) -> WindowData:
    """The window's rows; with `labelled_at_most`, only labelled rows (and shadow rows, whose
    labels are their online twins'), at most that many: what performance needs when drift
    comes from counts."""
    # Only a shadow row's id is used (its label is its twin's): the others' are not decoded.
    shadow_id = case((Prediction.variant == SHADOW, Prediction.id)).label("id")
    query = (
        select(shadow_id, Prediction.variant, Prediction.features, Prediction.score, Label.label)
        .outerjoin(Label, Label.prediction_id == Prediction.id)
        .where(*_in_window(model_name, window, include_batch), Prediction.model_version == version)
    )
    if labelled_at_most is not None:
        labelled = or_(Label.label.is_not(None), Prediction.variant == SHADOW)
        query = query.where(labelled).limit(labelled_at_most)
    # Through the connection: plain rows, without the ORM's per-row bookkeeping.
    rows = (await (await session.connection()).execute(query)).all()
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
