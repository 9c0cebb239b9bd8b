"""A user model's target read as 1/0: raw spellings, the recorded positive value, refusals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from driftscope.errors import ContractError, InvalidSpecError
from driftscope.spec import FeatureSpec, ModelSpec
from driftscope.training.dataset import load_training_csv
from driftscope.training.user_data import encode_target, label_text, target_labels

FEATURE = FeatureSpec(name="x", kind="numeric")


def spec(classes: tuple[str, str], positive_value: str | None = None) -> ModelSpec:
    return ModelSpec(
        name="m", target="y", classes=classes, positive_value=positive_value, features=(FEATURE,)
    )


def test_cells_read_as_spec_infer_writes_values() -> None:
    raw = pd.Series([" 1.0", "0", "TRUE", "False", " yes ", "Male", "2.5"])
    assert label_text(raw).tolist() == ["1", "0", "true", "false", "yes", "Male", "2.5"]


@pytest.mark.parametrize(
    ("classes", "positive_value", "raw", "expected"),
    [
        (("delayed", "on_time"), "delayed", ["delayed", "on_time"], [1, 0]),
        (("late", "not_late"), "1", ["1.0", "0", "1"], [1, 0, 1]),
        (("not_late", "late"), "0", ["1", "0"], [0, 1]),  # --positive 0
        (("flag", "not_flag"), "true", ["TRUE", "false"], [1, 0]),
        (("flag", "not_flag"), None, ["1", "0", "flag"], [1, 0, 1]),  # a hand-written spec
        (("male", "female"), None, ["female", "male"], [0, 1]),
    ],
)
def test_the_positive_class_is_1(
    classes: tuple[str, str], positive_value: str | None, raw: list[str], expected: list[int]
) -> None:
    labels = target_labels(spec(classes, positive_value))
    assert encode_target(pd.Series(raw), "y", labels).tolist() == expected


def test_a_value_of_neither_class_names_the_column_and_lines() -> None:
    labels = target_labels(spec(("delayed", "on_time"), "delayed"))
    raw = pd.Series(["delayed", "on_time", "cancelled", "on_time", "1"])

    with pytest.raises(ContractError) as info:
        encode_target(raw, "status", labels)

    message = info.value.message
    assert message.startswith("target 'status': 2 value(s) of neither class ('1', 'cancelled'")
    assert "line(s) 4, 6" in message and "expected one of delayed, on_time" in message
    assert np.array_equal(
        encode_target(raw[:2], "status", labels), np.array([1, 0], dtype=np.int64)
    )


def test_a_user_csv_is_read_liberally_against_its_spec(tmp_path: Path) -> None:
    features = (
        FeatureSpec(name="n", kind="integer", minimum=0, maximum=10),
        FeatureSpec(name="b", kind="boolean", allow_missing=True),
        FeatureSpec(name="c", kind="categorical", categories=("a",), open_categories=True),
    )
    model = ModelSpec(
        name="m", target="y", classes=("yes", "no"), positive_value="yes", features=features
    )
    path = tmp_path / "d.csv"
    path.write_text("n,b,c,y\n3.0,true,a,yes\n4,0,New value,no\n5,,a,\n6,FALSE,b,No\n")

    with pytest.raises(ContractError, match=r"y: 1 value\(s\) of neither class \('No', e.g"):
        load_training_csv(path, model.contract(), target_labels(model))
    path.write_text(path.read_text().replace("No\n", "no\n"))
    frame = load_training_csv(path, model.contract(), target_labels(model))

    assert frame["n"].tolist() == [3, 4, 6] and frame["y"].tolist() == [1, 0, 0]
    assert frame["b"].tolist() == [True, False, False]
    assert frame["c"].tolist() == ["a", "New value", "b"]
    assert frame.attrs["unlabelled"] == 1
    path.write_text("n,b,c,y\n1,true,bad\x01value,yes\n2,false,a,no\n")
    with pytest.raises(ContractError, match=r"c: not a category: longer than 128 .* line"):
        load_training_csv(path, model.contract(), target_labels(model))


def test_positive_value_round_trips_and_is_written_only_when_set() -> None:
    recorded = spec(("late", "not_late"), "1")
    assert ModelSpec.from_json(recorded.to_json()) == recorded
    assert recorded.to_dict()["positive_value"] == "1"
    assert "positive_value" not in spec(("late", "not_late")).to_dict()


def test_a_positive_value_naming_the_negative_class_is_refused() -> None:
    with pytest.raises(InvalidSpecError, match="positive_value 'b' is the negative class's name"):
        ModelSpec.from_dict(
            {"name": "m", "target": "y", "classes": ["a", "b"], "positive_value": "b",
             "features": [{"name": "x", "kind": "numeric"}]}
        )  # fmt: skip
