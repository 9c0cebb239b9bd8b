"""Synthetic transactions: determinism, base rates, contract ranges and the Scenario hook."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from driftscope.contract import FRAUD_CONTRACT
from driftscope.generator import Columns, Scenario, generate_columns, generate_frame


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return generate_frame(50_000, seed=42)


def test_same_seed_gives_identical_frame() -> None:
    pd.testing.assert_frame_equal(generate_frame(2_000, seed=3), generate_frame(2_000, seed=3))


def test_different_seed_gives_different_frame() -> None:
    first, second = generate_frame(2_000, seed=3), generate_frame(2_000, seed=4)
    assert not first["amount"].equals(second["amount"])
    assert not first["is_fraud"].equals(second["is_fraud"])


def test_frame_has_contract_columns_and_dtypes(frame: pd.DataFrame) -> None:
    assert frame.shape == (50_000, len(FRAUD_CONTRACT.features) + 1)
    assert list(frame.columns) == [*FRAUD_CONTRACT.names, "is_fraud"]
    for feature in FRAUD_CONTRACT.features:
        column = frame[feature.name]
        if feature.kind == "numeric":
            assert column.dtype == np.float64, feature.name
        elif feature.kind == "integer":
            assert column.dtype == np.int64, feature.name
        elif feature.kind == "boolean":
            assert column.dtype == np.bool_, feature.name
        else:
            assert pd.api.types.is_string_dtype(column), feature.name
    assert frame["is_fraud"].dtype == np.int64
    assert set(frame["is_fraud"].unique()) == {0, 1}


def test_default_fraud_rate_is_about_four_percent(frame: pd.DataFrame) -> None:
    assert 0.03 <= frame["is_fraud"].mean() <= 0.05


@pytest.mark.parametrize("fraud_rate", [0.01, 0.1, 0.25])
def test_configured_fraud_rate_is_honoured(fraud_rate: float) -> None:
    labels = generate_columns(50_000, seed=11, fraud_rate=fraud_rate)["is_fraud"]
    assert labels.mean() == pytest.approx(fraud_rate, abs=0.01)


@pytest.mark.parametrize("fraud_rate", [0.0, 1.0, -0.1])
def test_fraud_rate_outside_open_unit_interval_is_rejected(fraud_rate: float) -> None:
    with pytest.raises(ValueError, match="fraud_rate"):
        generate_columns(10, seed=0, fraud_rate=fraud_rate)


def test_missing_values_only_where_the_contract_allows(frame: pd.DataFrame) -> None:
    for feature in FRAUD_CONTRACT.features:
        n_missing = int(frame[feature.name].isna().sum())
        if feature.allow_missing:
            assert n_missing > 0, feature.name
        else:
            assert n_missing == 0, feature.name


def test_values_inside_contract_ranges_and_categories(frame: pd.DataFrame) -> None:
    for feature in FRAUD_CONTRACT.features:
        column = frame[feature.name].dropna()
        if feature.kind == "categorical":
            assert set(column.unique()) <= set(feature.categories), feature.name
        elif feature.kind == "boolean":
            assert set(column.unique()) <= {True, False}
        else:
            assert column.min() >= feature.minimum, feature.name
            assert column.max() <= feature.maximum, feature.name
    assert set(frame["hour_of_day"].unique()) == set(range(24))


def test_amount_to_avg_ratio_is_derived_from_amounts(frame: pd.DataFrame) -> None:
    expected = (frame["amount"] / frame["avg_amount_30d"]).round(4)
    np.testing.assert_allclose(frame["amount_to_avg_ratio"], expected)


class DoubleAmounts(Scenario):
    name = "double_amounts"

    def shift_inputs(self, columns: Columns, rng: np.random.Generator) -> None:
        columns["amount"] = columns["amount"] * 2


class FraudOnlyAtAtm(Scenario):
    name = "fraud_only_at_atm"

    def shift_logit(self, logit: np.ndarray, columns: Columns) -> np.ndarray:
        return np.where(columns["channel"] == "atm", 50.0, -50.0)


def test_scenario_shift_inputs_changes_columns_before_derivation() -> None:
    base = generate_frame(5_000, seed=9)
    shifted = generate_frame(5_000, seed=9, scenario=DoubleAmounts())
    np.testing.assert_allclose(shifted["amount"], base["amount"] * 2)
    # The ratio is derived after the drift, so it doubles with the amount (up to rounding).
    np.testing.assert_allclose(
        shifted["amount_to_avg_ratio"], base["amount_to_avg_ratio"] * 2, atol=2e-4
    )
    pd.testing.assert_series_equal(shifted["channel"], base["channel"])


def test_scenario_shift_logit_changes_labels() -> None:
    base = generate_frame(5_000, seed=9)
    shifted = generate_frame(5_000, seed=9, scenario=FraudOnlyAtAtm())
    pd.testing.assert_frame_equal(shifted.drop(columns="is_fraud"), base.drop(columns="is_fraud"))
    np.testing.assert_array_equal(shifted["is_fraud"], (base["channel"] == "atm").astype(int))
    assert not shifted["is_fraud"].equals(base["is_fraud"])
