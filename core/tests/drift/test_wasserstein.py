"""Wasserstein-1 on samples (equal to scipy) and from counts on a fine quantile grid."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from driftscope.drift import wasserstein, wasserstein_from_counts
from driftscope.drift.binning import count_numeric, numeric_grids
from driftscope.drift.wasserstein import normalised


def test_by_hand() -> None:
    # Shifting every point by 2 moves all the mass by 2.
    assert wasserstein(np.array([0.0, 1.0, 3.0]), np.array([2.0, 3.0, 5.0])) == pytest.approx(2.0)
    # ECDF gap of ½ over [0, 1), then 0: area ½.
    assert wasserstein(np.array([0.0, 1.0]), np.array([1.0, 1.0])) == pytest.approx(0.5)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_equals_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    ref, cur = rng.normal(size=300), rng.exponential(1.5, size=120)
    assert wasserstein(ref, cur) == pytest.approx(stats.wasserstein_distance(ref, cur), rel=1e-9)


def test_ties_equal_scipy() -> None:
    rng = np.random.default_rng(3)
    ref, cur = rng.integers(0, 6, 200).astype(float), rng.integers(1, 8, 90).astype(float)
    assert wasserstein(ref, cur) == pytest.approx(stats.wasserstein_distance(ref, cur), rel=1e-9)


def test_empty_sample_is_zero() -> None:
    assert wasserstein(np.array([]), np.array([1.0])) == 0.0


@pytest.mark.parametrize("shift", [0.0, 0.3])
def test_from_counts_on_the_fine_grid_is_close_to_scipy(shift: float) -> None:
    rng = np.random.default_rng(4)
    ref, cur = rng.normal(size=50_000), rng.normal(shift, size=5_000)
    _, fine = numeric_grids(ref)
    binned = wasserstein_from_counts(fine, count_numeric(ref, fine)[0], count_numeric(cur, fine)[0])
    assert binned == pytest.approx(stats.wasserstein_distance(ref, cur), abs=0.01)


def test_from_counts_by_hand() -> None:
    # Edges (0, 1, 2), bins (-inf,0) [0,1) [1,2) [2,inf): one unit of mass sits in [0,1) in the
    # reference and in [1,2) currently. Cumulative shares at edge 1: ½ vs 0, over a width of 1.
    assert wasserstein_from_counts([0.0, 1.0, 2.0], [0, 1, 1, 0], [0, 0, 2, 0]) == pytest.approx(
        0.5
    )


@pytest.mark.parametrize(
    ("edges", "ref", "cur"), [([1.0], [1, 1], [1, 1]), ([0.0, 1.0], [0, 0, 0], [1, 1, 1])]
)
def test_from_counts_degenerate_is_zero(edges: list[float], ref: list[int], cur: list[int]) -> None:
    assert wasserstein_from_counts(edges, ref, cur) == 0.0


def test_normalised_by_reference_std() -> None:
    assert normalised(2.0, 4.0) == 0.5
    assert normalised(2.0, 0.0) == 0.0
    assert normalised(2.0, None) == 0.0
