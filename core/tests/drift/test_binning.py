"""Reference-fixed bins: edges, open tails, missing values, coarsening, categorical labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from driftscope.drift.binning import (
    FINE_STEPS,
    category_labels,
    coarsen,
    count_categorical,
    count_numeric,
    numeric_grids,
)


def test_value_on_an_edge_opens_the_next_bin() -> None:
    counts, missing = count_numeric(np.array([1.0, 2.0, 3.0]), [1.0, 2.0, 3.0])
    # Bins (-inf,1) [1,2) [2,3) [3,inf): each value sits on the left edge of its bin.
    assert counts == [0, 1, 1, 1]
    assert missing == 0


def test_open_tails_take_any_magnitude() -> None:
    counts, _ = count_numeric(np.array([-1e300, -5.0, 0.5, 5.0, 1e300]), [0.0, 1.0])
    assert counts == [2, 1, 2]


def test_missing_and_non_finite_values_are_counted_apart() -> None:
    values = np.array([np.nan, 0.5, np.inf, -np.inf, 1.5, np.nan])
    counts, missing = count_numeric(values, [1.0])
    assert counts == [1, 1]
    assert missing == 4


def test_no_edges_is_one_bin() -> None:
    assert count_numeric(np.array([3.0, -2.0, np.nan]), []) == ([2], 1)


def test_grids_are_quantiles_of_the_finite_values() -> None:
    values = np.concatenate([np.arange(1.0, 10_001.0), [np.nan] * 50])
    coarse, fine = numeric_grids(values)
    # The q-quantile of 1..10,000 (linear interpolation) is 1 + 9,999 q.
    assert coarse == pytest.approx([1 + 9_999 * q / 10 for q in range(1, 10)])
    assert len(fine) == FINE_STEPS - 1
    assert fine[0] == pytest.approx(1 + 9_999 / FINE_STEPS)
    assert set(coarse) <= set(fine)


def test_grids_drop_duplicate_edges_and_handle_no_data() -> None:
    values = np.concatenate([np.zeros(190), np.arange(1.0, 21.0)])  # 21 values, 90 % zeros
    coarse, fine = numeric_grids(values)
    assert coarse == [0.0]
    assert fine == sorted(set(fine)) and set(coarse) <= set(fine)
    assert numeric_grids(np.array([np.nan, np.inf])) == ([], [])


def test_a_flag_gets_a_bin_per_value() -> None:
    # Deciles of 95 zeros and 5 ones are all 0: one edge, zeros and ones in one bin.
    flag = np.array([0.0] * 95 + [1.0] * 5)
    coarse, fine = numeric_grids(flag)
    assert coarse == [1.0] and set(coarse) <= set(fine)
    assert count_numeric(flag, coarse) == ([95, 5], 0)


@pytest.mark.parametrize("kind", ["continuous", "integers", "lognormal"])
def test_coarsen_equals_direct_coarse_counting(kind: str) -> None:
    rng = np.random.default_rng(1)
    draw = {
        "continuous": lambda n: rng.normal(size=n),
        "integers": lambda n: rng.poisson(3.0, n).astype(float),  # many ties, few edges
        "lognormal": lambda n: rng.lognormal(3.0, 1.0, n).round(2),
    }[kind]
    coarse, fine = numeric_grids(draw(20_000))
    current = np.concatenate([draw(3_000) * 1.3, [np.nan] * 7])
    fine_counts, missing = count_numeric(current, fine)

    assert coarsen(fine, fine_counts, coarse) == count_numeric(current, coarse)[0]
    assert sum(fine_counts) + missing == len(current)


def test_coarsen_by_hand() -> None:
    # Fine edges (1, 2, 3, 4), coarse (2, 4): fine bins (-inf,1)[1,2) → (-inf,2), [2,3)[3,4) →
    # [2,4), [4,inf) → [4,inf).
    assert coarsen([1.0, 2.0, 3.0, 4.0], [1, 2, 3, 4, 5], [2.0, 4.0]) == [3, 7, 5]


def test_categorical_known_unseen_and_missing() -> None:
    values = ["pos", "atm", "pos", "fax", None, float("nan"), "online"]
    counts, unseen, missing = count_categorical(values, ["pos", "online", "mobile", "atm"])
    assert (counts, unseen, missing) == ([2, 1, 0, 1], 1, 2)


@pytest.mark.parametrize("dtype", ["string", "category", "object"])
def test_categorical_any_pandas_dtype(dtype: str) -> None:
    series = pd.Series(["a", "b", "b", None, "new"], dtype=dtype)
    assert count_categorical(series, ["a", "b"]) == ([1, 2], 1, 1)


@pytest.mark.parametrize(
    "values",
    [
        pd.Series([True, False, True]),
        np.array([True, False, True]),
        pd.Series([True, False, True], dtype=object),
        [np.True_, np.False_, np.True_],
    ],
    ids=["bool-series", "bool-array", "object-series", "numpy-bools"],
)
def test_booleans_become_true_false(values: object) -> None:
    assert category_labels(values).tolist() == ["true", "false", "true"]  # type: ignore[arg-type]
    assert count_categorical(values, ["false", "true"]) == ([1, 2], 0, 0)  # type: ignore[arg-type]


def test_booleans_with_missing_keep_missing() -> None:
    labels = category_labels([True, None, False])
    assert labels[0] == "true" and labels[2] == "false" and pd.isna(labels[1])
    assert count_categorical([True, None, False], ["false", "true"]) == ([1, 1], 0, 1)


def test_non_boolean_objects_are_left_alone() -> None:
    assert category_labels(pd.Series(["x", None, "y"])).tolist()[::2] == ["x", "y"]
    assert count_categorical([1, 2, 2], ["1", "2"]) == ([1, 2], 0, 0)  # numbers as strings


def test_categorical_counts_match_a_row_by_row_count() -> None:
    rng = np.random.default_rng(7)
    pool = np.array(["pos", "online", "atm", "fax", None, float("nan"), 3, "3"], dtype=object)
    values = pool[rng.integers(0, len(pool), 5_000)]
    categories = ["pos", "online", "mobile", "atm", "3"]
    labels = ["(missing)" if pd.isna(v) else str(v) for v in values]
    expected = [labels.count(c) for c in categories]
    unseen = sum(label not in categories and label != "(missing)" for label in labels)
    assert count_categorical(values, categories) == (expected, unseen, labels.count("(missing)"))
