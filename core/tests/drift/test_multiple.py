"""Benjamini–Hochberg q-values across the features of a window."""

from __future__ import annotations

import numpy as np
import pytest

from driftscope.drift import benjamini_hochberg


def test_by_hand() -> None:
    # Sorted p (0.01, 0.03, 0.04, 0.2) × 4/rank = (0.04, 0.06, 0.0533, 0.2); the running minimum
    # from the top gives (0.04, 0.0533, 0.0533, 0.2), mapped back to the input order.
    q = benjamini_hochberg([0.01, 0.04, 0.03, 0.2])
    assert q == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.2])


def test_known_values() -> None:
    # Worked by hand, as statsmodels' multipletests(p, method="fdr_bh") computes them.
    p = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205]
    expected = [0.008, 0.032, 0.0672, 0.0672, 0.0672, 0.08, 0.0845714286, 0.205]
    assert benjamini_hochberg(p) == pytest.approx(expected)


def test_capped_at_one_and_never_below_p() -> None:
    p = [0.9, 0.95, 0.99]
    q = benjamini_hochberg(p)
    assert q == pytest.approx([0.99, 0.99, 0.99])
    rng = np.random.default_rng(0)
    p_random = rng.random(30)
    q_random = np.array(benjamini_hochberg(p_random))
    assert (q_random >= p_random - 1e-15).all() and (q_random <= 1.0).all()


def test_order_of_q_follows_order_of_p() -> None:
    p = [0.5, 0.001, 0.02, 0.02]
    q = benjamini_hochberg(p)
    assert q[1] <= q[2] == q[3] <= q[0]


def test_single_and_empty() -> None:
    assert benjamini_hochberg([0.03]) == [0.03]
    assert benjamini_hochberg([]) == []
