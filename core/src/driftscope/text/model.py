"""Layer 2 of the content model: hashed TF-IDF + logistic regression, Platt-calibrated.

`fit_text_model` fits scikit-learn's LogisticRegression on `TextFeatures` rows, picks the
regularisation on the validation split (best PR AUC of a small grid), calibrates the margin
with Platt scaling on the validation split and keeps the coefficients as a dense vector:
scoring one text is then its feature row (numpy) and a dot product over its buckets — the
same number scikit-learn's `decision_function` gives for that row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score

from driftscope.predictors.base import sigmoid
from driftscope.text.features import Analysed, TextFeatures, analyse
from driftscope.training.calibration import PlattCalibrator

C_GRID = (1.0, 4.0, 16.0)


@dataclass(frozen=True)
class TextModel:
    features: TextFeatures
    coef: np.ndarray  # float64, one weight per bucket
    intercept: float
    calibrator: PlattCalibrator
    c: float  # the chosen inverse regularisation strength

    def margin(self, text: str) -> float:
        return self.margin_of(analyse(text))

    def margin_of(self, analysed: Analysed) -> float:
        buckets, values = self.features.row_of(analysed)
        return float(np.dot(values, self.coef[buckets]) + self.intercept)

    def margins(self, texts: Sequence[str]) -> np.ndarray:
        return np.array([self.margin(t) for t in texts], dtype=np.float64)

    def probability(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probability of spam, one per text."""
        return self.calibrator(self.margins(texts))

    def uncalibrated(self, texts: Sequence[str]) -> np.ndarray:
        """scikit-learn's predict_proba[:, 1] for these texts (before calibration)."""
        return sigmoid(self.margins(texts))


def fit_text_model(
    train_texts: Sequence[str],
    train_y: np.ndarray,
    valid_texts: Sequence[str],
    valid_y: np.ndarray,
    seed: int = 0,
) -> tuple[TextModel, LogisticRegression]:
    """The fitted model, and the scikit-learn estimator it was taken from (for checks)."""
    features = TextFeatures.fit(train_texts)
    x_train, x_valid = features.matrix(train_texts), features.matrix(valid_texts)
    best: tuple[float, LogisticRegression] | None = None
    for c in C_GRID:
        fitted = LogisticRegression(C=c, solver="liblinear", random_state=seed, max_iter=1000)
        fitted.fit(x_train, train_y)
        score = float(average_precision_score(valid_y, fitted.decision_function(x_valid)))
        if best is None or score > best[0]:
            best = (score, fitted)
    assert best is not None
    estimator = best[1]
    coef = np.asarray(estimator.coef_[0], dtype=np.float64)
    intercept = float(estimator.intercept_[0])
    calibrator = PlattCalibrator.fit(estimator.decision_function(x_valid), valid_y)
    model = TextModel(features, coef, intercept, calibrator, float(estimator.C))
    return model, estimator
