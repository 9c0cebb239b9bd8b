"""Classification and calibration metrics on tiny hand-computed examples."""

from __future__ import annotations

import math

import numpy as np
import pytest

from driftscope.training.metrics import (
    classification_report,
    confusion_at,
    expected_calibration_error,
    precision_recall_f1,
)

# Three frauds among eight transactions; at threshold 0.5 the flagged ones are 0.9, 0.6 and 0.7.
Y = np.array([1, 1, 1, 0, 0, 0, 0, 0])
P = np.array([0.9, 0.6, 0.3, 0.7, 0.2, 0.1, 0.1, 0.05])


def test_ece_with_two_bins() -> None:
    # Bin [0, 0.5): p 0.1 + 0.2 vs 0 frauds -> 0.3; bin [0.5, 1]: p 0.7 + 0.9 vs 2 frauds -> 0.4.
    ece = expected_calibration_error(np.array([0, 0, 1, 1]), np.array([0.1, 0.2, 0.7, 0.9]), 2)
    assert ece == pytest.approx((0.3 + 0.4) / 4)


def test_ece_with_default_fifteen_bins() -> None:
    # 0.1 falls in bin 1 (p 0.2 vs 1 fraud -> 0.8), 0.9 in bin 13 (p 1.8 vs 2 frauds -> 0.2).
    ece = expected_calibration_error(np.array([0, 1, 1, 1]), np.array([0.1, 0.1, 0.9, 0.9]))
    assert ece == pytest.approx((0.8 + 0.2) / 4)


def test_ece_is_zero_when_perfectly_calibrated_including_p_equal_one() -> None:
    y = np.array([0, 1, 1, 0, 1])
    p = np.array([0.5, 0.5, 1.0, 0.0, 1.0])
    assert expected_calibration_error(y, p) == pytest.approx(0.0)


def test_ece_of_nothing_is_nan() -> None:
    assert math.isnan(expected_calibration_error(np.array([]), np.array([])))


def test_confusion_at_counts_scores_on_the_threshold_as_fraud() -> None:
    assert confusion_at(Y, P, 0.6) == {"tp": 2, "fp": 1, "fn": 1, "tn": 4}
    assert confusion_at(Y, P, 0.61) == {"tp": 1, "fp": 1, "fn": 2, "tn": 4}


def test_precision_recall_f1_handles_empty_denominators() -> None:
    assert precision_recall_f1(2, 1, 3) == pytest.approx((2 / 3, 2 / 5, 0.5))
    assert precision_recall_f1(0, 0, 0) == (0.0, 0.0, 0.0)


def test_classification_report_on_hand_made_example() -> None:
    report = classification_report(Y, P, 0.5)
    assert report["n"] == 8
    assert (report["tp"], report["fp"], report["fn"], report["tn"]) == (2, 1, 1, 4)
    assert report["precision"] == pytest.approx(2 / 3)
    assert report["recall"] == pytest.approx(2 / 3)
    assert report["f1"] == pytest.approx(2 / 3)
    # 13 of the 15 (fraud, legit) pairs are ranked correctly: 0.6 < 0.7 and 0.3 < 0.7.
    assert report["roc_auc"] == pytest.approx(13 / 15)
    # Frauds at ranks 1, 3 and 4: precision 1, 2/3 and 3/4.
    assert report["pr_auc"] == pytest.approx((1 + 2 / 3 + 3 / 4) / 3)
    assert report["brier"] == pytest.approx(
        (0.01 + 0.16 + 0.49 + 0.49 + 0.04 + 0.01 + 0.01 + 0.0025) / 8
    )
    assert report["fraud_rate"] == pytest.approx(3 / 8)
    assert report["predicted_rate"] == pytest.approx(3 / 8)
    assert report["ece"] == pytest.approx(expected_calibration_error(Y, P))


def test_classification_report_with_one_class_has_no_aucs() -> None:
    report = classification_report(np.zeros(4), np.array([0.1, 0.2, 0.6, 0.9]), 0.5)
    assert math.isnan(report["roc_auc"])
    assert math.isnan(report["pr_auc"])
    assert report["fp"] == 2
    assert report["precision"] == 0.0
    assert report["recall"] == 0.0
