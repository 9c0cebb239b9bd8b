"""Threshold policies and the per-threshold confusion table on a hand-made example."""

from __future__ import annotations

import numpy as np
import pytest

from driftscope.training.threshold import (
    GRID,
    ThresholdPolicy,
    select_threshold,
    threshold_table,
)

# Frauds score 0.9, 0.8 and 0.6; legit transactions 0.7, 0.4 and 0.2.
Y = np.array([1, 1, 0, 1, 0, 0])
P = np.array([0.9, 0.8, 0.7, 0.6, 0.4, 0.2])
THRESHOLDS = np.array([0.3, 0.5, 0.6, 0.65, 0.75, 0.85])

# By hand, flagging p >= t:
#   t     tp fp fn tn  precision recall  F1
#   0.3    3  2  0  1    3/5       1     3/4
#   0.5    3  1  0  2    3/4       1     6/7
#   0.6    3  1  0  2    3/4       1     6/7   (0.6 itself is flagged)
#   0.65   2  1  1  2    2/3      2/3    2/3
#   0.75   2  0  1  3     1       2/3    4/5
#   0.85   1  0  2  3     1       1/3    1/2


def test_threshold_table_by_hand() -> None:
    table = threshold_table(Y, P, THRESHOLDS)
    np.testing.assert_array_equal(table["threshold"], THRESHOLDS)
    assert table["tp"].tolist() == [3, 3, 3, 2, 2, 1]
    assert table["fp"].tolist() == [2, 1, 1, 1, 0, 0]
    assert table["fn"].tolist() == [0, 0, 0, 1, 1, 2]
    assert table["tn"].tolist() == [1, 2, 2, 2, 3, 3]
    assert table["precision"] == pytest.approx([3 / 5, 3 / 4, 3 / 4, 2 / 3, 1, 1])
    assert table["recall"] == pytest.approx([1, 1, 1, 2 / 3, 2 / 3, 1 / 3])
    assert table["f1"] == pytest.approx([3 / 4, 6 / 7, 6 / 7, 2 / 3, 4 / 5, 1 / 2])


def test_threshold_table_with_nothing_flagged_has_zero_precision() -> None:
    table = threshold_table(Y, P, np.array([0.95]))
    assert (table["tp"][0], table["fp"][0], table["fn"][0], table["tn"][0]) == (0, 0, 3, 3)
    assert table["precision"][0] == 0.0
    assert table["f1"][0] == 0.0


def test_default_grid_spans_half_percent_steps() -> None:
    assert GRID[0] == 0.005
    assert GRID[-1] == 0.995
    assert len(GRID) == 199
    table = threshold_table(Y, P)
    assert table["tp"][0] + table["fn"][0] == 3


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("f1", 0.6),  # 0.5 and 0.6 tie at 6/7: the higher wins
        ("recall:1", 0.6),  # highest threshold with every fraud caught
        ("recall:0.9", 0.6),
        ("recall:0.6", 0.75),
        ("cost:fn=10,fp=1", 0.6),  # costs 2, 1, 1, 11, 10, 20
        ("cost:fn=1,fp=1", 0.75),  # costs 2, 1, 1, 2, 1, 2: three-way tie
        ("cost:fn=1,fp=5", 0.75),  # costs 10, 5, 5, 6, 1, 2
    ],
)
def test_select_threshold_by_policy(policy: str, expected: float) -> None:
    table = threshold_table(Y, P, THRESHOLDS)
    assert select_threshold(table, ThresholdPolicy.parse(policy)) == expected


def test_unreachable_recall_falls_back_to_the_lowest_threshold() -> None:
    table = threshold_table(np.array([1, 1, 0]), np.array([0.9, 0.1, 0.2]), np.array([0.3, 0.5]))
    assert select_threshold(table, ThresholdPolicy.parse("recall:1")) == 0.3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("f1", ThresholdPolicy("f1")),
        ("  f1 ", ThresholdPolicy("f1")),
        ("recall:0.8", ThresholdPolicy("recall", recall=0.8)),
        ("recall:1", ThresholdPolicy("recall", recall=1.0)),
        ("cost:fn=10,fp=1", ThresholdPolicy("cost", fn_cost=10.0, fp_cost=1.0)),
        ("cost:fp=2.5,fn=40", ThresholdPolicy("cost", fn_cost=40.0, fp_cost=2.5)),
    ],
)
def test_parse_good_policies(text: str, expected: ThresholdPolicy) -> None:
    assert ThresholdPolicy.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "describe"),
    [("f1", "f1"), ("recall:0.80", "recall:0.8"), ("cost:fp=1,fn=10", "cost:fn=10,fp=1")],
)
def test_describe_gives_the_canonical_policy_text(text: str, describe: str) -> None:
    policy = ThresholdPolicy.parse(text)
    assert policy.describe() == describe
    assert ThresholdPolicy.parse(describe) == policy


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("bogus", "unknown threshold policy 'bogus'"),
        ("", "unknown threshold policy"),
        ("f1:2", "unknown threshold policy"),
        ("recall:0", r"recall target must be in \(0, 1\]"),
        ("recall:1.5", r"recall target must be in \(0, 1\]"),
        ("recall:high", "could not convert"),
        ("cost:fn=10", "cost policy needs fn=<cost>,fp=<cost>"),
        ("cost:fn=1,fp=1,tp=3", "cost policy needs fn=<cost>,fp=<cost>"),
        ("cost:fn=ten,fp=1", "could not convert"),
    ],
)
def test_parse_bad_policies(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ThresholdPolicy.parse(text)
