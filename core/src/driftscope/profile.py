"""Reference profiles: bins fixed on the reference data, and counting any data into them.

Numeric feature: inner bin edges at the reference deciles (duplicates dropped, open tails, so
bin i holds edges[i-1] <= x < edges[i]) plus a missing bin. Categorical feature: the contract's
categories plus an `unseen` bucket and a missing bin. The same counting code serves a
30-second window and a stored histogram.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from driftscope.contract import Feature, FeatureContract

QUANTILES = np.linspace(0.1, 0.9, 9)
SAMPLE_SIZE = 2_000


def numeric_edges(values: np.ndarray, quantiles: np.ndarray = QUANTILES) -> list[float]:
    finite = values[np.isfinite(values)]
    if len(finite) == 0:
        return []
    return [float(e) for e in np.unique(np.quantile(finite, quantiles))]


def count_numeric(values: np.ndarray, edges: Sequence[float]) -> tuple[list[int], int]:
    """Counts per bin (len(edges)+1 bins, open tails) and the count of missing values."""
    x = np.asarray(values, dtype=np.float64)
    missing = ~np.isfinite(x)
    idx = np.searchsorted(np.asarray(edges, dtype=np.float64), x[~missing], side="right")
    counts = np.bincount(idx, minlength=len(edges) + 1)
    return counts.tolist(), int(missing.sum())


def count_categorical(
    values: Sequence[Any], categories: Sequence[str]
) -> tuple[list[int], int, int]:
    """Counts per known category, the count of unseen categories, and of missing values."""
    arr = np.asarray(values, dtype=object)
    missing = np.array([v is None or (isinstance(v, float) and v != v) for v in arr], dtype=bool)
    present = arr[~missing].astype(str)
    known, counts = np.unique(present, return_counts=True)
    by_name = dict(zip(known.tolist(), counts.tolist(), strict=True))
    known_counts = [int(by_name.get(c, 0)) for c in categories]
    return known_counts, int(len(present) - sum(known_counts)), int(missing.sum())


def _boolean_as_category(values: np.ndarray) -> list[Any]:
    return [
        None if v is None or (isinstance(v, float) and v != v) else str(bool(v)).lower()
        for v in np.asarray(values, dtype=object)
    ]


def feature_profile(
    feature: Feature, values: np.ndarray, rng: np.random.Generator
) -> dict[str, Any]:
    if feature.is_categorical:
        categories = (
            list(feature.categories) if feature.kind == "categorical" else ["false", "true"]
        )
        data = _boolean_as_category(values) if feature.kind == "boolean" else values
        counts, unseen, missing = count_categorical(data, categories)
        return {
            "type": "categorical",
            "categories": categories,
            "counts": counts,
            "unseen": unseen,
            "missing": missing,
        }
    x = np.asarray(values, dtype=np.float64)
    edges = numeric_edges(x)
    counts, missing = count_numeric(x, edges)
    finite = x[np.isfinite(x)]
    sample = (
        rng.choice(finite, size=min(SAMPLE_SIZE, len(finite)), replace=False)
        if len(finite)
        else finite
    )
    return {
        "type": "numeric",
        "edges": edges,
        "counts": counts,
        "missing": missing,
        "mean": float(finite.mean()) if len(finite) else None,
        "std": float(finite.std()) if len(finite) else None,
        "sample": np.sort(sample).tolist(),
    }


def build_profile(
    contract: FeatureContract, columns: Mapping[str, Any], scores: np.ndarray, seed: int = 0
) -> dict[str, Any]:
    """Reference profile of a training dataset and the model's held-out calibrated scores."""
    rng = np.random.default_rng(seed)
    score_feature = Feature("score", "numeric", "calibrated fraud probability")
    return {
        "model_name": contract.model_name,
        "n": len(np.asarray(columns[contract.names[0]])),
        "features": {
            f.name: feature_profile(f, np.asarray(columns[f.name]), rng) for f in contract.features
        },
        "score": feature_profile(score_feature, np.asarray(scores), rng),
    }
