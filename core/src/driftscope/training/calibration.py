"""Platt scaling on the model's raw margin, fitted on the validation split.

Why Platt rather than isotonic: the booster is trained with `scale_pos_weight` (the fraud
class is rare), which shifts its log-odds by roughly log(weight) — a distortion an affine map
of the margin undoes exactly. Two parameters fit stably on a few hundred validation frauds,
the map is strictly increasing (ranking and ROC AUC are unchanged, no ties from isotonic
plateaus), and applying it on the request path is one `exp`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PlattCalibrator:
    """p = 1 / (1 + exp(-(a * margin + b)))."""

    a: float
    b: float

    @classmethod
    def fit(cls, margin: np.ndarray, y: np.ndarray, iterations: int = 100) -> PlattCalibrator:
        """Maximum-likelihood fit with Newton's method and Platt's smoothed targets.

        Plain Newton steps can overshoot and diverge when the positive class is rare, so each
        step is halved until the log-loss decreases (backtracking, as in Lin, Lin & Weng 2007).
        """
        m = np.asarray(margin, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        n_pos, n_neg = y.sum(), len(y) - y.sum()
        target = np.where(y > 0, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))

        def log_loss(a: float, b: float) -> float:
            z = a * m + b
            return float(np.sum(np.logaddexp(0.0, z) - target * z))

        a, b = 1.0, 0.0
        loss = log_loss(a, b)
        for _ in range(iterations):
            p = 1.0 / (1.0 + np.exp(-(a * m + b)))
            w = np.maximum(p * (1 - p), 1e-12)
            grad = np.array([np.sum((p - target) * m), np.sum(p - target)])
            hess = np.array([[np.sum(w * m * m), np.sum(w * m)], [np.sum(w * m), np.sum(w)]])
            step = np.linalg.solve(hess + 1e-9 * np.eye(2), grad)
            scale = 1.0
            while scale > 1e-10:
                new_loss = log_loss(a - scale * step[0], b - scale * step[1])
                if new_loss <= loss - 1e-4 * scale * float(grad @ step):
                    break
                scale /= 2
            a, b, loss = a - scale * step[0], b - scale * step[1], new_loss
            if np.max(np.abs(scale * step)) < 1e-10:
                break
        return cls(float(a), float(b))

    def __call__(self, margin: np.ndarray) -> np.ndarray:
        z = self.a * np.asarray(margin, dtype=np.float64) + self.b
        return 1.0 / (1.0 + np.exp(-z))

    def one(self, margin: float) -> float:
        z = self.a * margin + self.b
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def to_dict(self) -> dict[str, float | str]:
        return {"method": "platt", "a": self.a, "b": self.b}
