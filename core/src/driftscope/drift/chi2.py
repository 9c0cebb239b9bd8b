"""Chi-square test of homogeneity between reference and current category counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Chi2Result:
    statistic: float
    p_value: float
    dof: int


def chi2_test(reference_counts: Sequence[float], current_counts: Sequence[float]) -> Chi2Result:
    """Pearson's χ² on the 2×k table (no continuity correction); empty categories dropped."""
    table = np.vstack([reference_counts, current_counts]).astype(np.float64)
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2 or (table.sum(axis=1) == 0).any():
        return Chi2Result(0.0, 1.0, 0)
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    statistic = float(np.sum((table - expected) ** 2 / expected))
    dof = table.shape[1] - 1
    return Chi2Result(statistic, float(stats.chi2.sf(statistic, dof)), dof)
