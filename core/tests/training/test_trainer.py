"""Training on default data: discrimination, calibration, threshold choice and metrics."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from driftscope.contract import FRAUD_CONTRACT
from driftscope.generator import generate_frame
from driftscope.training.threshold import ThresholdPolicy, select_threshold
from driftscope.training.trainer import (
    TrainConfig,
    TrainedModel,
    fit,
    load_data,
    served_scores,
)


@pytest.fixture(scope="module")
def progress_log() -> list[tuple[str, float]]:
    return []


@pytest.fixture(scope="module")
def default_model(progress_log: list[tuple[str, float]]) -> TrainedModel:
    """The model `driftscope train` builds with every default (50k rows, seed 42)."""

    def progress(stage: str, fraction: float) -> None:
        progress_log.append((stage, fraction))

    return fit(generate_frame(50_000, seed=42), FRAUD_CONTRACT, TrainConfig(), progress)


@pytest.mark.slow
def test_test_roc_auc_is_realistic(default_model: TrainedModel) -> None:
    assert 0.90 <= default_model.metrics["test"]["roc_auc"] <= 0.95


@pytest.mark.slow
def test_calibration_lowers_test_ece(default_model: TrainedModel) -> None:
    metrics = default_model.metrics
    assert metrics["ece_calibrated"]["test"] < metrics["ece_uncalibrated"]["test"]
    assert metrics["ece_calibrated"]["test"] == metrics["test"]["ece"]
    # The scale_pos_weight booster overstates fraud; calibrated scores match the base rate.
    assert metrics["test"]["predicted_rate"] < 0.2
    assert metrics["calibration"]["method"] == "platt"
    assert metrics["calibration"]["b"] < 0


@pytest.mark.slow
def test_threshold_is_the_f1_choice_on_validation(default_model: TrainedModel) -> None:
    policy = ThresholdPolicy("f1")
    assert default_model.threshold == select_threshold(default_model.table, policy)
    best_f1 = float(np.max(default_model.table["f1"]))
    assert default_model.metrics["validation"]["f1"] == pytest.approx(best_f1)
    assert default_model.metrics["threshold_policy"] == "f1"


@pytest.mark.slow
def test_metrics_describe_the_run(default_model: TrainedModel) -> None:
    metrics = default_model.metrics
    assert metrics["rows"] == {"train": 35_000, "val": 7_500, "test": 7_500}
    assert metrics["test"]["n"] == 7_500
    assert metrics["seed"] == 42
    assert metrics["data"] == "generated:50000"
    assert metrics["n_trees"] == metrics["best_iteration"] + 1
    assert metrics["n_trees"] == default_model.booster.num_boosted_rounds()
    assert metrics["scale_pos_weight"] == pytest.approx(0.96 / 0.04, rel=0.1)
    assert default_model.check_matrix.shape == (7_500, len(FRAUD_CONTRACT.features))
    assert default_model.profile["n"] == 35_000


@pytest.mark.slow
def test_progress_reports_every_stage(
    default_model: TrainedModel, progress_log: list[tuple[str, float]]
) -> None:
    finished = [stage for stage, fraction in progress_log if fraction == 1.0]
    assert finished == ["boosting", "calibration", "evaluation", "reference profile"]
    boosting = [fraction for stage, fraction in progress_log if stage == "boosting"]
    assert boosting == sorted(boosting)


def test_load_data_generates_or_reads_a_csv(tmp_path: Path) -> None:
    generated = load_data(TrainConfig(rows=1_000, seed=3), FRAUD_CONTRACT)
    pd.testing.assert_frame_equal(generated, generate_frame(1_000, seed=3))

    path = tmp_path / "train.csv"
    generated.to_csv(path, index=False)
    loaded = load_data(TrainConfig(data=path), FRAUD_CONTRACT)
    assert loaded.shape == generated.shape
    np.testing.assert_array_equal(
        FRAUD_CONTRACT.encode_columns(loaded), FRAUD_CONTRACT.encode_columns(generated)
    )


class _TwoRules:
    """A stand-in rule set: rows whose first column is 1 match rule 0, 2 match rule 1."""

    rules = (
        SimpleNamespace(probability=0.01, positive=False),
        SimpleNamespace(probability=0.9, positive=True),
    )

    def match_matrix(self, x: np.ndarray) -> np.ndarray:
        return np.where(x[:, 0] == 1, 0, np.where(x[:, 0] == 2, 1, -1))


def test_served_scores_take_a_matching_rules_probability_else_the_models() -> None:
    x = np.array([[0.0], [1.0], [2.0], [1.0]])
    calibrated = np.array([0.3, 0.4, 0.5, 0.6])
    served = served_scores(_TwoRules(), x, calibrated, 0.5)  # type: ignore[arg-type]
    assert served.tolist() == [0.3, 0.01, 0.9, 0.01]
    assert served_scores(None, x, calibrated, 0.5) is calibrated


def test_the_reference_scores_are_what_predict_answers_rules_included(
    default_model: TrainedModel,
) -> None:
    """The live score histogram holds the rules' constant scores (about 9 % of traffic): so
    must the reference's, or clean traffic reads as prediction drift."""
    rules = default_model.rules
    assert rules is not None and rules.rules
    held_out = default_model.held_out_scores
    assert held_out is not None
    constants = {float(r.probability or 0.0) for r in rules.rules}
    on_rules = np.isin(held_out, list(constants)).mean()
    assert 0.02 < on_rules < 0.5
