"""Wasserstein-1 (earth mover's) distance, normalised by the reference standard deviation."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def wasserstein(reference: np.ndarray, current: np.ndarray) -> float:
    """W1 between two samples: the area between their ECDFs (as scipy.stats.wasserstein_distance)."""
    ref = np.sort(np.asarray(reference, dtype=np.float64))
    cur = np.sort(np.asarray(current, dtype=np.float64))
    if len(ref) == 0 or len(cur) == 0:
        return 0.0
    grid = np.sort(np.concatenate([ref, cur]))
    widths = np.diff(grid)
    cdf_ref = np.searchsorted(ref, grid[:-1], side="right") / len(ref)
    cdf_cur = np.searchsorted(cur, grid[:-1], side="right") / len(cur)
    return float(np.sum(np.abs(cdf_ref - cdf_cur) * widths))


def wasserstein_from_counts(
    edges: Sequence[float], reference_counts: Sequence[float], current_counts: Sequence[float]
) -> float:
    """W1 on binned data: ECDF gaps at the inner edges times the spacing between edges."""
    e = np.asarray(edges, dtype=np.float64)
    ref = np.asarray(reference_counts, dtype=np.float64)
    cur = np.asarray(current_counts, dtype=np.float64)
    if len(e) < 2 or ref.sum() == 0 or cur.sum() == 0:
        return 0.0
    gap = np.abs(np.cumsum(ref) / ref.sum() - np.cumsum(cur) / cur.sum())[: len(e)]
    return float(np.sum(gap[:-1] * np.diff(e)))


def normalised(distance: float, reference_std: float | None) -> float:
    return distance / reference_std if reference_std and reference_std > 0 else 0.0
