"""The `xgboost` kind: gradient-boosted trees (hist), explained by TreeSHAP (`pred_contribs`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import xgboost as xgb

from driftscope.predictors.base import Explanation, Progress, Splits, explanations, sigmoid
from driftscope.serving.forest import FlatForest

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
MODEL_FILE = "model.json"


class _RoundProgress(xgb.callback.TrainingCallback):
    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    def after_iteration(self, model: Any, epoch: int, evals_log: Any) -> bool:
        self.progress("boosting", min(1.0, (epoch + 1) / MAX_ROUNDS))
        return False


class XGBoostPredictor:
    kind = "xgboost"

    def __init__(
        self, booster: xgb.Booster, params: dict[str, Any], best_iteration: int | None = None
    ) -> None:
        self.booster = booster
        self.params = params
        self.best_iteration = best_iteration

    @classmethod
    def load(cls, path: Path) -> XGBoostPredictor:
        booster = xgb.Booster(model_file=str(path))
        booster.set_param({"nthread": 1})
        return cls(booster, {})

    def margin(self, matrix: np.ndarray) -> np.ndarray:
        out = self.booster.inplace_predict(np.asarray(matrix), predict_type="margin")
        return np.asarray(out, dtype=np.float64)

    def margin_row(self, row: list[float]) -> float:
        return float(self.margin(np.asarray([row], dtype=np.float32))[0])

    def predict_proba(self, matrix: np.ndarray) -> np.ndarray:
        return sigmoid(self.margin(matrix))

    def explain(self, matrix: np.ndarray) -> list[Explanation]:
        """TreeSHAP values; XGBoost puts the bias (expected margin) in the last column."""
        data = xgb.DMatrix(np.asarray(matrix), feature_names=self.booster.feature_names)
        contribs = np.asarray(self.booster.predict(data, pred_contribs=True), dtype=np.float64)
        return explanations("tree_shap", contribs[:, -1], contribs[:, :-1])

    def save(self, directory: Path) -> dict[str, Any]:
        self.booster.save_model(str(directory / MODEL_FILE))
        return {"model_file": MODEL_FILE, "xgboost_version": xgb.__version__}

    def flat_forest(self, n_features: int) -> FlatForest:
        raw_json = orjson.loads(bytes(self.booster.save_raw("json")))
        return FlatForest.from_xgboost_json(raw_json, n_features)

    def summary(self) -> dict[str, Any]:
        return {
            "best_iteration": self.best_iteration,
            "n_trees": self.booster.num_boosted_rounds(),
            "scale_pos_weight": self.params.get("scale_pos_weight"),
        }


def fit_xgboost(
    splits: Splits,
    params: dict[str, Any],
    seed: int,
    feature_names: list[str],
    progress: Progress,
) -> XGBoostPredictor:
    """Boost with early stopping on validation AUC; rare positives weighted up for ranking."""
    y = splits.y_train
    pos_weight = float((y == 0).sum() / max(1, (y == 1).sum()))
    full = {
        **XGB_PARAMS,
        "scale_pos_weight": pos_weight,
        **params,
        "seed": seed,
        "nthread": os.cpu_count() or 1,
    }
    rounds = int(full.pop("n_rounds", MAX_ROUNDS))
    dtrain = xgb.DMatrix(splits.x_train, y, feature_names=feature_names)
    dval = xgb.DMatrix(splits.x_val, splits.y_val, feature_names=feature_names)
    booster = xgb.train(
        full,
        dtrain,
        rounds,
        evals=[(dval, "val")],
        early_stopping_rounds=50,
        verbose_eval=False,
        callbacks=[_RoundProgress(progress)],
    )
    # The sliced booster no longer carries best_iteration: keep it for the metrics.
    best_iteration = int(booster.best_iteration)
    booster = booster[: best_iteration + 1]
    progress("boosting", 1.0)
    recorded = {k: v for k, v in full.items() if k not in ("nthread", "seed")}
    return XGBoostPredictor(booster, recorded, best_iteration)
