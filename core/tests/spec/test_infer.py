"""Spec inference on hand-made frames: every kind, missing values, dropped columns, the target."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from driftscope.errors import InvalidSpecError
from driftscope.spec.infer import (
    MAX_CATEGORIES,
    infer_spec,
    suggest_identifier,
    widened_range,
)
from driftscope.spec.model import FeatureSpec

ROWS = 40


def frame(**columns: object) -> pd.DataFrame:
    """ROWS rows of the given columns plus a balanced 0/1 target `label`."""
    return pd.DataFrame({**columns, "label": np.arange(ROWS) % 2})


def feature_of(data: pd.DataFrame, name: str) -> FeatureSpec:
    spec = infer_spec(data, target="label", name="m").spec
    return next(f for f in spec.features if f.name == name)


def test_numeric_with_a_margin_and_a_median_example() -> None:
    data = frame(x=np.linspace(10.0, 20.0, ROWS), keep=np.arange(ROWS) % 3)
    x = feature_of(data, "x")
    assert (x.kind, x.minimum, x.maximum, x.allow_missing) == ("numeric", 9.0, 21.0, False)
    assert x.open_range  # the range this CSV held: later values beyond it are scored
    assert isinstance(x.example, float) and 14.5 < x.example < 15.5  # near the median
    assert x.example in set(data["x"])  # a value of the data, not an interpolation


def test_ranges_round_outwards_and_stay_non_negative() -> None:
    assert widened_range(29.1, 62.6, integer=False) == (25.7, 66.0)
    assert widened_range(0.5, 1.5, integer=False) == (0.4, 1.6)
    assert widened_range(0.0, 10.0, integer=False) == (0.0, 11.0)  # never below 0
    assert widened_range(-5.0, 5.0, integer=False) == (-6.0, 6.0)
    assert widened_range(0, 23, integer=True) == (0, 26)


def test_whole_numbers_are_integers_even_written_as_floats_or_with_missing() -> None:
    ages = pd.Series(np.arange(ROWS) % 30 + 18, dtype="float64")  # 18.0 ... 47.0
    ages[3] = np.nan
    age = feature_of(frame(age=ages, keep=np.arange(ROWS) % 3), "age")
    assert (age.kind, age.minimum, age.maximum, age.allow_missing) == ("integer", 15, 50, True)
    assert isinstance(age.example, int) and isinstance(age.minimum, int)


def test_numbers_written_as_strings_are_numbers() -> None:
    strings = [f"{v:.1f}" for v in np.linspace(1, 2, ROWS)]
    assert feature_of(frame(s=strings, keep=np.arange(ROWS) % 3), "s").kind == "numeric"


@pytest.mark.parametrize(
    "values",
    [
        [True, False] * (ROWS // 2),
        ["true", "False"] * (ROWS // 2),
        [0, 1, 1, 1] * (ROWS // 4),
        [" TRUE", "false", None, "true"] * (ROWS // 4),
    ],
)
def test_true_false_and_zero_one_columns_are_boolean(values: list[object]) -> None:
    feature = feature_of(frame(b=values, keep=np.arange(ROWS) % 3), "b")
    assert feature.kind == "boolean" and isinstance(feature.example, bool)
    assert feature.allow_missing == (None in values)


def test_yes_no_is_a_category_not_a_boolean() -> None:
    feature = feature_of(frame(v=["yes", "no"] * (ROWS // 2), keep=np.arange(ROWS) % 3), "v")
    assert (feature.kind, feature.categories) == ("categorical", ("no", "yes"))


def test_low_cardinality_strings_are_closed_categories_with_missing() -> None:
    islands = ["Dream", "Biscoe", "Biscoe", None] * (ROWS // 4)
    island = feature_of(frame(island=islands, keep=np.arange(ROWS) % 3), "island")
    assert island.categories == ("Biscoe", "Dream") and not island.open_categories
    assert island.allow_missing and island.example == "Biscoe"  # the most frequent


def test_high_cardinality_strings_are_open_categories_of_the_most_frequent() -> None:
    rows = 4 * MAX_CATEGORIES
    # Two rows of each of MAX_CATEGORIES + 20 values, the rest one frequent value.
    values = [f"shop {i}" for i in range(MAX_CATEGORIES + 20) for _ in range(2)]
    values += ["main"] * (rows - len(values))
    data = pd.DataFrame({"shop": values, "label": np.arange(rows) % 2})
    shop = feature_of(data, "shop")
    assert shop.kind == "categorical" and shop.open_categories
    assert len(shop.categories) == MAX_CATEGORIES and "main" in shop.categories
    assert shop.example == "main"


def test_id_like_and_constant_columns_are_dropped_with_a_reason() -> None:
    data = frame(
        row_id=np.arange(ROWS),
        uuid=[f"u-{i:04d}x" for i in range(ROWS)],
        source=["batch-7"] * ROWS,
        empty=[None] * ROWS,
        amount=np.linspace(1, 2, ROWS),  # distinct per row too, but a measurement
    )
    inferred = infer_spec(data, target="label", name="m")
    assert [f.name for f in inferred.spec.features] == ["amount"]
    reasons = {d.column: d.reason for d in inferred.dropped}
    assert "identifier" in reasons["row_id"] and "identifier" in reasons["uuid"]
    assert reasons["source"] == "constant: the same value on every row ('batch-7')"
    assert reasons["empty"] == "constant: no values"


def test_free_text_is_dropped_not_made_a_category() -> None:
    long = ["a long review " * 20, "short"] * (ROWS // 2)
    inferred = infer_spec(frame(review=long, keep=np.arange(ROWS) % 3), target="label", name="m")
    assert inferred.dropped[0].column == "review"
    assert "longer than 128 characters" in inferred.dropped[0].reason


def test_a_target_that_is_not_binary_is_refused() -> None:
    data = pd.DataFrame({"x": np.arange(6) % 3, "species": ["a", "b", "c"] * 2})
    with pytest.raises(InvalidSpecError, match=r"target 'species' has 3 distinct value\(s\)"):
        infer_spec(data, target="species", name="m")
    with pytest.raises(InvalidSpecError, match="has 1 distinct value"):
        infer_spec(data.assign(species="a"), target="species", name="m")


def test_a_missing_target_column_is_refused_naming_the_columns() -> None:
    with pytest.raises(InvalidSpecError, match=r"no target column 'y' in the data \(columns: x"):
        infer_spec(pd.DataFrame({"x": [1, 2]}), target="y", name="m")


@pytest.mark.parametrize(
    ("target", "positive", "classes"),
    [
        ([0, 1, 1], None, ["label", "not_label"]),
        ([0.0, 1.0, None], None, ["label", "not_label"]),
        ([0, 1, 1], "0", ["not_label", "label"]),
        ([True, False, False], None, ["label", "not_label"]),
        (["False", "TRUE", "False"], None, ["label", "not_label"]),
        (["no", "yes", "no"], None, ["yes", "no"]),
        (["ham", "spam", "ham"], None, ["spam", "ham"]),  # the minority
        (["ham", "spam", "ham"], "ham", ["ham", "spam"]),
        (["Male", "Female"] * 2, None, ["Female", "Male"]),  # a tie: by name
        (["male", "female", "male"], "FEMALE", ["female", "male"]),
    ],
)
def test_positive_class_and_class_names(
    target: list[object], positive: str | None, classes: list[str]
) -> None:
    data = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0][: len(target)], "label": target})
    spec = infer_spec(data, target="label", name="m", positive=positive).spec
    assert list(spec.classes) == classes


def test_a_positive_value_the_target_does_not_have_is_refused() -> None:
    data = pd.DataFrame({"x": [1.0, 2.0], "label": ["ham", "spam"]})
    with pytest.raises(InvalidSpecError, match=r"--positive 'eggs' is not a value .*ham, spam"):
        infer_spec(data, target="label", name="m", positive="eggs")


def test_column_names_that_are_not_identifiers_are_refused_with_a_rename() -> None:
    data = pd.DataFrame({"Bill Length (mm)": [1.0], "2nd": [1], "ok": [1], "label": [0]})
    with pytest.raises(InvalidSpecError) as caught:
        infer_spec(data, target="label", name="m")
    assert "'Bill Length (mm)' → 'bill_length_mm'" in caught.value.message
    assert "'2nd' → 'c_2nd'" in caught.value.message
    assert caught.value.details == {"columns": ["Bill Length (mm)", "2nd"]}


def test_suggested_names_are_identifiers() -> None:
    assert suggest_identifier("  %%  ") == "column"
    assert suggest_identifier("Größe-cm") == "gr_e_cm"


def test_a_bad_model_name_is_refused_like_a_hand_written_spec() -> None:
    with pytest.raises(InvalidSpecError, match="model name 'shadow' is reserved"):
        infer_spec(frame(x=np.linspace(0, 1, ROWS)), target="label", name="shadow")


def test_no_rows_or_no_features_is_refused() -> None:
    with pytest.raises(InvalidSpecError, match="no rows"):
        infer_spec(pd.DataFrame({"x": [], "label": []}), target="label", name="m")
    with pytest.raises(InvalidSpecError, match="no usable feature column besides the target"):
        infer_spec(frame(same=[1] * ROWS), target="label", name="m")
