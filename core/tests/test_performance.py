"""Window performance: realised metrics on late labels, label coverage, and the CBPE estimate."""

from __future__ import annotations

import math

import numpy as np
import pytest

from driftscope.contract import FRAUD_CONTRACT
from driftscope.generator import generate_frame
from driftscope.performance import estimate, window_performance
from driftscope.serving.artifact import load_model
from driftscope.testing import TrainedArtifact
from driftscope.training.metrics import classification_report


def test_estimate_by_hand() -> None:
    # Flagged at 0.5: p = 0.9, 0.6 → expected TP 1.5, FP 0.5; unflagged 0.2, 0.1 → FN 0.3.
    result = estimate(np.array([0.9, 0.6, 0.2, 0.1]), 0.5)
    precision, recall = 1.5 / 2.0, 1.5 / 1.8
    assert result["precision"] == pytest.approx(precision)
    assert result["recall"] == pytest.approx(recall)
    assert result["f1"] == pytest.approx(2 * precision * recall / (precision + recall))
    assert result["fraud_rate"] == pytest.approx(0.45)


def test_estimate_of_no_scores_is_nan() -> None:
    assert all(math.isnan(v) for v in estimate(np.array([]), 0.5).values())


def test_estimate_matches_realised_when_calibration_holds_exactly() -> None:
    # y ~ Bernoulli(p): the scores are calibrated by construction.
    rng = np.random.default_rng(0)
    p = rng.beta(0.5, 8.0, 50_000)
    y = (rng.random(50_000) < p).astype(np.float64)

    result = window_performance(p, y, 0.15)

    realised, estimated = result["realised"], result["estimated"]
    for metric in ("precision", "recall", "f1"):
        assert estimated[metric] == pytest.approx(realised[metric], abs=0.02), metric
    assert estimated["fraud_rate"] == pytest.approx(realised["fraud_rate"], abs=0.005)


def test_estimate_is_within_005_of_realised_f1_for_the_trained_model(
    trained_model: TrainedArtifact,
) -> None:
    model = load_model(trained_model.directory, trained_model.sha256)
    frame = generate_frame(40_000, seed=100)  # fresh rows, undrifted
    scores = model.probability(FRAUD_CONTRACT.encode_columns(frame))

    result = window_performance(scores, frame["is_fraud"].to_numpy(), model.threshold)

    assert result["realised"]["f1"] > 0.2  # a model worth monitoring
    assert result["estimated"]["f1"] == pytest.approx(result["realised"]["f1"], abs=0.05)
    assert result["estimated"]["fraud_rate"] == pytest.approx(frame["is_fraud"].mean(), abs=0.01)


def test_estimate_parts_from_realised_under_concept_drift() -> None:
    # Same scores, but fraud now twice as likely as they say: realised recall and precision move.
    rng = np.random.default_rng(1)
    p = rng.beta(0.5, 8.0, 50_000)
    y = (rng.random(50_000) < np.minimum(1.0, 2 * p)).astype(np.float64)
    result = window_performance(p, y, 0.15)
    assert result["realised"]["precision"] - result["estimated"]["precision"] > 0.1


def test_label_coverage_and_realised_on_labelled_rows_only() -> None:
    rng = np.random.default_rng(2)
    p = rng.random(200)
    y = (rng.random(200) < p).astype(np.float64)
    y[::4] = np.nan  # a quarter of the labels has not arrived

    result = window_performance(p, y, 0.5, min_labels=50)

    labelled = ~np.isnan(y)
    assert result["n_predictions"] == 200
    assert result["n_labelled"] == 150
    assert result["label_coverage"] == pytest.approx(0.75)
    assert result["predicted_rate"] == pytest.approx(np.mean(p >= 0.5))
    assert result["sufficient_labels"] is True
    assert result["realised"] == classification_report(y[labelled], p[labelled], 0.5)
    assert result["estimated"] == estimate(p, 0.5)  # the estimate uses every score


@pytest.mark.parametrize(("n_labelled", "sufficient"), [(49, False), (50, True)])
def test_min_labels(n_labelled: int, sufficient: bool) -> None:
    p = np.linspace(0.01, 0.99, 100)
    y = np.full(100, np.nan)
    y[:n_labelled] = np.arange(n_labelled) % 2

    result = window_performance(p, y, 0.5, min_labels=50)

    assert result["n_labelled"] == n_labelled
    assert result["sufficient_labels"] is sufficient
    assert (result["realised"] is not None) is sufficient
    assert result["estimated"]["f1"] > 0


def test_empty_window() -> None:
    result = window_performance(np.array([]), np.array([]), 0.5)
    assert (result["n_predictions"], result["n_labelled"], result["label_coverage"]) == (0, 0, 0.0)
    assert result["realised"] is None and result["sufficient_labels"] is False
    assert math.isnan(result["predicted_rate"])
