"""Classification and calibration metrics used at training time and by the worker."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

ECE_BINS = 15


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = ECE_BINS) -> float:
    """ECE with equal-width probability bins: sum over bins of |mean(p) - mean(y)| * share."""
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    if len(y) == 0:
        return float("nan")
    idx = np.minimum((p * bins).astype(np.int64), bins - 1)
    count = np.bincount(idx, minlength=bins)
    gap = np.abs(
        np.bincount(idx, weights=p, minlength=bins) - np.bincount(idx, weights=y, minlength=bins)
    )
    return float(gap.sum() / len(y)) if count.sum() else float("nan")


def confusion_at(y: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, int]:
    predicted = p >= threshold
    actual = y.astype(bool)
    return {
        "tp": int(np.sum(predicted & actual)),
        "fp": int(np.sum(predicted & ~actual)),
        "fn": int(np.sum(~predicted & actual)),
        "tn": int(np.sum(~predicted & ~actual)),
    }


def precision_recall_f1(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def classification_report(y: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, float]:
    """Metrics of calibrated probabilities `p` at `threshold` (AUCs need both classes)."""
    y = np.asarray(y).astype(np.int64)
    p = np.asarray(p, dtype=np.float64)
    both = 0 < y.sum() < len(y)
    cm = confusion_at(y, p, threshold)
    precision, recall, f1 = precision_recall_f1(cm["tp"], cm["fp"], cm["fn"])
    return {
        "n": len(y),
        "roc_auc": float(roc_auc_score(y, p)) if both else float("nan"),
        "pr_auc": float(average_precision_score(y, p)) if both else float("nan"),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "brier": float(np.mean((p - y) ** 2)) if len(y) else float("nan"),
        "ece": expected_calibration_error(y, p),
        "fraud_rate": float(y.mean()) if len(y) else float("nan"),
        "predicted_rate": float(np.mean(p >= threshold)) if len(y) else float("nan"),
        **{k: float(v) for k, v in cm.items()},
    }
