"""PSI with +0.5 smoothing, its no-drift bias (bins−1)(1/n_ref+1/n_cur) and χ² p-value."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from driftscope.drift import psi, psi_test


def test_psi_by_hand_with_smoothing() -> None:
    # (10, 20, 30) vs (30, 20, 10): +0.5 → (10.5, 20.5, 30.5) and (30.5, 20.5, 10.5), both /61.5.
    # The middle bin contributes 0, the outer two (20/61.5)·ln(30.5/10.5) each.
    expected = 2 * (20 / 61.5) * math.log(30.5 / 10.5)
    assert psi([10, 20, 30], [30, 20, 10]) == pytest.approx(expected, rel=1e-12)


def test_psi_of_an_empty_bin_is_finite() -> None:
    # Reference bin 3 is empty: 0.5 instead of 0 keeps ln(q/p) finite.
    p = np.array([50.5, 50.5, 0.5]) / 101.5
    q = np.array([40.5, 40.5, 20.5]) / 101.5
    expected = float(np.sum((q - p) * np.log(q / p)))
    assert psi([50, 50, 0], [40, 40, 20]) == pytest.approx(expected, rel=1e-12)
    assert math.isfinite(expected)


def test_psi_of_identical_shares_is_zero_and_symmetric() -> None:
    assert psi([10, 20, 30], [20, 40, 60]) == pytest.approx(0.0, abs=1e-3)
    assert psi([5, 1, 9], [1, 7, 2]) == pytest.approx(psi([1, 7, 2], [5, 1, 9]), rel=1e-12)


def test_psi_test_bias_and_p_value() -> None:
    ref, cur = [100, 200, 300, 400], [30, 20, 25, 25]
    result = psi_test(ref, cur)
    scale = 1 / 1000 + 1 / 100
    assert result.bins == 4
    assert result.statistic == pytest.approx(psi(ref, cur))
    assert result.bias == pytest.approx(3 * scale)
    assert result.p_value == pytest.approx(stats.chi2.sf(result.statistic / scale, 3), rel=1e-12)
    assert result.p_value < 1e-3


def test_psi_test_drops_bins_empty_on_both_sides() -> None:
    result = psi_test([10, 0, 20, 30], [12, 0, 18, 30])
    assert result.bins == 3
    assert result.statistic == pytest.approx(psi([10, 20, 30], [12, 18, 30]))
    assert result.bias == pytest.approx(2 * (1 / 60 + 1 / 60))


def test_psi_test_of_a_similar_window_is_not_significant() -> None:
    result = psi_test([1000, 1000, 1000, 1000], [24, 26, 25, 25])
    assert result.statistic < result.bias
    assert result.p_value > 0.5


@pytest.mark.parametrize(
    ("ref", "cur", "bins"),
    [([0, 0, 0], [1, 2, 3], 3), ([1, 2, 3], [0, 0, 0], 3), ([5, 0], [7, 0], 1), ([], [], 0)],
)
def test_psi_test_without_data_on_a_side_is_no_evidence(
    ref: list[int], cur: list[int], bins: int
) -> None:
    result = psi_test(ref, cur)
    assert (result.statistic, result.p_value, result.bias, result.bins) == (0.0, 1.0, 0.0, bins)


def test_psi_null_distribution_matches_its_bias() -> None:
    # Under no drift the mean PSI over many windows is close to the stated bias.
    rng = np.random.default_rng(3)
    shares = np.full(10, 0.1)
    ref = rng.multinomial(20_000, shares)
    values = [psi_test(ref, rng.multinomial(500, shares)) for _ in range(400)]
    mean_psi = float(np.mean([v.statistic for v in values]))
    assert mean_psi == pytest.approx(values[0].bias, rel=0.15)
    assert np.mean([v.p_value < 0.05 for v in values]) < 0.1
