"""Window counts of logged predictions (driftscope.window_counts), made as the writer flushes.

The rows a flush writes are grouped by (model, version, variant, source, 10 s bucket) and each
group is counted into its version's reference profile bins: one `window_counts` row per group,
written in the same transaction as the predictions, so counts exist exactly when their rows do.
A version without a reference profile (an external model registered without data) gets no
counts; the worker then reads its raw rows. Counting runs off the event loop (numpy, one pass
per feature), never inside a request.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from driftscope.db import ReferenceProfile
from driftscope.window_counts import BUCKET_S, count_window

log = logging.getLogger(__name__)
Row = dict[str, Any]
VersionKey = tuple[str, int]
RECHECK_MISSING_S = 30.0  # a version without a profile may get one (an external model's)


def profile_columns(profile: Mapping[str, Any]) -> list[str]:
    """The logged feature names a profile counts: its features and its text features."""
    return [*profile["features"], *(profile.get("vocabulary") or {})]


def feature_columns(
    features: Sequence[Mapping[str, Any]], names: Sequence[str]
) -> dict[str, Sequence[Any]]:
    """Rows' feature dicts as columns of `names` (a name a row lacks: None), transposed in C
    when every row has every name (what /predict logs), row by row otherwise."""
    if not names or not features:
        return {c: [] for c in names}
    pick = itemgetter(*names)
    try:
        picked = [pick(f) for f in features]
    except KeyError:
        return {c: [f.get(c) for f in features] for c in names}
    if len(names) == 1:
        return {names[0]: picked}
    return dict(zip(names, zip(*picked, strict=True), strict=True))


def counts_row(
    key: tuple[str, int, str, str, Any],
    profile: Mapping[str, Any],
    features: Sequence[Mapping[str, Any]],
    scores: Sequence[float | None],
    thresholds: Sequence[float],
    batch_id: uuid.UUID,
) -> Row:
    """The `window_counts` row of one group of logged rows (their feature dicts, scores and
    thresholds); its id is fixed by the batch and the key, so a retried write adds nothing."""
    name, version, variant, source, bucket = key
    columns = feature_columns(features, profile_columns(profile))
    document = count_window(profile, columns, scores, thresholds)
    return {
        "id": uuid.uuid5(batch_id, f"{name}|{version}|{variant}|{source}|{bucket.isoformat()}"),
        "model_name": name,
        "model_version": version,
        "variant": variant,
        "source": source,
        "bucket": bucket,
        "n": document["n"],
        "counts": document,
    }


def counts_rows(
    rows: Iterable[Row],
    profiles: Mapping[VersionKey, Mapping[str, Any] | None],
    batch_id: uuid.UUID,
) -> list[Row]:
    """`window_counts` rows of logged prediction rows, one per group that has a profile."""
    groups: dict[tuple[str, int, str, str, int], list[Row]] = defaultdict(list)
    for row in rows:  # the bucket as whole seconds here; a datetime once per group
        second = int(row["ts"].timestamp())
        key = (
            row["model_name"],
            row["model_version"],
            row["variant"],
            row.get("source") or "online",
            second - second % BUCKET_S,
        )
        groups[key].append(row)
    made = []
    for (name, version, variant, source, start), group in groups.items():
        profile = profiles.get((name, version))
        if profile is None:
            continue
        made.append(
            counts_row(
                (name, version, variant, source, datetime.fromtimestamp(start, UTC)),
                profile,
                [r["features"] for r in group],
                [r["score"] for r in group],
                [r["threshold"] for r in group],
                batch_id,
            )
        )
    return made


def prepared(profile: Mapping[str, Any]) -> dict[str, Any]:
    """`profile` with its numeric bin edges as float arrays, converted once rather than at
    every count (a 1,000-quantile grid from JSON is a list of 1,000 floats)."""

    def entry(e: Mapping[str, Any]) -> Mapping[str, Any]:
        if e.get("type") != "numeric":
            return e
        return {**e, "fine_edges": np.asarray(e["fine_edges"], dtype=np.float64)}

    return {
        **profile,
        "features": {name: entry(e) for name, e in profile["features"].items()},
        "score": entry(profile["score"]) if profile.get("score") else profile.get("score"),
    }


class Profiles:
    """Reference profiles by (model, version), read once (a version's profile never changes);
    a version found without one is asked again after RECHECK_MISSING_S."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._known: dict[VersionKey, Mapping[str, Any]] = {}
        self._missing: dict[VersionKey, float] = {}

    async def get_many(self, keys: Iterable[VersionKey]) -> dict[VersionKey, Mapping[str, Any]]:
        now = time.monotonic()
        wanted = {
            k
            for k in keys
            if k not in self._known
            and now - self._missing.get(k, -RECHECK_MISSING_S) >= RECHECK_MISSING_S
        }
        for key in wanted:
            async with self.engine.connect() as conn:
                profile = await conn.scalar(
                    select(ReferenceProfile.profile).where(
                        ReferenceProfile.model_name == key[0],
                        ReferenceProfile.model_version == key[1],
                    )
                )
            if profile is None:
                self._missing[key] = now
            else:
                self._known[key] = prepared(profile)
                self._missing.pop(key, None)
        return {k: self._known[k] for k in keys if k in self._known}

    def add(self, key: VersionKey, profile: Mapping[str, Any]) -> None:
        """A profile known without asking the database (tests, a model just registered)."""
        self._known[key] = prepared(profile)
        self._missing.pop(key, None)
