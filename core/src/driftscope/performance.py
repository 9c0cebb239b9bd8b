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

from driftscope.confidence import auc_interval, f1_interval, precision_interval, recall_interval
from driftscope.settings import Settings
from driftscope.training.metrics import classification_report, precision_recall_f1

MIN_POSITIVES = 20  # labelled positives a window needs before its realised metrics are judged
LEVEL = 0.95  # two-sided confidence of the intervals the alerts judge


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


def estimate_from_moments(moments: dict[str, float]) -> dict[str, float]:
    """`estimate` from a window's counted sums (`window_counts`: scored, flagged, Σp flagged,
    Σp not flagged), equal to `estimate` of the same scores."""
    scored, flagged = moments["scored"], moments["flagged"]
    if not scored:
        return estimate(np.empty(0), 0.5)
    tp, fn = moments["p_flagged"], moments["p_unflagged"]
    precision, recall, f1 = precision_recall_f1(tp, flagged - tp, fn)
    return {"precision": precision, "recall": recall, "f1": f1, "fraud_rate": (tp + fn) / scored}


def evidence(
    y: np.ndarray, p: np.ndarray, realised: dict[str, Any], *, min_positives: int, level: float
) -> dict[str, Any]:
    """How much the realised metrics of a window can be trusted: its labelled positives and
    negatives, whether that is enough to judge them, and each metric's confidence interval."""
    positives = int(y.sum())
    tp, fp, fn = (int(realised[k]) for k in ("tp", "fp", "fn"))
    both = 0 < positives < len(y)
    return {
        "positives": positives,
        "negatives": len(y) - positives,
        "min_positives": min_positives,
        "sufficient": positives >= min_positives,
        "level": level,
        "intervals": {
            "f1": list(f1_interval(tp, fp, fn, level)),
            "precision": list(precision_interval(tp, fp, level)),
            "recall": list(recall_interval(tp, fn, level)),
            "roc_auc": list(auc_interval(y, p, level)) if both else None,
        },
    }


def window_performance(
    scores: np.ndarray,
    labels: np.ndarray,
    threshold: float,
    *,
    min_labels: int = 50,
    min_positives: int = MIN_POSITIVES,
    level: float = LEVEL,
) -> dict[str, Any]:
    """Realised metrics on the labelled rows (NaN label = not yet labelled), how far they can
    be trusted (`evidence`: null until `min_labels` labels), and the label-free estimate."""
    p = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    labelled = ~np.isnan(y)
    n, n_labelled = len(p), int(labelled.sum())
    realised = trust = None
    if n_labelled >= min_labels:
        y_known, p_known = y[labelled].astype(np.int64), p[labelled]
        realised = classification_report(y_known, p_known, threshold)
        trust = evidence(y_known, p_known, realised, min_positives=min_positives, level=level)
    return {
        "n_predictions": n,
        "n_labelled": n_labelled,
        "label_coverage": n_labelled / n if n else 0.0,
        "predicted_rate": float(np.mean(p >= threshold)) if n else float("nan"),
        "realised": realised,
        "evidence": trust,
        "estimated": estimate(p, threshold),
        "sufficient_labels": trust is not None and trust["sufficient"],
    }


def configured_performance(
    scores: np.ndarray, labels: np.ndarray, threshold: float, settings: Settings
) -> dict[str, Any]:
    """`window_performance` with the label and confidence settings of the deployment."""
    return window_performance(
        scores,
        labels,
        threshold,
        min_labels=settings.performance_min_labels,
        min_positives=settings.performance_min_positives,
        level=settings.performance_confidence,
    )


def counted_performance(
    scores: np.ndarray,
    labels: np.ndarray,
    moments: dict[str, float],
    threshold: float,
    settings: Settings,
) -> dict[str, Any]:
    """`configured_performance` of a window read as counts plus its labelled rows (`scores`,
    `labels`): realised metrics from the labelled rows, the window's size, predicted rate and
    label-free estimate from its counted `moments`."""
    metrics = configured_performance(scores, labels, threshold, settings)
    n = int(moments["scored"])
    metrics.update(
        n_predictions=n,
        label_coverage=min(1.0, metrics["n_labelled"] / n) if n else 0.0,
        predicted_rate=moments["flagged"] / n if n else float("nan"),
        estimated=estimate_from_moments(moments),
    )
    return metrics
