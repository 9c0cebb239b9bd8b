"""The feature contract: encoding for the model and checking a dataset's columns."""

from __future__ import annotations

import math

import numpy as np
import pytest

from driftscope.contract import FRAUD_CONTRACT, get_contract
from driftscope.errors import ContractError


def test_get_contract_returns_fraud_and_rejects_unknown_names() -> None:
    assert get_contract("fraud") is FRAUD_CONTRACT
    with pytest.raises(ContractError, match="churn"):
        get_contract("churn")


def test_example_record_covers_every_feature() -> None:
    example = FRAUD_CONTRACT.example()
    assert list(example) == FRAUD_CONTRACT.names
    assert all(value is not None for value in example.values())


def test_encode_record_uses_category_codes_and_nan_for_unknown_or_missing() -> None:
    record = {
        **FRAUD_CONTRACT.example(),
        "merchant_category": "crypto_exchange",  # open category, not in the list
        "channel": "mobile",
        "distance_from_home_km": None,
        "is_foreign": True,
    }
    encoded = dict(zip(FRAUD_CONTRACT.names, FRAUD_CONTRACT.encode_record(record), strict=True))
    assert encoded["amount"] == 129.99
    assert encoded["channel"] == 2.0  # ("pos", "online", "mobile", "atm")
    assert encoded["country_risk"] == 0.0
    assert encoded["is_foreign"] == 1.0
    assert math.isnan(encoded["merchant_category"])
    assert math.isnan(encoded["distance_from_home_km"])


def test_encode_columns_matches_encode_record_row_by_row() -> None:
    records = [
        FRAUD_CONTRACT.example(),
        {**FRAUD_CONTRACT.example(), "channel": "atm", "seconds_since_last_txn": None},
        {**FRAUD_CONTRACT.example(), "merchant_category": "unknown", "is_foreign": True},
    ]
    columns = {name: [r[name] for r in records] for name in FRAUD_CONTRACT.names}
    columns["seconds_since_last_txn"] = [5400.0, np.nan, 5400.0]
    matrix = FRAUD_CONTRACT.encode_columns(columns)
    expected = np.array([FRAUD_CONTRACT.encode_record(r) for r in records], dtype=np.float32)
    assert matrix.dtype == np.float32
    np.testing.assert_array_equal(matrix, expected)


def test_check_columns_names_every_missing_column() -> None:
    present = [n for n in FRAUD_CONTRACT.names if n not in ("amount", "is_foreign")]
    with pytest.raises(ContractError) as info:
        FRAUD_CONTRACT.check_columns(present, require_label=True)
    assert info.value.details["missing_columns"] == ["amount", "is_foreign", "is_fraud"]
    assert "amount, is_foreign, is_fraud" in info.value.message


def test_check_columns_without_label_accepts_features_only() -> None:
    FRAUD_CONTRACT.check_columns(FRAUD_CONTRACT.names, require_label=False)
    with pytest.raises(ContractError, match="is_fraud"):
        FRAUD_CONTRACT.check_columns(FRAUD_CONTRACT.names, require_label=True)
