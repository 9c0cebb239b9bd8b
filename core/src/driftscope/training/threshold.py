"""Decision threshold from the confusion matrices over candidate thresholds on validation data.

Policies (`--threshold-policy`):
- `f1` (default): the threshold with the highest F1;
- `recall:R`: the highest threshold whose recall is at least R (best precision at that recall);
- `cost:fn=C1,fp=C2`: the threshold with the lowest C1*FN + C2*FP.
Ties go to the higher threshold (fewer customers bothered for the same score).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

GRID = np.round(np.arange(0.005, 1.0, 0.005), 3)


@dataclass(frozen=True)
class ThresholdPolicy:
    kind: str
    recall: float = 0.0
    fn_cost: float = 1.0
    fp_cost: float = 1.0

    @classmethod
    def parse(cls, text: str) -> ThresholdPolicy:
        """Parse `f1`, `recall:0.8` or `cost:fn=10,fp=1`; ValueError names what is wrong."""
        kind, _, arg = text.strip().partition(":")
        if kind == "f1" and not arg:
            return cls("f1")
        if kind == "recall":
            recall = float(arg)
            if not 0.0 < recall <= 1.0:
                raise ValueError("recall target must be in (0, 1]")
            return cls("recall", recall=recall)
        if kind == "cost":
            costs = dict(part.split("=", 1) for part in arg.split(",") if part)
            if set(costs) != {"fn", "fp"}:
                raise ValueError("cost policy needs fn=<cost>,fp=<cost>")
            return cls("cost", fn_cost=float(costs["fn"]), fp_cost=float(costs["fp"]))
        raise ValueError(f"unknown threshold policy '{text}' (use f1, recall:R or cost:fn=C,fp=C)")

    def describe(self) -> str:
        if self.kind == "recall":
            return f"recall:{self.recall:g}"
        if self.kind == "cost":
            return f"cost:fn={self.fn_cost:g},fp={self.fp_cost:g}"
        return "f1"


def threshold_table(y: np.ndarray, p: np.ndarray, grid: np.ndarray = GRID) -> dict[str, np.ndarray]:
    """Confusion matrix and precision/recall/F1 at each threshold (predict fraud when p >= t)."""
    y = np.asarray(y).astype(bool)
    order = np.sort(np.asarray(p, dtype=np.float64))
    pos_scores = np.sort(np.asarray(p, dtype=np.float64)[y])
    # Count of scores >= t, for all rows and for frauds, in one vectorised pass.
    predicted = len(order) - np.searchsorted(order, grid, side="left")
    tp = len(pos_scores) - np.searchsorted(pos_scores, grid, side="left")
    fp = predicted - tp
    fn = len(pos_scores) - tp
    tn = len(order) - predicted - fn
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 0.0)
        recall = np.where(tp + fn > 0, tp / np.maximum(tp + fn, 1), 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    return {
        "threshold": grid,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def select_threshold(table: dict[str, np.ndarray], policy: ThresholdPolicy) -> float:
    thresholds = table["threshold"]
    if policy.kind == "recall":
        ok = np.flatnonzero(table["recall"] >= policy.recall)
        return float(thresholds[ok[-1]]) if len(ok) else float(thresholds[0])
    if policy.kind == "cost":
        score = -(policy.fn_cost * table["fn"] + policy.fp_cost * table["fp"])
    else:
        score = table["f1"]
    best = np.flatnonzero(score == score.max())
    return float(thresholds[best[-1]])


def write_threshold_table(path: Path, table: dict[str, np.ndarray]) -> None:
    """The table as CSV (one row per candidate threshold), saved with every model version."""
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(list(table))
        for row in zip(*table.values(), strict=True):
            writer.writerow([f"{v:.6g}" for v in row])
