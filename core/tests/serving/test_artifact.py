"""Model artifacts: manifest hashes, tamper detection and loading with or without the C evaluator."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest

from driftscope.errors import ArtifactError
from driftscope.serving.artifact import (
    MANIFEST,
    BoosterMargin,
    load_model,
    read_manifest,
    sha256_file,
    write_manifest,
)
from driftscope.serving.forest import CompiledForest
from driftscope.testing import TrainedArtifact
from driftscope.training.trainer import write_artifacts


@pytest.fixture
def artifact_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "v1"
    directory.mkdir()
    (directory / "model.json").write_text('{"trees": []}')
    (directory / "profile.json").write_bytes(b"\x00\x01profile")
    return directory


@pytest.fixture
def model_copy(trained_model: TrainedArtifact, tmp_path: Path) -> Path:
    """A private copy of the session model's artifact directory (safe to tamper with)."""
    return Path(shutil.copytree(trained_model.directory, tmp_path / "model"))


def test_manifest_round_trip_records_each_file_hash(artifact_dir: Path) -> None:
    sha = write_manifest(artifact_dir, {"model_name": "fraud", "version": 3})
    assert sha == hashlib.sha256((artifact_dir / MANIFEST).read_bytes()).hexdigest()
    manifest = read_manifest(artifact_dir, sha)
    assert manifest == {
        "model_name": "fraud",
        "version": 3,
        "files": {
            "model.json": hashlib.sha256(b'{"trees": []}').hexdigest(),
            "profile.json": hashlib.sha256(b"\x00\x01profile").hexdigest(),
        },
    }


def test_tampered_file_is_an_artifact_error(artifact_dir: Path) -> None:
    sha = write_manifest(artifact_dir, {"model_name": "fraud"})
    (artifact_dir / "model.json").write_text('{"trees": [1]}')
    with pytest.raises(ArtifactError, match=r"model\.json: missing or sha256 mismatch"):
        read_manifest(artifact_dir, sha)


def test_deleted_file_is_an_artifact_error(artifact_dir: Path) -> None:
    write_manifest(artifact_dir, {"model_name": "fraud"})
    (artifact_dir / "profile.json").unlink()
    with pytest.raises(ArtifactError, match=r"profile\.json: missing or sha256 mismatch"):
        read_manifest(artifact_dir)


def test_wrong_expected_sha_is_an_artifact_error(artifact_dir: Path) -> None:
    write_manifest(artifact_dir, {"model_name": "fraud"})
    with pytest.raises(ArtifactError, match="sha256 does not match the registry"):
        read_manifest(artifact_dir, "0" * 64)


def test_missing_manifest_is_an_artifact_error(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match="no model manifest"):
        read_manifest(tmp_path)


def test_written_artifacts_use_the_verified_compiled_evaluator(
    trained_model: TrainedArtifact,
) -> None:
    manifest = read_manifest(trained_model.directory, trained_model.sha256)
    assert sha256_file(trained_model.directory / MANIFEST) == trained_model.sha256
    assert set(manifest["files"]) == {
        "model.json",
        "forest.npz",
        "evaluator.so",
        "threshold_table.csv",
        "reference_profile.json",
        "rules.json",  # the measured rule set of the fast path, covered like every file
    }
    assert manifest["rules_file"] == "rules.json"
    assert manifest["evaluator"] == "compiled"
    assert manifest["evaluator_check"]["rows"] == 10_000
    assert manifest["evaluator_check"]["max_abs_margin_diff"] <= 1e-6
    assert manifest["threshold"] == trained_model.trained.threshold
    assert manifest["calibration"] == trained_model.trained.calibrator.to_dict()
    assert (manifest["model_name"], manifest["version"], manifest["kind"]) == (
        "fraud",
        1,
        "xgboost",
    )


def test_load_model_serves_calibrated_probabilities(
    trained_model: TrainedArtifact, model_copy: Path
) -> None:
    loaded = load_model(model_copy, trained_model.sha256)
    trained = trained_model.trained
    assert isinstance(loaded.evaluator, CompiledForest)
    assert (loaded.model_name, loaded.version, loaded.threshold) == (
        "fraud",
        1,
        trained.threshold,
    )
    x = trained.check_matrix[:500]
    margin = trained.booster.inplace_predict(x, predict_type="margin")
    np.testing.assert_allclose(loaded.probability(x), trained.calibrator(margin), atol=1e-6)
    row = x[0].tolist()
    assert loaded.probability_row(row) == pytest.approx(float(loaded.probability(x[:1])[0]))


def test_load_model_rejects_a_tampered_model_file(
    trained_model: TrainedArtifact, model_copy: Path
) -> None:
    with (model_copy / "model.json").open("a") as fh:
        fh.write(" ")
    with pytest.raises(ArtifactError, match=r"model\.json: missing or sha256 mismatch"):
        load_model(model_copy, trained_model.sha256)


def test_booster_margin_matches_the_compiled_evaluator(
    trained_model: TrainedArtifact, model_copy: Path
) -> None:
    compiled = load_model(model_copy).evaluator
    fallback = BoosterMargin(model_copy / "model.json")
    x = trained_model.trained.check_matrix[:2_000].copy()
    x[::7, 3] = np.nan
    np.testing.assert_allclose(fallback.margin(x), compiled.margin(x), rtol=0, atol=1e-6)
    assert fallback.margin_row(x[7].tolist()) == pytest.approx(
        compiled.margin_row(x[7].tolist()), abs=1e-6
    )


def test_without_a_compiler_artifacts_fall_back_to_xgboost(
    trained_model: TrainedArtifact, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_compiler(_out_path: Path) -> Path:
        raise ArtifactError("no C compiler found (cc/gcc): cannot build the fast evaluator")

    monkeypatch.setattr("driftscope.training.trainer.compile_evaluator", no_compiler)
    directory = tmp_path / "v1"
    sha, evaluator = write_artifacts(trained_model.trained, directory, "fraud", 1, "xgboost")
    assert evaluator == "xgboost"
    assert not (directory / "evaluator.so").exists()

    loaded = load_model(directory, sha)
    assert loaded.manifest["reason"].startswith("no C compiler")
    assert isinstance(loaded.evaluator, BoosterMargin)
    x = trained_model.trained.check_matrix[:500]
    expected = trained_model.trained.booster.inplace_predict(x, predict_type="margin")
    np.testing.assert_allclose(loaded.evaluator.margin(x), expected, atol=1e-6)
