"""χ² homogeneity test on a 2×k table, equal to scipy.stats.chi2_contingency(correction=False)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from driftscope.drift import chi2_test


@pytest.mark.parametrize(
    ("ref", "cur"),
    [
        ([50, 30, 20], [40, 35, 25]),
        ([500, 300, 150, 50], [20, 30, 40, 10]),
        ([10, 90], [30, 70]),  # 2×2: scipy would apply Yates' correction unless told not to
    ],
)
def test_equals_scipy(ref: list[int], cur: list[int]) -> None:
    expected = stats.chi2_contingency(np.array([ref, cur]), correction=False)
    result = chi2_test(ref, cur)
    assert result.statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert result.p_value == pytest.approx(expected.pvalue, rel=1e-9)
    assert result.dof == expected.dof


def test_by_hand() -> None:
    # Table (10, 20 | 20, 10): every expected count is 15, each cell contributes 25/15.
    result = chi2_test([10, 20], [20, 10])
    assert result.statistic == pytest.approx(4 * 25 / 15)
    assert result.dof == 1
    assert result.p_value == pytest.approx(stats.chi2.sf(100 / 15, 1))


def test_categories_empty_on_both_sides_are_dropped() -> None:
    with_empty = chi2_test([50, 0, 30, 20, 0], [40, 0, 35, 25, 0])
    expected = stats.chi2_contingency(np.array([[50, 30, 20], [40, 35, 25]]), correction=False)
    assert with_empty.dof == 2
    assert with_empty.statistic == pytest.approx(expected.statistic)
    assert with_empty.p_value == pytest.approx(expected.pvalue)


def test_a_category_only_in_the_current_window_is_strong_evidence() -> None:
    result = chi2_test([500, 500, 0], [40, 40, 20])
    assert result.dof == 2
    assert result.p_value < 1e-10


@pytest.mark.parametrize(
    ("ref", "cur"), [([10, 0], [5, 0]), ([0, 0], [3, 4]), ([3, 4], [0, 0]), ([], [])]
)
def test_degenerate_tables_are_no_evidence(ref: list[int], cur: list[int]) -> None:
    result = chi2_test(ref, cur)
    assert (result.statistic, result.p_value, result.dof) == (0.0, 1.0, 0)
