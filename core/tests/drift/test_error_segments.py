"""Segments by their contribution to a performance drop: hand-computed tails, clean data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from driftscope.drift.error_segments import at_least_p, bin_index, error_segments


def test_the_tail_of_equal_chances_is_the_binomial_tail() -> None:
    chances = np.full(40, 0.1)
    assert at_least_p(chances, 9) == pytest.approx(stats.binom.sf(8, 40, 0.1))
    assert at_least_p(chances, 0) == 1.0


def test_the_tail_of_unequal_chances_by_hand() -> None:
    # Two rows, error chances 0.5 and 0.2: P(X ≥ 1) = 1 − 0.5·0.8, P(X ≥ 2) = 0.5·0.2.
    assert at_least_p(np.array([0.5, 0.2]), 1) == pytest.approx(0.6)
    assert at_least_p(np.array([0.5, 0.2]), 2) == pytest.approx(0.1)
    assert at_least_p(np.array([0.5, 0.2]), 3) == pytest.approx(0.0)


def test_the_tail_of_a_large_segment_matches_scipy() -> None:
    # An odd number of rows (padded levels) and thousands of errors: the FFT products agree
    # with scipy's Poisson-binomial and binomial tails far below any significance level.
    chances = np.random.default_rng(3).uniform(0.0, 0.6, 20_001)
    errors = int(chances.sum()) + 150
    expected = stats.poisson_binom.sf(errors - 1, chances)
    assert at_least_p(chances, errors) == pytest.approx(expected, abs=1e-11)
    assert at_least_p(np.full(5_001, 0.1), 520) == pytest.approx(
        stats.binom.sf(519, 5_001, 0.1), abs=1e-11
    )


def test_rows_are_counted_into_the_reports_bins() -> None:
    amount = {"kind": "numeric", "bins": [10.0, 100.0]}
    index = bin_index(amount, np.array([5.0, 10.0, 99.0, 100.0, np.nan]))
    assert index.tolist() == [0, 1, 1, 2, 3]
    merchant = {"kind": "categorical", "bins": ["grocery", "gaming", "(unseen)", "(missing)"]}
    index = bin_index(merchant, np.array(["gaming", "crypto", None, "grocery"], dtype=object))
    assert index.tolist() == [1, 2, 3, 0]


MERCHANTS = ["grocery", "gaming", "travel"]
REPORT = {
    "features": {
        "merchant_category": {"kind": "categorical", "bins": [*MERCHANTS, "(unseen)", "(missing)"]}
    },
    "prediction": {"kind": "numeric", "bins": [0.5], "reference_counts": [9, 1, 0]},
}


def calibrated(rng: np.random.Generator, n: int) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Rows whose labels are drawn from their scores: the model is as good as in training."""
    rows = pd.DataFrame({"merchant_category": rng.choice(MERCHANTS, n)})
    scores = rng.beta(0.5, 4, n)
    return rows, scores, (rng.random(n) < scores).astype(float)


def test_calibrated_windows_name_no_culprit() -> None:
    rng = np.random.default_rng(0)
    named = sum(bool(error_segments(REPORT, *calibrated(rng, 2_000), 0.5)) for _ in range(40))
    assert named <= 2  # BH at 0.05: ≈ 5 % of windows at most


def test_a_segment_whose_labels_broke_is_found_first() -> None:
    rng = np.random.default_rng(1)
    rows, scores, labels = calibrated(rng, 2_000)
    gaming = (rows["merchant_category"] == "gaming").to_numpy()
    broken = gaming & (rng.random(2_000) < 0.3)
    labels[broken] = 1 - labels[broken]  # 30 % of gaming's labels flipped: the concept moved
    labels[rng.random(2_000) < 0.2] = np.nan  # some rows have no label yet
    first = error_segments(REPORT, rows, scores, labels, 0.5)[0]
    assert (first.feature, first.segment) == ("merchant_category", "gaming")
    assert first.excess_errors > 100
    assert first.errors == int(
        ((scores >= 0.5) != labels.astype(bool))[gaming & ~np.isnan(labels)].sum()
    )
    assert first.describe().startswith("merchant_category = gaming: ")


def test_errors_in_one_score_band_are_found() -> None:
    rng = np.random.default_rng(2)
    rows, scores, labels = calibrated(rng, 2_000)
    high = scores >= 0.5
    labels[high] = 0  # every flagged row turns out legitimate
    first = error_segments(REPORT, rows, scores, labels, 0.5)[0]
    assert (first.feature, first.segment) == ("score", "≥ 0.5")
    assert first.errors == int(high.sum())
