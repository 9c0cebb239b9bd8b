"""Every model kind: trained on small data, written, loaded and served like the in-memory model."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from driftscope.contract import FRAUD_CONTRACT
from driftscope.generator import generate_frame
from driftscope.predictors import KINDS
from driftscope.serving.artifact import LoadedModel, load_model, read_manifest
from driftscope.serving.forest import CompiledForest, FlatForest
from driftscope.training.trainer import TrainConfig, TrainedModel, fit, write_artifacts


@dataclass(frozen=True)
class Served:
    trained: TrainedModel
    loaded: LoadedModel
    directory: Path


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return generate_frame(4_000, seed=11)


@pytest.fixture(scope="module", params=KINDS)
def served(
    request: pytest.FixtureRequest, frame: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory
) -> Served:
    kind = request.param
    params = {"n_estimators": 30} if kind == "random_forest" else {}
    trained = fit(frame, FRAUD_CONTRACT, TrainConfig(rows=4_000, seed=11, kind=kind, params=params))
    directory = tmp_path_factory.mktemp(kind) / "v1"
    sha, _ = write_artifacts(trained, directory, "fraud", 1, kind)
    return Served(trained, load_model(directory, sha, 1), directory)


def test_loaded_probabilities_match_the_in_memory_model(served: Served) -> None:
    trained, loaded = served.trained, served.loaded
    x = trained.check_matrix.copy()
    x[::5, 5] = np.nan  # distance missing
    x[::7, 2] = np.nan  # unseen merchant category
    expected = trained.calibrator(trained.predictor.margin(x))
    np.testing.assert_allclose(loaded.probability(x), expected, rtol=0, atol=1e-6)
    rows = [loaded.probability_row(r) for r in x[:300].tolist()]
    np.testing.assert_allclose(rows, expected[:300], rtol=0, atol=1e-6)
    assert loaded.kind == trained.predictor.kind == trained.metrics["kind"]


def test_every_kind_gets_calibration_threshold_metrics_and_profile(served: Served) -> None:
    metrics = served.trained.metrics
    assert metrics["kind"] == served.loaded.kind
    assert metrics["calibration"]["method"] == "platt"
    assert 0.75 < metrics["test"]["roc_auc"] <= 1.0
    assert metrics["ece_calibrated"]["test"] == metrics["test"]["ece"]
    assert served.loaded.threshold == served.trained.threshold
    assert served.trained.profile["n"] == 2_800
    manifest = read_manifest(served.directory)
    assert {"manifest.json", "rules.json"} - {"manifest.json", *manifest["files"]} == set()
    assert manifest["rules_file"] == "rules.json"


def test_explanation_sums_to_the_raw_margin(served: Served) -> None:
    x = served.trained.check_matrix[:40]
    margin = served.trained.predictor.margin(x)
    found = served.loaded.explain(x)
    assert len(found) == 40
    for explanation, expected in zip(found, margin, strict=True):
        total = explanation.bias + float(explanation.contributions.sum())
        assert total == pytest.approx(explanation.margin, abs=1e-9)
        assert explanation.margin == pytest.approx(float(expected), abs=1e-4)
    assert (
        found[0].method
        == {
            "xgboost": "tree_shap",
            "random_forest": "saabas",
            "decision_tree": "saabas",
            "logistic": "linear",
            "rules": "points",
        }[served.loaded.kind]
    )


def test_explanation_dict_is_sorted_by_magnitude(served: Served) -> None:
    record = FRAUD_CONTRACT.example()
    encoded = np.asarray([FRAUD_CONTRACT.encode_record(record)], dtype=np.float32)
    shown = served.loaded.explain(encoded)[0].to_dict(
        FRAUD_CONTRACT.names, [record[n] for n in FRAUD_CONTRACT.names]
    )
    sizes = [abs(c["contribution"]) for c in shown["contributions"]]
    assert sizes == sorted(sizes, reverse=True)
    assert {c["feature"]: c["value"] for c in shown["contributions"]} == record


def test_tree_kinds_use_the_compiled_evaluator_and_its_numpy_twin(served: Served) -> None:
    if served.loaded.kind not in ("xgboost", "random_forest", "decision_tree"):
        assert served.loaded.manifest["evaluator"] in ("linear", "scorecard")
        return
    assert isinstance(served.loaded.evaluator, CompiledForest)
    check = served.loaded.manifest["evaluator_check"]
    assert check["rows"] == 10_000
    forest = FlatForest.load(served.directory / "forest.npz")
    x = served.trained.check_matrix.copy()
    x[::3, 0] = np.nan
    np.testing.assert_allclose(
        forest.margin(x), served.loaded.evaluator.margin(x), rtol=0, atol=1e-4
    )
