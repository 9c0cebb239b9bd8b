"""Jensen–Shannon distance (base 2) between count vectors, equal to scipy's jensenshannon."""

from __future__ import annotations

import math

import pytest
from scipy.spatial.distance import jensenshannon

from driftscope.drift import js_distance


@pytest.mark.parametrize(
    ("ref", "cur"),
    [
        ([10, 20, 30], [30, 20, 10]),
        ([1, 0, 5, 4], [0, 3, 5, 2]),  # zero cells on either side
        ([100, 1], [1, 100]),
        ([7, 7, 7], [70, 70, 70]),
    ],
)
def test_equals_scipy(ref: list[int], cur: list[int]) -> None:
    assert js_distance(ref, cur) == pytest.approx(jensenshannon(ref, cur, base=2), abs=1e-12)


def test_by_hand() -> None:
    # p = (1, 0), q = (1/2, 1/2), m = (3/4, 1/4): KL(p‖m) = log2(4/3), KL(q‖m) = ½log2(2/3) + ½log2(2).
    kl_p = math.log2(4 / 3)
    kl_q = 0.5 * math.log2(0.5 / 0.75) + 0.5 * math.log2(0.5 / 0.25)
    assert js_distance([4, 0], [2, 2]) == pytest.approx(math.sqrt((kl_p + kl_q) / 2))


def test_bounds() -> None:
    assert js_distance([5, 5, 0], [1, 1, 0]) == pytest.approx(0.0, abs=1e-12)
    assert js_distance([5, 0], [0, 5]) == pytest.approx(1.0)


@pytest.mark.parametrize(("ref", "cur"), [([0, 0], [1, 2]), ([1, 2], [0, 0])])
def test_no_data_on_a_side_is_zero(ref: list[int], cur: list[int]) -> None:
    assert js_distance(ref, cur) == 0.0
