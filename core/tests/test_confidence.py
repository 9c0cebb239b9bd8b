"""Confidence intervals of realised metrics, on tiny hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from driftscope.confidence import (
    auc_interval,
    binomial_interval,
    delong,
    f1_interval,
    precision_interval,
    recall_interval,
)


def test_clopper_pearson_at_the_edges_has_a_closed_form() -> None:
    # 0 of n: upper = 1 - (α/2)^(1/n); n of n: lower = (α/2)^(1/n).
    edge = 0.025 ** (1 / 10)
    assert binomial_interval(0, 10) == pytest.approx((0.0, 1 - edge))
    assert binomial_interval(10, 10) == pytest.approx((edge, 1.0))
    assert edge == pytest.approx(0.69150, abs=1e-5)


def test_clopper_pearson_five_of_ten_matches_the_published_table() -> None:
    # The textbook exact 95 % interval for 5/10 is (0.1871, 0.8129).
    low, high = binomial_interval(5, 10)
    assert (low, high) == pytest.approx((0.18709, 0.81291), abs=1e-5)


def test_no_trials_says_nothing_and_bad_counts_are_refused() -> None:
    assert binomial_interval(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError, match="successes"):
        binomial_interval(3, 2)
    with pytest.raises(ValueError, match="level"):
        binomial_interval(1, 2, level=1.0)


def test_f1_interval_is_the_jaccard_interval_mapped_by_2j_over_1_plus_j() -> None:
    # tp=2, fp=3, fn=5: J = 2/10, F1 = 4/12 = 1/3 = 2J/(1+J).
    j_low, j_high = binomial_interval(2, 10)
    low, high = f1_interval(2, 3, 5)
    assert (low, high) == pytest.approx((2 * j_low / (1 + j_low), 2 * j_high / (1 + j_high)))
    assert low < 1 / 3 < high


def test_precision_and_recall_are_binomial_proportions() -> None:
    assert precision_interval(4, 1) == binomial_interval(4, 5)
    assert recall_interval(4, 6) == binomial_interval(4, 10)


def test_delong_by_hand() -> None:
    # Positives 0.9, 0.4; negatives 0.6, 0.1. Per positive, the share of negatives it outranks:
    # 1 and 1/2; per negative, the share of positives above it: 1/2 and 1. AUC = 3/4, and
    # DeLong's variance = var(1, 1/2)/2 + var(1/2, 1)/2 = 0.125/2 + 0.125/2 = 0.125.
    y = np.array([1, 1, 0, 0])
    p = np.array([0.9, 0.4, 0.6, 0.1])
    auc, variance = delong(y, p)
    assert auc == pytest.approx(0.75)
    assert variance == pytest.approx(0.125)
    half = 1.959964 * math.sqrt(0.125)
    assert auc_interval(y, p) == pytest.approx((max(0.0, 0.75 - half), 1.0), abs=1e-6)


def test_delong_counts_ties_one_half() -> None:
    auc, variance = delong(np.array([1, 0]), np.array([0.5, 0.5]))
    assert (auc, variance) == (0.5, 0.0)


def test_delong_equals_its_definition_on_random_data() -> None:
    rng = np.random.default_rng(4)
    y = rng.random(300) < 0.2
    p = np.round(rng.random(300) * 0.6 + 0.4 * y, 2)  # rounded: ties too
    pos, neg = p[y], p[~y]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    expected = np.var(v10, ddof=1) / len(pos) + np.var(v01, ddof=1) / len(neg)

    auc, variance = delong(y, p)

    assert auc == pytest.approx(roc_auc_score(y, p))
    assert variance == pytest.approx(expected)


def test_delong_needs_both_classes() -> None:
    with pytest.raises(ValueError, match="both classes"):
        delong(np.array([1, 1]), np.array([0.2, 0.3]))
