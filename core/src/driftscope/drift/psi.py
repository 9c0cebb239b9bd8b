"""Population Stability Index on reference-fixed bins, with a sample-size-aware null model.

Smoothing: 0.5 is added to every bin count of both distributions before normalising (a
Jeffreys prior), so an empty bin contributes a finite term instead of infinity.
Under no drift, PSI ≈ (1/n_ref + 1/n_cur) · χ²(bins−1): its expected value — the small-
sample bias (bins−1)(1/n_ref + 1/n_cur) — is added to the warn/alert thresholds, and the
same approximation yields a p-value, so a decision needs both a large-enough effect and
evidence beyond sampling noise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

SMOOTHING = 0.5


@dataclass(frozen=True)
class PSIResult:
    statistic: float
    p_value: float
    bias: float  # expected PSI under no drift at these sample sizes
    bins: int


def psi_terms(
    reference_counts: Sequence[float] | np.ndarray, current_counts: Sequence[float] | np.ndarray
) -> np.ndarray:
    """Each bin's term (q − p)·ln(q/p) of the PSI (never negative; they sum to the PSI)."""
    ref = np.asarray(reference_counts, dtype=np.float64) + SMOOTHING
    cur = np.asarray(current_counts, dtype=np.float64) + SMOOTHING
    p, q = ref / ref.sum(), cur / cur.sum()
    return (q - p) * np.log(q / p)


def psi(
    reference_counts: Sequence[float] | np.ndarray, current_counts: Sequence[float] | np.ndarray
) -> float:
    return float(np.sum(psi_terms(reference_counts, current_counts)))


def psi_test(reference_counts: Sequence[float], current_counts: Sequence[float]) -> PSIResult:
    """PSI with its no-drift bias and p-value (bins with no data on either side are dropped)."""
    ref = np.asarray(reference_counts, dtype=np.float64)
    cur = np.asarray(current_counts, dtype=np.float64)
    used = (ref + cur) > 0
    ref, cur = ref[used], cur[used]
    n_ref, n_cur, bins = ref.sum(), cur.sum(), int(used.sum())
    if n_ref == 0 or n_cur == 0 or bins < 2:
        return PSIResult(0.0, 1.0, 0.0, bins)
    scale = 1.0 / n_ref + 1.0 / n_cur
    statistic = psi(ref, cur)
    p_value = float(stats.chi2.sf(statistic / scale, bins - 1))
    return PSIResult(statistic, p_value, (bins - 1) * scale, bins)
