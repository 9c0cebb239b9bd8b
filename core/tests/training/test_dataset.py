"""User training CSVs: one ContractError naming every bad column; valid files load back intact."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from driftscope.contract import FRAUD_CONTRACT
from driftscope.errors import ContractError
from driftscope.generator import generate_frame
from driftscope.training.dataset import load_training_csv


@pytest.fixture
def frame() -> pd.DataFrame:
    return generate_frame(300, seed=5)


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path


def test_valid_generated_csv_loads_back_with_equal_values(
    frame: pd.DataFrame, tmp_path: Path
) -> None:
    loaded = load_training_csv(write_csv(frame, tmp_path / "train.csv"), FRAUD_CONTRACT)
    assert list(loaded.columns) == list(frame.columns)
    for feature in FRAUD_CONTRACT.features:
        got, want = loaded[feature.name], frame[feature.name]
        if feature.is_categorical:
            assert got.tolist() == want.tolist(), feature.name
        else:
            np.testing.assert_array_equal(got.to_numpy(float), want.to_numpy(float))
    assert loaded["is_fraud"].dtype == np.int64
    assert loaded["is_fraud"].tolist() == frame["is_fraud"].tolist()
    # Encoded for the model, the loaded data is the generated data.
    np.testing.assert_array_equal(
        FRAUD_CONTRACT.encode_columns(loaded), FRAUD_CONTRACT.encode_columns(frame)
    )


def test_missing_columns_are_named_in_one_error(frame: pd.DataFrame, tmp_path: Path) -> None:
    path = write_csv(frame.drop(columns=["amount", "channel", "is_fraud"]), tmp_path / "x.csv")
    with pytest.raises(ContractError) as info:
        load_training_csv(path, FRAUD_CONTRACT)
    assert info.value.details["missing_columns"] == ["amount", "channel", "is_fraud"]
    assert "missing column(s) amount, channel, is_fraud" in info.value.message


def test_bad_values_in_several_columns_are_named_in_one_error(
    frame: pd.DataFrame, tmp_path: Path
) -> None:
    bad = frame.astype(object)
    bad.loc[0, "amount"] = "twelve"
    bad.loc[1, "hour_of_day"] = 24
    bad.loc[2, "channel"] = "carrier_pigeon"
    bad.loc[3, "txn_count_24h"] = None
    bad.loc[4, "is_foreign"] = "maybe"
    bad.loc[5, "is_fraud"] = 2
    bad.loc[6, "amount"] = -1.0
    # Allowed: an unknown category of an open feature, and a blank where missing is allowed.
    bad.loc[7, "merchant_category"] = "crypto_exchange"
    bad.loc[8, "distance_from_home_km"] = None
    with pytest.raises(ContractError) as info:
        load_training_csv(write_csv(bad, tmp_path / "bad.csv"), FRAUD_CONTRACT)

    errors = info.value.details
    assert set(errors) == {
        "amount",
        "hour_of_day",
        "channel",
        "txn_count_24h",
        "is_foreign",
        "is_fraud",
    }
    # Row i of the frame is line i + 2 of the file (after the header).
    assert errors["amount"] == (
        "not a number (1 row(s), e.g. line(s) 2); outside [0, 100000] (1 row(s), e.g. line(s) 8)"
    )
    assert errors["hour_of_day"] == "outside [0, 23] (1 row(s), e.g. line(s) 3)"
    assert errors["channel"].startswith("unknown category (1 row(s), e.g. line(s) 4)")
    assert "allowed: pos, online, mobile, atm" in errors["channel"]
    assert errors["txn_count_24h"] == "missing values not allowed (1 row(s), e.g. line(s) 5)"
    assert errors["is_foreign"] == "not a boolean (1 row(s), e.g. line(s) 6)"
    assert errors["is_fraud"] == "label must be 0 or 1 (1 row(s), e.g. line(s) 7)"
    for column in errors:
        assert f"{column}: " in info.value.message


def test_boolean_spellings_are_accepted(frame: pd.DataFrame, tmp_path: Path) -> None:
    spelled = frame.head(8).astype(object)
    spelled["is_foreign"] = ["true", "FALSE", "1", "0", "yes", "no", "T", "n"]
    spelled["is_fraud"] = [0, 1, 0, 1, 0, 1, 0, 1]
    loaded = load_training_csv(write_csv(spelled, tmp_path / "b.csv"), FRAUD_CONTRACT)
    assert loaded["is_foreign"].tolist() == [True, False, True, False, True, False, True, False]


def test_many_bad_rows_are_counted_with_the_first_three_lines(
    frame: pd.DataFrame, tmp_path: Path
) -> None:
    bad = frame.copy()
    bad.loc[10:19, "card_age_days"] = 20_001
    with pytest.raises(ContractError) as info:
        load_training_csv(write_csv(bad, tmp_path / "bad.csv"), FRAUD_CONTRACT)
    assert info.value.details == {
        "card_age_days": "outside [0, 20000] (10 row(s), e.g. line(s) 12, 13, 14)"
    }


def test_label_with_a_single_class_is_rejected(frame: pd.DataFrame, tmp_path: Path) -> None:
    path = write_csv(frame.assign(is_fraud=0), tmp_path / "legit.csv")
    with pytest.raises(ContractError, match="needs both classes"):
        load_training_csv(path, FRAUD_CONTRACT)


def test_unreadable_file_is_a_contract_error(tmp_path: Path) -> None:
    with pytest.raises(ContractError, match="cannot read"):
        load_training_csv(tmp_path / "absent.csv", FRAUD_CONTRACT)


def test_fractional_value_in_integer_feature_is_named(tmp_path: Path) -> None:
    frame = generate_frame(50, seed=3)
    frame["hour_of_day"] = frame["hour_of_day"].astype(float)
    frame.loc[4, "hour_of_day"] = 3.5
    path = tmp_path / "fractional.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(ContractError) as raised:
        load_training_csv(path, FRAUD_CONTRACT)
    assert "hour_of_day" in raised.value.details
    assert "not a whole number" in raised.value.details["hour_of_day"]
