"""Performance of a window: realised on late labels, and estimated from calibrated scores alone.

The estimate follows confidence-based performance estimation (CBPE, as in NannyML): with
calibrated probabilities p, a prediction flagged fraud is a true positive with probability
p, so expected TP = Σ p·[p ≥ t], FP = Σ (1−p)·[p ≥ t], FN = Σ p·[p < t]. It holds while the
calibration holds (covariate shift with an unchanged concept); concept drift breaks it, which
is exactly when realised and estimated values part ways.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from driftscope.training.metrics import classification_report, precision_recall_f1


def estimate(scores: np.ndarray, threshold: float) -> dict[str, float]:
    """Expected precision, recall, F1 and fraud rate from calibrated probabilities (no labels)."""
    p = np.asarray(scores, dtype=np.float64)
    if len(p) == 0:
        return {
            "precision": float("nan"),
            "recall": float("nan"),
            "f1": float("nan"),
            "fraud_rate": float("nan"),
        }
    flagged = p >= threshold
    tp, fp, fn = float(p[flagged].sum()), float((1 - p[flagged]).sum()), float(p[~flagged].sum())
    precision, recall, f1 = precision_recall_f1(tp, fp, fn)
    return {"precision": precision, "recall": recall, "f1": f1, "fraud_rate": float(p.mean())}


def window_performance(
    scores: np.ndarray, labels: np.ndarray, threshold: float, *, min_labels: int = 50
) -> dict[str, Any]:
    """Realised metrics on the labelled rows (NaN label = not yet labelled) and the estimate."""
    p = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    labelled = ~np.isnan(y)
    n, n_labelled = len(p), int(labelled.sum())
    realised = None
    if n_labelled >= min_labels:
        realised = classification_report(y[labelled].astype(np.int64), p[labelled], threshold)
    return {
        "n_predictions": n,
        "n_labelled": n_labelled,
        "label_coverage": n_labelled / n if n else 0.0,
        "predicted_rate": float(np.mean(p >= threshold)) if n else float("nan"),
        "realised": realised,
        "estimated": estimate(p, threshold),
        "sufficient_labels": realised is not None,
    }
