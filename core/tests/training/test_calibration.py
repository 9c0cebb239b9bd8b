"""Platt scaling: recovers a known logistic relation and is strictly increasing."""

from __future__ import annotations

import numpy as np
import pytest

from driftscope.training.calibration import PlattCalibrator


def simulate(a: float, b: float, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Margins and labels drawn from P(y=1 | m) = sigmoid(a m + b)."""
    rng = np.random.default_rng(seed)
    margin = rng.normal(0.0, 2.0, n)
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-(a * margin + b)))).astype(np.int64)
    return margin, y


@pytest.mark.parametrize(("a", "b"), [(1.0, 0.0), (0.6, -3.0), (2.5, 1.2)])
def test_fit_recovers_known_parameters(a: float, b: float) -> None:
    margin, y = simulate(a, b, 200_000, seed=1)
    calibrator = PlattCalibrator.fit(margin, y)
    assert calibrator.a == pytest.approx(a, abs=0.04)
    assert calibrator.b == pytest.approx(b, abs=0.04)


def test_fit_undoes_a_shifted_margin() -> None:
    # A booster trained with scale_pos_weight=w shifts log-odds by about log(w).
    margin, y = simulate(1.0, -3.0, 200_000, seed=2)
    calibrator = PlattCalibrator.fit(margin + np.log(24.0), y)
    assert calibrator.a == pytest.approx(1.0, abs=0.03)
    assert calibrator.b == pytest.approx(-3.0 - np.log(24.0), abs=0.1)


def test_fitted_map_is_strictly_increasing() -> None:
    margin, y = simulate(0.8, -2.0, 20_000, seed=3)
    calibrator = PlattCalibrator.fit(margin, y)
    p = calibrator(np.linspace(-10.0, 10.0, 2_001))
    assert np.all(np.diff(p) > 0)
    assert np.all((p > 0) & (p < 1))


def test_call_and_one_agree_with_the_formula() -> None:
    calibrator = PlattCalibrator(a=2.0, b=-1.0)
    margins = np.array([-3.0, 0.0, 0.5, 4.0])
    expected = 1.0 / (1.0 + np.exp(-(2.0 * margins - 1.0)))
    np.testing.assert_allclose(calibrator(margins), expected)
    assert [calibrator.one(float(m)) for m in margins] == pytest.approx(expected.tolist())
    assert calibrator.one(0.5) == 0.5


def test_one_does_not_overflow_on_extreme_margins() -> None:
    calibrator = PlattCalibrator(a=1.0, b=0.0)
    assert calibrator.one(-1_000.0) == 0.0
    assert calibrator.one(1_000.0) == 1.0


def test_to_dict() -> None:
    assert PlattCalibrator(1.5, -2.0).to_dict() == {"method": "platt", "a": 1.5, "b": -2.0}
