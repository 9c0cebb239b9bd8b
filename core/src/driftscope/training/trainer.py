"""Train, calibrate, choose a threshold, evaluate, profile, write artifacts and register."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd
import xgboost as xgb
from sklearn.model_selection import train_test_split

from driftscope.contract import FeatureContract, get_contract
from driftscope.db import create_engine, make_sessionmaker, upgrade
from driftscope.errors import ArtifactError
from driftscope.generator import generate_frame
from driftscope.profile import build_profile
from driftscope.registry import next_version, register_version
from driftscope.serving.artifact import write_manifest
from driftscope.serving.forest import CompiledForest, FlatForest, compile_evaluator
from driftscope.settings import Settings
from driftscope.training.calibration import PlattCalibrator
from driftscope.training.dataset import load_training_csv
from driftscope.training.metrics import classification_report, expected_calibration_error
from driftscope.training.threshold import ThresholdPolicy, select_threshold, threshold_table

Progress = Callable[[str, float], None]  # (stage description, fraction done of that stage)
MAX_ROUNDS = 1_000
XGB_PARAMS: dict[str, Any] = {
    "objective": "binary:logistic",
    "tree_method": "hist",
    "max_depth": 5,
    "eta": 0.05,
    "subsample": 0.9,
    "colsample_bytree": 0.9,
    "min_child_weight": 2,
    "eval_metric": "auc",
}


@dataclass
class TrainConfig:
    rows: int = 50_000
    seed: int = 42
    data: Path | None = None
    policy: ThresholdPolicy = field(default_factory=lambda: ThresholdPolicy("f1"))
    model_name: str = "fraud"
    kind: str = "xgboost"


@dataclass
class TrainedModel:
    booster: xgb.Booster
    calibrator: PlattCalibrator
    threshold: float
    table: dict[str, np.ndarray]
    metrics: dict[str, Any]
    profile: dict[str, Any]
    check_matrix: np.ndarray


@dataclass
class TrainResult:
    version: int
    directory: Path
    threshold: float
    metrics: dict[str, Any]
    promoted: bool
    evaluator: str


def _noop(_stage: str, _fraction: float) -> None:
    return None


class _RoundProgress(xgb.callback.TrainingCallback):
    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    def after_iteration(self, model: Any, epoch: int, evals_log: Any) -> bool:
        self.progress("boosting", min(1.0, (epoch + 1) / MAX_ROUNDS))
        return False


def load_data(config: TrainConfig, contract: FeatureContract) -> pd.DataFrame:
    if config.data is not None:
        return load_training_csv(config.data, contract)
    return generate_frame(config.rows, seed=config.seed)


def fit(
    frame: pd.DataFrame, contract: FeatureContract, config: TrainConfig, progress: Progress = _noop
) -> TrainedModel:
    """Fit booster (early stopping on validation), Platt calibration and the threshold."""
    y = frame[contract.label].to_numpy()
    train, rest = train_test_split(frame, test_size=0.3, stratify=y, random_state=config.seed)
    val, test = train_test_split(
        rest, test_size=0.5, stratify=rest[contract.label], random_state=config.seed
    )
    matrices = {
        name: contract.encode_columns(part)
        for name, part in (("train", train), ("val", val), ("test", test))
    }
    labels = {
        name: part[contract.label].to_numpy()
        for name, part in (("train", train), ("val", val), ("test", test))
    }
    # Rare positives: weight them up for the ranking; calibration below restores probabilities.
    pos_weight = float((labels["train"] == 0).sum() / max(1, (labels["train"] == 1).sum()))
    params = {
        **XGB_PARAMS,
        "scale_pos_weight": pos_weight,
        "seed": config.seed,
        "nthread": os.cpu_count() or 1,
    }
    dtrain = xgb.DMatrix(matrices["train"], labels["train"], feature_names=contract.names)
    dval = xgb.DMatrix(matrices["val"], labels["val"], feature_names=contract.names)
    booster = xgb.train(
        params,
        dtrain,
        MAX_ROUNDS,
        evals=[(dval, "val")],
        early_stopping_rounds=50,
        verbose_eval=False,
        callbacks=[_RoundProgress(progress)],
    )
    # The sliced booster no longer carries best_iteration: keep it for the metrics.
    best_iteration = int(booster.best_iteration)
    booster = booster[: best_iteration + 1]
    progress("boosting", 1.0)

    def margin(name: str) -> np.ndarray:
        return np.asarray(
            booster.inplace_predict(matrices[name], predict_type="margin"), dtype=np.float64
        )

    raw = {name: 1.0 / (1.0 + np.exp(-margin(name))) for name in matrices}
    calibrator = PlattCalibrator.fit(margin("val"), labels["val"])
    calibrated = {name: calibrator(margin(name)) for name in matrices}
    progress("calibration", 1.0)
    table = threshold_table(labels["val"], calibrated["val"])
    threshold = select_threshold(table, config.policy)
    metrics = {
        "test": classification_report(labels["test"], calibrated["test"], threshold),
        "validation": classification_report(labels["val"], calibrated["val"], threshold),
        "ece_uncalibrated": {
            n: expected_calibration_error(labels[n], raw[n]) for n in ("val", "test")
        },
        "ece_calibrated": {
            n: expected_calibration_error(labels[n], calibrated[n]) for n in ("val", "test")
        },
        "threshold_policy": config.policy.describe(),
        "calibration": calibrator.to_dict(),
        "best_iteration": best_iteration,
        "n_trees": booster.num_boosted_rounds(),
        "rows": {n: len(labels[n]) for n in labels},
        "scale_pos_weight": pos_weight,
        "seed": config.seed,
        "data": str(config.data) if config.data else f"generated:{config.rows}",
    }
    progress("evaluation", 1.0)
    held_out = np.concatenate([calibrated["val"], calibrated["test"]])
    profile = build_profile(contract, train, held_out, seed=config.seed)
    progress("reference profile", 1.0)
    return TrainedModel(booster, calibrator, threshold, table, metrics, profile, matrices["test"])


def _evaluator_check_matrix(
    forest: FlatForest, base: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """10k rows from test data with NaNs and values exactly on split thresholds."""
    x = base[rng.integers(0, len(base), 10_000)].copy()
    splits = np.flatnonzero(forest.left >= 0)
    picks = rng.choice(splits, 5_000)
    x[rng.integers(0, len(x), 5_000), forest.feature[picks]] = forest.value[picks]
    x[rng.random(x.shape) < 0.05] = np.nan
    return x


def build_evaluator(trained: TrainedModel, directory: Path, n_features: int) -> dict[str, Any]:
    """Flatten the trees, compile the C evaluator and prove it matches XGBoost's margin."""
    raw_json = orjson.loads(bytes(trained.booster.save_raw("json")))
    forest = FlatForest.from_xgboost_json(raw_json, n_features)
    forest.save(directory / "forest.npz")
    try:
        library = compile_evaluator(directory / "evaluator.so")
    except ArtifactError as exc:
        return {"evaluator": "xgboost", "reason": str(exc)}
    check = _evaluator_check_matrix(forest, trained.check_matrix, np.random.default_rng(7))
    expected = trained.booster.inplace_predict(check, predict_type="margin")
    diff = float(np.max(np.abs(CompiledForest(forest, library).margin(check) - expected)))
    if diff > 1e-6:
        library.unlink()
        return {"evaluator": "xgboost", "reason": f"compiled margin differs by {diff:g}"}
    return {
        "evaluator": "compiled",
        "forest_file": "forest.npz",
        "evaluator_file": "evaluator.so",
        "evaluator_check": {"rows": len(check), "max_abs_margin_diff": diff},
    }


def write_artifacts(
    trained: TrainedModel, directory: Path, model_name: str, version: int, kind: str
) -> tuple[str, str]:
    """Write model, evaluator, tables, profile and manifest; returns (sha256, evaluator)."""
    directory.mkdir(parents=True, exist_ok=True)
    trained.booster.save_model(str(directory / "model.json"))
    with (directory / "threshold_table.csv").open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(list(trained.table))
        for row in zip(*trained.table.values(), strict=True):
            writer.writerow([f"{v:.6g}" for v in row])
    (directory / "reference_profile.json").write_bytes(orjson.dumps(trained.profile))
    evaluator = build_evaluator(trained, directory, len(trained.profile["features"]))
    manifest = {
        "model_name": model_name,
        "version": version,
        "kind": kind,
        "model_file": "model.json",
        "threshold": trained.threshold,
        "calibration": trained.calibrator.to_dict(),
        "metrics": trained.metrics,
        "feature_names": list(trained.profile["features"]),
        "xgboost_version": xgb.__version__,
        **evaluator,
    }
    return write_manifest(directory, manifest), evaluator["evaluator"]


async def train_and_register(
    config: TrainConfig, settings: Settings, progress: Progress = _noop
) -> TrainResult:
    """The whole `driftscope train`: data → model → artifacts → registry row."""
    contract = get_contract(config.model_name)
    frame = load_data(config, contract)
    progress("data", 1.0)
    trained = fit(frame, contract, config, progress)
    engine = create_engine(settings.resolved_database_url)
    try:
        await upgrade(engine)
        async with make_sessionmaker(engine)() as session, session.begin():
            version = await next_version(session, config.model_name)
            directory = settings.models_dir / config.model_name / f"v{version}"
            sha, evaluator = write_artifacts(
                trained, directory, config.model_name, version, config.kind
            )
            progress("artifacts", 1.0)
            metrics = {**trained.metrics, "evaluator": evaluator}
            _, promoted = await register_version(
                session,
                model_name=config.model_name,
                version=version,
                kind=config.kind,
                artifact_path=str(directory),
                sha256=sha,
                metrics=metrics,
                threshold=trained.threshold,
                profile=trained.profile,
            )
    finally:
        await engine.dispose()
    progress("registry", 1.0)
    return TrainResult(version, directory, trained.threshold, metrics, promoted, evaluator)
