"""Reference profiles written at training time: bins fixed on the training data, for drift.

Numeric feature: decile edges (open tails) with counts and a missing count, a 1,000-quantile
grid with counts, mean/std and a 2,000-value sample (for exact KS on windows). Categorical
feature: the contract's categories (booleans as false/true) with counts, unseen and missing.
The score entry profiles the model's held-out calibrated probabilities (prediction drift).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from driftscope.contract import Feature, FeatureContract
from driftscope.drift.binning import count_categorical, count_numeric, numeric_grids
from driftscope.drift.reference import CategoricalReference, NumericReference

__all__ = [
    "build_profile",
    "count_categorical",
    "count_numeric",
    "feature_profile",
    "numeric_edges",
]


def numeric_edges(values: np.ndarray) -> list[float]:
    """Decile edges of the finite values, duplicates dropped."""
    return numeric_grids(values)[0]


def feature_profile(
    feature: Feature, values: np.ndarray, rng: np.random.Generator
) -> dict[str, Any]:
    if feature.kind == "boolean":
        return CategoricalReference.from_values(values, ["false", "true"]).to_profile()
    if feature.kind == "categorical":
        return CategoricalReference.from_values(values, list(feature.categories)).to_profile()
    return NumericReference.from_values(values).to_profile(rng)


def build_profile(
    contract: FeatureContract,
    columns: Mapping[str, Any],
    scores: np.ndarray | None,
    seed: int = 0,
) -> dict[str, Any]:
    """Reference profile of a training dataset and the model's held-out calibrated scores
    (`score` is None for an external model registered without a score column)."""
    rng = np.random.default_rng(seed)
    score_feature = Feature("score", "numeric", "calibrated fraud probability")
    return {
        "model_name": contract.model_name,
        "n": len(np.asarray(columns[contract.names[0]])),
        "features": {
            f.name: feature_profile(f, np.asarray(columns[f.name]), rng) for f in contract.features
        },
        "score": None
        if scores is None
        else feature_profile(score_feature, np.asarray(scores), rng),
    }
