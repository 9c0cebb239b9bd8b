"""ModelSpec: validation of hand-made specs (errors name the field) and the JSON round trip."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest

from driftscope.contract import FeatureContract
from driftscope.errors import ContractError, InvalidSpecError
from driftscope.spec import GateFloors, ModelSpec, MonitoringOverrides

VALID: dict[str, Any] = {
    "name": "penguins",
    "description": "Sex of a penguin from its measurements",
    "target": "sex",
    "classes": ["male", "female"],
    "features": [
        {"name": "bill_length_mm", "kind": "numeric", "unit": "mm", "minimum": 29.1,
         "maximum": 62.6, "allow_missing": True, "example": 44.5},
        {"name": "year", "kind": "integer", "minimum": 2006, "maximum": 2010, "example": 2008},
        {"name": "island", "kind": "categorical", "categories": ["Biscoe", "Dream"],
         "example": "Biscoe"},
        {"name": "tagged", "kind": "boolean", "example": True},
    ],
    "gate": {"min_roc_auc": 0.75, "min_f1": 0.5},
    "monitoring": {"window_s": None, "psi_threshold": None},
}  # fmt: skip


def spec_with(path: str, value: Any) -> dict[str, Any]:
    """VALID with one value replaced: path like "features.1.minimum"."""
    data = copy.deepcopy(VALID)
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[int(last) if last.isdigit() else last] = value
    return data


def refusal(data: dict[str, Any]) -> InvalidSpecError:
    with pytest.raises(InvalidSpecError) as caught:
        ModelSpec.from_dict(data)
    return caught.value


def test_a_valid_spec_keeps_its_values() -> None:
    spec = ModelSpec.from_dict(VALID)
    assert (spec.name, spec.target, spec.positive, spec.negative) == (
        "penguins", "sex", "male", "female"
    )  # fmt: skip
    assert [f.kind for f in spec.features] == ["numeric", "integer", "categorical", "boolean"]
    assert spec.features[1].minimum == 2006 and isinstance(spec.features[1].minimum, int)
    assert (spec.gate.min_roc_auc, spec.gate.min_f1) == (0.75, 0.5)
    assert spec.monitoring == MonitoringOverrides()


@pytest.mark.parametrize(
    ("path", "value", "field", "reason"),
    [
        ("name", "Penguins", "name", "does not match"),
        ("name", "9lives", "name", "does not match"),
        ("name", "a" * 65, "name", "does not match"),
        ("name", "canary", "name", "is reserved"),
        ("name", "overview", "name", "is reserved"),
        ("target", "the sex", "target", "not an identifier"),
        ("classes", ["male", "male"], "classes", "must differ"),
        ("classes", ["male"], "classes", "must be two names, the positive first (not 1)"),
        ("classes", ["male", ""], "classes.1", "not a valid category"),
        ("features", [], "features", "at least 1 item"),
        ("features.0.name", "bill length", "features.0.name", "not an identifier"),
        ("features.0.kind", "float", "features.0.kind", "'numeric'"),
        ("features.0.minimum", 70.0, "features.0", "minimum 70.0 is greater than maximum 62.6"),
        ("features.0.example", 99.0, "features.0", "example 99.0 is outside [29.1, 62.6]"),
        ("features.0.example", "big", "features.0", "is not a number"),
        ("features.1.maximum", 2010.5, "features.1", "whole numbers"),
        ("features.1.example", 2007.5, "features.1", "not a whole number"),
        ("features.2.categories", [], "features.2", "needs categories"),
        ("features.2.categories", ["Biscoe", "Biscoe"], "features.2", "must be distinct"),
        ("features.2.categories", ["a\x07"], "features.2.categories.0", "control characters"),
        ("features.2.categories", ["x" * 129], "features.2.categories.0", "at most 128"),
        ("features.2.example", "Torgersen", "features.2", "is not a category"),
        ("features.2.minimum", 1, "features.2", "only apply to numeric and integer"),
        ("features.3.categories", ["yes"], "features.3", "only apply to categorical"),
        ("features.3.example", "yes", "features.3", "not true or false"),
        ("features.3.name", "sex", "spec", "has the name of the target"),
        ("features.3.name", "year", "spec", "duplicate feature name(s): year"),
        ("gate.min_roc_auc", 1.5, "gate.min_roc_auc", "less than or equal to 1"),
        ("monitoring.window_s", 0, "monitoring.window_s", "greater than 0"),
        ("features.0.colour", "red", "features.0.colour", "Extra inputs"),
    ],
)
def test_a_bad_spec_is_refused_naming_the_field(
    path: str, value: Any, field: str, reason: str
) -> None:
    error = refusal(spec_with(path, value))
    assert field in [problem["field"] for problem in error.details]
    assert reason in error.message
    assert error.code == "invalid_spec"


def test_the_error_names_the_feature() -> None:
    error = refusal(spec_with("features.0.minimum", 70.0))
    assert "feature 'bill_length_mm'" in error.message


def test_an_open_categorical_may_have_no_categories_and_any_example() -> None:
    data = spec_with("features.2", {"name": "island", "kind": "categorical",
                                    "open_categories": True, "example": "Anvers"})  # fmt: skip
    assert ModelSpec.from_dict(data).features[2].open_categories


def test_type_repeats_kind_and_must_agree_with_it() -> None:
    published = spec_with("features.0.kind", "numeric")
    published["features"][0]["type"] = "numeric"
    assert ModelSpec.from_dict(published).features[0].kind == "numeric"
    only_type = copy.deepcopy(VALID)
    only_type["features"][0]["type"] = only_type["features"][0].pop("kind")
    assert ModelSpec.from_dict(only_type) == ModelSpec.from_dict(VALID)
    published["features"][0]["type"] = "integer"
    assert "differs from kind" in refusal(published).message


def test_null_gate_and_monitoring_are_the_defaults() -> None:
    spec = ModelSpec.from_dict({**VALID, "gate": None, "monitoring": None})
    assert (spec.gate, spec.monitoring) == (GateFloors(), MonitoringOverrides())
    absent = {k: v for k, v in VALID.items() if k not in ("gate", "monitoring")}
    assert ModelSpec.from_dict(absent) == spec


def test_json_round_trip_including_a_text_feature() -> None:
    data = copy.deepcopy(VALID)
    data["features"].append({"name": "body", "kind": "text", "example": "win a prize now"})
    data["gate"] = {"min_roc_auc": 0.8, "min_f1": None}
    data["monitoring"] = {"window_s": 600, "psi_threshold": 0.25}
    spec = ModelSpec.from_dict(data)

    text = spec.to_json()
    again = ModelSpec.from_json(text)

    assert again == spec
    assert again.to_json() == text
    published = orjson.loads(text)
    assert published["features"][4] == {
        "name": "body", "kind": "text", "type": "text", "description": "", "unit": None,
        "minimum": None, "maximum": None, "categories": [], "open_categories": False,
        "allow_missing": False, "example": "win a prize now",
    }  # fmt: skip
    assert published["features"][1]["minimum"] == 2006  # an int stays an int
    assert published["gate"] == {"min_roc_auc": 0.8, "min_f1": None}


def test_not_json_is_refused() -> None:
    with pytest.raises(InvalidSpecError, match="not valid JSON"):
        ModelSpec.from_json("{name: penguins")


def test_contract_from_spec_keeps_every_feature_field() -> None:
    spec = ModelSpec.from_dict(VALID)
    contract = spec.contract()
    assert contract == FeatureContract.from_spec(spec)
    assert (contract.model_name, contract.label, contract.description) == (
        "penguins", "sex", spec.description
    )  # fmt: skip
    assert contract.names == ["bill_length_mm", "year", "island", "tagged"]
    for feature, published in zip(contract.features, spec.features, strict=True):
        assert feature.to_dict() == {k: v for k, v in published.to_dict().items() if k != "kind"}
    assert contract.encode_record({"bill_length_mm": 40.0, "year": 2008,
                                   "island": "Dream", "tagged": True}) == [40.0, 2008.0, 1.0, 1.0]  # fmt: skip


def test_a_text_feature_is_refused_where_it_would_be_encoded() -> None:
    data = copy.deepcopy(VALID)
    data["features"].append({"name": "body", "kind": "text"})
    contract = ModelSpec.from_dict(data).contract()  # a text model reads the text whole
    assert contract.feature("body").kind == "text"
    with pytest.raises(ContractError, match=r"scored by text models only \(body\)"):
        contract.encode_columns({name: [] for name in contract.names})  # tabular training


def test_open_range_is_for_numbers_and_written_only_when_set() -> None:
    data = copy.deepcopy(VALID)
    numeric = next(f for f in data["features"] if f["kind"] == "numeric")
    numeric["open_range"] = True
    spec = ModelSpec.from_dict(data)
    assert orjson.loads(spec.to_json())["features"][data["features"].index(numeric)]["open_range"]
    assert "open_range" not in orjson.loads(ModelSpec.from_dict(VALID).to_json())["features"][0]
    categorical = next(f for f in data["features"] if f["kind"] == "categorical")
    categorical["open_range"] = True
    with pytest.raises(InvalidSpecError, match="open_range only applies to numeric"):
        ModelSpec.from_dict(data)
