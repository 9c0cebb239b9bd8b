"""The predictor interface every model kind implements, and the explanation it returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

Progress = Callable[[str, float], None]  # (stage description, fraction done of that stage)


def sigmoid(margin: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(margin, dtype=np.float64)))


@dataclass(frozen=True)
class Explanation:
    """Additive attribution of one row's raw margin: bias + sum(contributions) == margin."""

    method: str
    bias: float
    margin: float
    contributions: np.ndarray  # one per contract feature, in contract order

    def to_dict(self, names: list[str], values: list[Any]) -> dict[str, Any]:
        """The API shape: features sorted by |contribution|, largest first."""
        order = np.argsort(-np.abs(self.contributions), kind="stable")
        return {
            "available": True,
            "method": self.method,
            "bias": float(self.bias),
            "margin": float(self.margin),
            "contributions": [
                {
                    "feature": names[i],
                    "value": values[i],
                    "contribution": float(self.contributions[i]),
                }
                for i in order
            ],
        }


def explanations(method: str, bias: np.ndarray, contributions: np.ndarray) -> list[Explanation]:
    """One Explanation per row from a bias per row and a (rows, features) contribution matrix."""
    margin = bias + contributions.sum(axis=1)
    return [
        Explanation(method, float(b), float(m), c)
        for b, m, c in zip(bias, margin, contributions, strict=True)
    ]


class Predictor(Protocol):
    """A fitted model of one kind, scored by its raw margin (log-odds scale before calibration).

    `predict_proba` is the uncalibrated sigmoid of the margin; training fits Platt scaling on
    the margin of every kind alike.
    """

    kind: str
    params: dict[str, Any]

    def margin(self, matrix: np.ndarray) -> np.ndarray: ...

    def margin_row(self, row: list[float]) -> float: ...

    def predict_proba(self, matrix: np.ndarray) -> np.ndarray: ...

    def explain(self, matrix: np.ndarray) -> list[Explanation]: ...

    def save(self, directory: Path) -> dict[str, Any]:
        """Write the model's files into `directory`; returns the manifest entries naming them."""
        ...

    def summary(self) -> dict[str, Any]:
        """Kind-specific facts for the metrics (e.g. number of trees)."""
        ...


@dataclass(frozen=True)
class Splits:
    """Encoded train and validation rows (validation drives early stopping where used)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
