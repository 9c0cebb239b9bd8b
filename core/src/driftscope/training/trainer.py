"""Train any model kind, calibrate, choose a threshold, evaluate, profile, write and register."""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd
import xgboost as xgb
from sklearn.model_selection import train_test_split

from driftscope.contract import FeatureContract, get_contract
from driftscope.db import script_sessions
from driftscope.errors import ArtifactError
from driftscope.events import add_event, notify
from driftscope.generator import generate_frame
from driftscope.predictors import Predictor, Splits, fit_predictor
from driftscope.predictors.base import Progress
from driftscope.predictors.boosting import MAX_ROUNDS, XGB_PARAMS, XGBoostPredictor
from driftscope.profile import build_profile
from driftscope.registry import next_version, register_version, set_alias
from driftscope.rules import (
    RULES_FILE,
    RulePolicy,
    RuleSet,
    decide_rows,
    default_ruleset,
    fast_path_summary,
    measure_rules,
)
from driftscope.serving.artifact import write_manifest
from driftscope.serving.forest import CompiledForest, FlatForest, compile_evaluator
from driftscope.settings import Settings
from driftscope.spec import ModelSpec, shipped_spec
from driftscope.training.calibration import PlattCalibrator
from driftscope.training.dataset import load_training_csv
from driftscope.training.metrics import classification_report, expected_calibration_error
from driftscope.training.runs import REGISTERED, record_trained
from driftscope.training.threshold import (
    ThresholdPolicy,
    select_threshold,
    threshold_table,
    write_threshold_table,
)
from driftscope.training.user_data import target_labels

__all__ = ["MAX_ROUNDS", "XGB_PARAMS", "TrainConfig", "TrainedModel", "fit", "write_artifacts"]
log = logging.getLogger(__name__)
# Largest |compiled − in-memory| margin accepted: XGBoost's own walk is matched bit for bit;
# sklearn trees are summed in float64 in memory and in float32 by the C evaluator.
EVALUATOR_TOLERANCE = {"xgboost": 1e-6}
DEFAULT_TOLERANCE = 1e-4


@dataclass
class TrainConfig:
    rows: int = 50_000
    seed: int = 42
    data: Path | None = None
    policy: ThresholdPolicy = field(default_factory=lambda: ThresholdPolicy("f1"))
    model_name: str = "fraud"
    kind: str = "xgboost"
    params: dict[str, Any] = field(default_factory=dict)  # overrides of the kind's defaults
    rules: RulePolicy = field(default_factory=RulePolicy)
    register_as: str | None = None  # extra alias for the new version, e.g. "candidate"
    # A user model's spec (its data's target mapped by it); None: the built-in model's.
    spec: ModelSpec | None = None

    def contract(self) -> FeatureContract:
        return get_contract(self.model_name) if self.spec is None else self.spec.contract()

    @property
    def has_rules(self) -> bool:
        """The rule set is written for the built-in fraud features: a user model has none."""
        return self.spec is None or self.spec == shipped_spec(self.model_name)


@dataclass
class TrainedModel:
    predictor: Predictor
    calibrator: PlattCalibrator
    threshold: float
    table: dict[str, np.ndarray]
    metrics: dict[str, Any]
    profile: dict[str, Any]
    check_matrix: np.ndarray
    rules: RuleSet | None = None
    held_out_scores: np.ndarray | None = None  # calibrated validation + test scores

    @property
    def booster(self) -> xgb.Booster:
        if not isinstance(self.predictor, XGBoostPredictor):
            raise AttributeError(f"a {self.predictor.kind} model has no XGBoost booster")
        return self.predictor.booster


@dataclass
class TrainResult:
    version: int
    directory: Path
    threshold: float
    metrics: dict[str, Any]
    promoted: bool
    evaluator: str
    run_id: int | None = None
    event_id: int | None = None  # the `model` event announcing the new version


@dataclass(frozen=True)
class DataSplits:
    """The 70/15/15 stratified split, as frames (for the profile) and encoded matrices."""

    frames: dict[str, pd.DataFrame]
    x: dict[str, np.ndarray]
    y: dict[str, np.ndarray]

    def fitting(self) -> Splits:
        return Splits(self.x["train"], self.y["train"], self.x["val"], self.y["val"])


def _noop(_stage: str, _fraction: float) -> None:
    return None


def load_data(config: TrainConfig, contract: FeatureContract) -> pd.DataFrame:
    if config.data is not None:
        labels = None if config.spec is None else target_labels(config.spec)
        return load_training_csv(config.data, contract, labels)
    return generate_frame(config.rows, seed=config.seed)


def split_data(frame: pd.DataFrame, contract: FeatureContract, seed: int) -> DataSplits:
    y = frame[contract.label].to_numpy()
    train, rest = train_test_split(frame, test_size=0.3, stratify=y, random_state=seed)
    val, test = train_test_split(
        rest, test_size=0.5, stratify=rest[contract.label], random_state=seed
    )
    frames = {"train": train, "val": val, "test": test}
    return DataSplits(
        frames,
        {n: contract.encode_columns(part) for n, part in frames.items()},
        {n: part[contract.label].to_numpy() for n, part in frames.items()},
    )


def fit(
    frame: pd.DataFrame, contract: FeatureContract, config: TrainConfig, progress: Progress = _noop
) -> TrainedModel:
    """Fit the configured kind, then calibrate, choose the threshold, evaluate and profile."""
    data = split_data(frame, contract, config.seed)
    started = time.perf_counter()
    predictor = fit_predictor(
        config.kind, contract, data.fitting(), config.params, config.seed, progress
    )
    trained = evaluate(predictor, data, contract, config, time.perf_counter() - started, progress)
    if frame.attrs.get("unlabelled"):  # a user CSV's rows without a target value
        trained.metrics["unlabelled_rows_skipped"] = frame.attrs["unlabelled"]
    add_profile(trained, data, contract, config.seed, progress)
    return trained


def _rules_report(
    contract: FeatureContract, data: DataSplits, policy: RulePolicy
) -> tuple[RuleSet, dict[str, Any]]:
    """The default rule set measured on the test split; rules under the floors are dropped."""
    measured = measure_rules(default_ruleset(contract), data.x["test"], data.y["test"], policy)
    for entry in measured.report:
        if not entry["accepted"]:
            log.warning("rule %s refused: %s", entry["id"], entry["reason"])
    return measured, {
        "version": measured.version,
        "evaluated_on": "test",
        "policy": asdict(policy),
        "rules": measured.report,
        "fast_path": fast_path_summary(measured, data.x["test"], data.y["test"]),
    }


def evaluate(
    predictor: Predictor,
    data: DataSplits,
    contract: FeatureContract,
    config: TrainConfig,
    train_seconds: float,
    progress: Progress = _noop,
) -> TrainedModel:
    """Platt calibration on the validation margin, threshold on validation, test metrics."""
    margin = {name: predictor.margin(x) for name, x in data.x.items()}
    raw = {name: 1.0 / (1.0 + np.exp(-m)) for name, m in margin.items()}
    calibrator = PlattCalibrator.fit(margin["val"], data.y["val"])
    calibrated = {name: calibrator(m) for name, m in margin.items()}
    progress("calibration", 1.0)
    labels = data.y
    table = threshold_table(labels["val"], calibrated["val"])
    threshold = select_threshold(table, config.policy)
    rules, rules_metrics = (
        _rules_report(contract, data, config.rules) if config.has_rules else (None, None)
    )
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
        "kind": predictor.kind,
        "params": predictor.params,
        **predictor.summary(),
        "train_seconds": round(train_seconds, 3),
        "rows": {n: len(labels[n]) for n in labels},
        "seed": config.seed,
        "data": str(config.data) if config.data else f"generated:{config.rows}",
        **({"rules": rules_metrics} if rules_metrics else {}),
    }
    progress("evaluation", 1.0)
    held_out = np.concatenate(
        [served_scores(rules, data.x[n], calibrated[n], threshold) for n in ("val", "test")]
    )
    return TrainedModel(
        predictor, calibrator, threshold, table, metrics, {}, data.x["test"], rules, held_out
    )


def served_scores(
    rules: RuleSet | None, x: np.ndarray, calibrated: np.ndarray, threshold: float
) -> np.ndarray:
    """The scores /predict answers for encoded rows `x`: an accepted rule's probability where
    one matches (the fast path), else the calibrated model score. The reference profile's score
    histogram is built from these, so the rules' constant scores do not read as drift."""
    if rules is None or not rules.rules:
        return calibrated
    return decide_rows(rules, x, lambda rows: calibrated[rows], threshold)[0]


def add_profile(
    trained: TrainedModel,
    data: DataSplits,
    contract: FeatureContract,
    seed: int,
    progress: Progress = _noop,
) -> None:
    """The drift reference: training inputs and held-out calibrated scores."""
    held_out = trained.held_out_scores
    assert held_out is not None  # set by evaluate()
    trained.profile = build_profile(contract, data.frames["train"], held_out, seed=seed)
    progress("reference profile", 1.0)


def _evaluator_check_matrix(
    forest: FlatForest, base: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """10k rows from test data with NaNs and values exactly on split thresholds."""
    x = base[rng.integers(0, len(base), 10_000)].copy()
    splits = np.flatnonzero((forest.left >= 0) & np.isfinite(forest.value))
    if len(splits):
        picks = rng.choice(splits, 5_000)
        x[rng.integers(0, len(x), 5_000), forest.feature[picks]] = forest.value[picks]
    x[rng.random(x.shape) < 0.05] = np.nan
    return x


def build_evaluator(trained: TrainedModel, directory: Path, n_features: int) -> dict[str, Any]:
    """Flatten the trees, compile the C evaluator and prove it matches the model's margin."""
    predictor = trained.predictor
    fallback = "xgboost" if predictor.kind == "xgboost" else "numpy"
    forest: FlatForest = predictor.flat_forest(n_features)  # type: ignore[attr-defined]
    forest.save(directory / "forest.npz")
    try:
        library = compile_evaluator(directory / "evaluator.so")
    except ArtifactError as exc:
        return {"evaluator": fallback, "forest_file": "forest.npz", "reason": str(exc)}
    check = _evaluator_check_matrix(forest, trained.check_matrix, np.random.default_rng(7))
    expected = predictor.margin(check)
    diff = float(np.max(np.abs(CompiledForest(forest, library).margin(check) - expected)))
    if diff > EVALUATOR_TOLERANCE.get(predictor.kind, DEFAULT_TOLERANCE):
        library.unlink()
        return {
            "evaluator": fallback,
            "forest_file": "forest.npz",
            "reason": f"compiled margin differs by {diff:g}",
        }
    return {
        "evaluator": "compiled",
        "forest_file": "forest.npz",
        "evaluator_file": "evaluator.so",
        "evaluator_check": {"rows": len(check), "max_abs_margin_diff": diff},
    }


def write_artifacts(
    trained: TrainedModel, directory: Path, model_name: str, version: int, kind: str
) -> tuple[str, str]:
    """Write model, evaluator, rules, tables, profile and manifest; returns (sha256, evaluator)."""
    directory.mkdir(parents=True, exist_ok=True)
    entries = trained.predictor.save(directory)
    write_threshold_table(directory / "threshold_table.csv", trained.table)
    (directory / "reference_profile.json").write_bytes(orjson.dumps(trained.profile))
    if trained.rules is not None:
        trained.rules.save(directory / RULES_FILE)
        entries["rules_file"] = RULES_FILE
    if hasattr(trained.predictor, "flat_forest"):
        evaluator = build_evaluator(trained, directory, len(trained.profile["features"]))
    else:  # linear and scorecard kinds are evaluated in Python directly
        evaluator = {"evaluator": {"logistic": "linear", "rules": "scorecard"}[kind]}
    manifest = {
        "model_name": model_name,
        "version": version,
        "kind": kind,
        "threshold": trained.threshold,
        "calibration": trained.calibrator.to_dict(),
        "metrics": trained.metrics,
        "feature_names": list(trained.profile["features"]),
        **entries,
        **evaluator,
    }
    return write_manifest(directory, manifest), evaluator["evaluator"]


async def register_trained(
    session: Any,
    trained: TrainedModel,
    settings: Settings,
    config: TrainConfig,
    progress: Progress = _noop,
) -> tuple[TrainResult, Path]:
    """Write the artifacts of a trained model and register them as the next version."""
    version = await next_version(session, config.model_name)
    directory = settings.models_dir / config.model_name / f"v{version}"
    sha, evaluator = write_artifacts(trained, directory, config.model_name, version, config.kind)
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
        spec=config.spec,
    )
    if config.register_as:
        await set_alias(session, config.model_name, config.register_as, version)
    # Announced like a promotion: a running backend starts serving a new model's first version
    # (and every replica learns of the new version) without a restart.
    event = await add_event(
        session,
        config.model_name,
        "model",
        {"action": "registered", "version": version, "promoted": promoted, "changed": promoted},
    )
    result = TrainResult(version, directory, trained.threshold, metrics, promoted, evaluator)
    result.event_id = event.id
    return result, directory


async def train_and_register(
    config: TrainConfig, settings: Settings, progress: Progress = _noop
) -> TrainResult:
    """The whole `driftscope train`: data → model → artifacts → registry row and run row."""
    contract = config.contract()
    frame = load_data(config, contract)
    progress("data", 1.0)
    started = time.perf_counter()
    trained = fit(frame, contract, config, progress)
    duration = time.perf_counter() - started
    async with script_sessions(settings.resolved_database_url) as sessions:
        async with sessions() as session, session.begin():
            result, directory = await register_trained(session, trained, settings, config, progress)
            run = await record_trained(
                session,
                config,
                trained,
                duration,
                cv_metrics={},
                status=REGISTERED,
                artifact_path=str(directory),
                model_version=result.version,
            )
            result.run_id = run.id
        async with sessions() as session:
            await notify(session, result.event_id)  # after commit: listeners read the event
    progress("registry", 1.0)
    return result
