"""Two-sample KS: equal to scipy.stats.ks_2samp (exact and asymptotic branches), and from counts."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from driftscope.drift import ks_from_counts, ks_test
from driftscope.drift.binning import count_numeric
from driftscope.drift.ks import EXACT_MAX_N, ks_statistic


def _assert_like_scipy(ref: np.ndarray, cur: np.ndarray) -> None:
    ours, theirs = ks_test(ref, cur), stats.ks_2samp(ref, cur)
    assert ours.statistic == pytest.approx(theirs.statistic, abs=1e-9)
    assert ours.p_value == pytest.approx(theirs.pvalue, abs=1e-9)


def test_small_samples_by_hand() -> None:
    # ECDFs of (1, 2, 3) and (2, 3, 4, 5) differ most at 3: 1 vs 2/4.
    result = ks_test(np.array([1.0, 2.0, 3.0]), np.array([2.0, 3.0, 4.0, 5.0]))
    assert result.statistic == pytest.approx(0.5)
    assert result.p_value == pytest.approx(stats.ks_2samp([1, 2, 3], [2, 3, 4, 5]).pvalue)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_small_continuous_samples_equal_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    _assert_like_scipy(rng.normal(size=40), rng.normal(0.3, 1.2, size=25))


def test_ties_equal_scipy() -> None:
    rng = np.random.default_rng(4)
    _assert_like_scipy(rng.integers(0, 5, 60).astype(float), rng.integers(0, 6, 35).astype(float))


@pytest.mark.parametrize("integers", [False, True], ids=["continuous", "ties"])
def test_above_exact_limit_uses_the_asymptotic_p_value_like_scipy(integers: bool) -> None:
    rng = np.random.default_rng(5)
    n_ref, n_cur = EXACT_MAX_N + 2_000, EXACT_MAX_N + 500
    if integers:
        ref, cur = rng.integers(0, 50, n_ref), rng.integers(0, 51, n_cur)
    else:
        ref, cur = rng.normal(size=n_ref), rng.normal(0.02, size=n_cur)
    _assert_like_scipy(ref.astype(float), cur.astype(float))


def test_only_one_side_above_the_exact_limit() -> None:
    rng = np.random.default_rng(6)
    _assert_like_scipy(rng.normal(size=EXACT_MAX_N + 1), rng.normal(0.1, size=300))


@pytest.mark.parametrize("seed", [7, 8])
def test_ks_statistic_equals_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    ref, cur = rng.integers(0, 9, 200).astype(float), rng.normal(4, 3, 150).round(1)
    assert ks_statistic(ref, cur) == pytest.approx(stats.ks_2samp(ref, cur).statistic, abs=1e-12)


@pytest.mark.parametrize(("ref", "cur"), [([], [1.0]), ([1.0], [])])
def test_empty_side_is_no_evidence(ref: list[float], cur: list[float]) -> None:
    result = ks_test(np.array(ref), np.array(cur))
    assert (result.statistic, result.p_value) == (0.0, 1.0)


def test_from_counts_equals_raw_ks_when_every_value_has_its_own_bin() -> None:
    # Integer data with an edge at every integer: the ECDF only jumps at the bin edges, so the
    # binned statistic is the raw one; its p-value is Smirnov's asymptotic distribution.
    rng = np.random.default_rng(9)
    ref, cur = rng.integers(0, 20, 3_000).astype(float), rng.integers(1, 20, 800).astype(float)
    edges = np.arange(1.0, 20.0)
    ref_counts, _ = count_numeric(ref, edges)
    cur_counts, _ = count_numeric(cur, edges)

    result = ks_from_counts(ref_counts, cur_counts)

    scipy_result = stats.ks_2samp(ref, cur, method="asymp")
    assert result.statistic == pytest.approx(scipy_result.statistic, abs=1e-12)
    assert result.p_value == pytest.approx(scipy_result.pvalue, abs=1e-9)


def test_from_counts_by_hand() -> None:
    # Cumulative shares (0.5, 0.75, 1) vs (0.25, 0.5, 1): largest gap 0.25.
    result = ks_from_counts([2, 1, 1], [1, 1, 2])
    assert result.statistic == pytest.approx(0.25)
    assert 0.0 < result.p_value <= 1.0


def test_from_counts_on_a_fine_grid_is_close_to_raw() -> None:
    rng = np.random.default_rng(10)
    ref, cur = rng.normal(size=50_000), rng.normal(0.1, size=5_000)
    edges = np.unique(np.quantile(ref, np.arange(1, 1_000) / 1_000))
    binned = ks_from_counts(count_numeric(ref, edges)[0], count_numeric(cur, edges)[0])
    raw = stats.ks_2samp(ref, cur).statistic
    assert binned.statistic <= raw + 1e-12
    assert binned.statistic == pytest.approx(raw, abs=0.002)


def test_from_counts_without_data_is_no_evidence() -> None:
    assert ks_from_counts([0, 0], [1, 2]) == ks_from_counts([1, 2], [0, 0])
    assert ks_from_counts([0, 0], [1, 2]).p_value == 1.0
