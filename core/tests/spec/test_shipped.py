"""The fraud spec ships as package data and builds the same contract as the old constant."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import orjson

from driftscope.contract import CONTRACTS, FRAUD_CONTRACT, MERCHANT_CATEGORIES, get_contract
from driftscope.gate import GateConfig
from driftscope.generator import generate_frame
from driftscope.spec import ModelSpec, shipped_spec

# FRAUD_CONTRACT.to_dict() of the Python constant it was before the spec file existed.
BEFORE = Path(__file__).with_name("fraud_contract_before_spec.json")


def test_the_shipped_fraud_spec_builds_the_previous_contract_exactly() -> None:
    before = orjson.loads(BEFORE.read_bytes())
    assert FRAUD_CONTRACT.to_dict() == before
    # Byte for byte, so 0 stays 0 and 100000.0 stays 100000.0 in /api/v1/schema.
    assert orjson.dumps(FRAUD_CONTRACT.to_dict()) == orjson.dumps(before)
    assert CONTRACTS == {"fraud": FRAUD_CONTRACT} and get_contract("fraud") is FRAUD_CONTRACT


def test_the_fraud_spec_names_its_classes_and_todays_gate_floors() -> None:
    spec = shipped_spec("fraud")
    assert spec is not None
    assert (spec.target, spec.classes) == ("is_fraud", ("fraud", "legit"))
    defaults = GateConfig()
    assert (spec.gate.min_roc_auc, spec.gate.min_f1) == (defaults.min_roc_auc, defaults.min_f1)
    assert spec.contract() == FRAUD_CONTRACT


def test_the_spec_file_is_package_data_in_its_canonical_form() -> None:
    resource = files("driftscope") / "specs" / "fraud.json"
    assert ModelSpec.from_json(resource.read_bytes()).to_json() == resource.read_text()


def test_only_shipped_names_have_a_shipped_spec() -> None:
    assert shipped_spec("penguins") is None
    assert shipped_spec("../specs/fraud") is None
    assert shipped_spec("Fraud") is None


def test_the_generator_still_writes_the_contract_columns() -> None:
    frame = generate_frame(500, seed=3)
    assert list(frame.columns) == [*FRAUD_CONTRACT.names, "is_fraud"]
    assert set(frame["merchant_category"]) <= set(MERCHANT_CATEGORIES)
