"""The `logistic` kind: L2 logistic regression on an explicit design, exported as JSON.

Design from the contract's encoding (categories as codes, missing as NaN): a categorical or
boolean feature becomes one indicator per category plus one for missing/unseen; an hour of day
is treated as categorical (the fraud signal is at night, not linear in the hour); a numeric
feature becomes log1p(x) (amounts and counts are heavy-tailed and non-negative), missing values
imputed with the training median plus a missing indicator. Columns are standardised on the
training split, so the margin is intercept + sum(w_j * (t_j - mean_j)) and the attribution of
a feature is the sum of its columns' terms: coef · (x − mean), with the intercept as bias.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from sklearn.linear_model import LogisticRegression

from driftscope.contract import FeatureContract
from driftscope.predictors.base import Explanation, Progress, Splits, explanations, sigmoid

LINEAR_FILE = "logistic.json"
DEFAULTS: dict[str, Any] = {"C": 1.0, "class_weight": "balanced"}


def _columns(contract: FeatureContract, x: np.ndarray) -> list[dict[str, Any]]:
    """Design columns: {feature index, transform, code or impute value}."""
    columns: list[dict[str, Any]] = []
    for i, f in enumerate(contract.features):
        if f.is_categorical or f.unit == "hour":
            n_codes = 2 if f.kind == "boolean" else len(f.categories) or 24
            columns += [{"index": i, "transform": "code", "code": c} for c in range(n_codes)]
            columns.append({"index": i, "transform": "missing"})
        else:
            t = np.log1p(np.maximum(x[:, i].astype(np.float64), 0.0))
            median = float(np.nanmedian(t)) if np.isfinite(t).any() else 0.0
            columns.append({"index": i, "transform": "log1p", "impute": median})
            if f.allow_missing:
                columns.append({"index": i, "transform": "missing"})
    return columns


def _design(columns: list[dict[str, Any]], x: np.ndarray) -> np.ndarray:
    out = np.empty((len(x), len(columns)))
    for j, col in enumerate(columns):
        v = x[:, col["index"]].astype(np.float64)
        if col["transform"] == "code":
            out[:, j] = v == col["code"]
        elif col["transform"] == "missing":
            out[:, j] = np.isnan(v)
        else:
            t = np.log1p(np.maximum(v, 0.0))
            out[:, j] = np.where(np.isnan(t), col["impute"], t)
    return out


def _category_term(
    i: int, base: float, codes: dict[float, float], missing: float
) -> Callable[[list[float]], float]:
    def term(row: list[float]) -> float:
        return base + codes.get(row[i], missing)  # NaN or unseen: the missing indicator

    return term


def _numeric_term(
    i: int, base: float, weight: float, impute: float, missing: float
) -> Callable[[list[float]], float]:
    def term(row: list[float]) -> float:
        v = row[i]
        if math.isnan(v):
            return base + weight * impute + missing
        return base + weight * math.log1p(max(v, 0.0))

    return term


class LinearPredictor:
    kind = "logistic"

    def __init__(
        self,
        columns: list[dict[str, Any]],
        intercept: float,
        n_features: int,
        params: dict[str, Any],
        estimator: Any = None,
    ) -> None:
        self.columns = columns  # each also has "mean" and "weight" (coef / scale)
        self.intercept = intercept
        self.n_features = n_features
        self.params = params
        self.estimator = estimator  # (LogisticRegression, scale) in training only
        self._mean = np.array([c["mean"] for c in columns])
        self._weight = np.array([c["weight"] for c in columns])
        self._owner = np.array([c["index"] for c in columns])
        self._terms_by_feature = self._row_terms()

    def _row_terms(self) -> list[Callable[[list[float]], float]]:
        """One closure per input feature, each folding that feature's design columns:
        a category lookup, or log1p with imputation (about 12 calls instead of 50)."""
        terms: list[Callable[[list[float]], float]] = []
        for i in sorted({c["index"] for c in self.columns}):
            cols = [c for c in self.columns if c["index"] == i]
            base = -sum(c["weight"] * c["mean"] for c in cols)  # every indicator at 0
            missing = sum(c["weight"] for c in cols if c["transform"] == "missing")
            codes = {float(c["code"]): c["weight"] for c in cols if c["transform"] == "code"}
            if codes:
                terms.append(_category_term(i, base, codes, missing))
            else:
                (log_col,) = [c for c in cols if c["transform"] == "log1p"]
                terms.append(_numeric_term(i, base, log_col["weight"], log_col["impute"], missing))
        return terms

    def terms(self, matrix: np.ndarray) -> np.ndarray:
        return (_design(self.columns, np.asarray(matrix)) - self._mean) * self._weight

    def margin(self, matrix: np.ndarray) -> np.ndarray:
        """In training: sklearn's own decision function on the standardised design, so a
        loaded artifact is checked against the fitted model, not against itself."""
        if self.estimator is not None:
            model, scale = self.estimator
            design = _design(self.columns, np.asarray(matrix))
            return np.asarray(model.decision_function((design - self._mean) / scale))
        return np.asarray(self.intercept + self.terms(matrix).sum(axis=1))

    def margin_row(self, row: list[float]) -> float:
        """Pure Python on the request path: no numpy call overhead for one row."""
        return self.intercept + sum(term(row) for term in self._terms_by_feature)

    def predict_proba(self, matrix: np.ndarray) -> np.ndarray:
        return sigmoid(self.margin(matrix))

    def explain(self, matrix: np.ndarray) -> list[Explanation]:
        terms = self.terms(matrix)
        per_feature = np.zeros((len(terms), self.n_features))
        np.add.at(per_feature.T, self._owner, terms.T)
        return explanations("linear", np.full(len(terms), self.intercept), per_feature)

    def to_dict(self) -> dict[str, Any]:
        return {
            "intercept": self.intercept,
            "n_features": self.n_features,
            "columns": self.columns,
            "params": self.params,
        }

    def save(self, directory: Path) -> dict[str, Any]:
        (directory / LINEAR_FILE).write_bytes(orjson.dumps(self.to_dict()))
        return {"model_file": LINEAR_FILE}

    @classmethod
    def load(cls, path: Path) -> LinearPredictor:
        data = orjson.loads(path.read_bytes())
        return cls(data["columns"], data["intercept"], data["n_features"], data["params"])

    def summary(self) -> dict[str, Any]:
        return {"n_columns": len(self.columns)}


def fit_logistic(
    contract: FeatureContract, splits: Splits, params: dict[str, Any], seed: int, progress: Progress
) -> LinearPredictor:
    full = {**DEFAULTS, **params}
    columns = _columns(contract, splits.x_train)
    design = _design(columns, splits.x_train)
    mean, scale = design.mean(axis=0), design.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    model = LogisticRegression(**full, max_iter=2_000, random_state=seed)
    model.fit((design - mean) / scale, splits.y_train)
    progress("fitting", 1.0)
    weight = model.coef_[0] / scale
    # The intercept absorbs the means: margin = b + sum(coef * (t - mean) / scale).
    for col, m, w in zip(columns, mean, weight, strict=True):
        col["mean"], col["weight"] = float(m), float(w)
    intercept = float(model.intercept_[0])
    return LinearPredictor(columns, intercept, len(contract.features), full, (model, scale))
