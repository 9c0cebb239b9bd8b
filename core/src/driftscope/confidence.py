"""Confidence intervals for a window's realised metrics, so an alert judges evidence, not noise.

A window with 50 labels at a 5 % positive rate holds about 15 positives (actually some 2-3
true positives and a dozen errors): its F1 can land anywhere between 0.1 and 0.6 for the same
model. A rule that compares the point value with the training F1 then fires on clean traffic.
These intervals let the worker say "F1 is below the limit" only when the window proves it.

- **Precision and recall** are binomial proportions (TP of TP+FP, TP of TP+FN): exact
  Clopper–Pearson intervals from the beta distribution (conservative: coverage ≥ the level).
- **F1** is a monotone function of the Jaccard index J = TP / (TP+FP+FN): F1 = 2J / (1+J).
  Conditional on the number of F1-relevant outcomes n = TP+FP+FN (true negatives do not enter
  F1), TP is binomial(n, J), so a Clopper–Pearson interval on J maps exactly onto one on F1.
  No bootstrap, no normal approximation, exact at the small counts where it matters.
- **ROC AUC** uses DeLong's variance (DeLong, DeLong & Clarke-Pearson 1988, computed with
  midranks as in Sun & Xu 2014) and a normal interval clipped to [0, 1]; it needs both classes.

`level` is the two-sided confidence (0.95 → each bound is a one-sided 97.5 % bound).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

Interval = tuple[float, float]


def binomial_interval(successes: int, trials: int, level: float = 0.95) -> Interval:
    """Clopper–Pearson interval of a proportion; (0, 1) when there are no trials."""
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    if successes < 0 or trials < 0 or successes > trials:
        raise ValueError(f"need 0 <= successes <= trials, got {successes} of {trials}")
    if trials == 0:
        return 0.0, 1.0
    alpha = 1 - level
    lower = 0.0 if successes == 0 else stats.beta.ppf(alpha / 2, successes, trials - successes + 1)
    upper = (
        1.0
        if successes == trials
        else stats.beta.ppf(1 - alpha / 2, successes + 1, trials - successes)
    )
    return float(lower), float(upper)


def _f1_of_jaccard(j: float) -> float:
    return 2 * j / (1 + j)


def f1_interval(tp: int, fp: int, fn: int, level: float = 0.95) -> Interval:
    """Exact interval of F1 through the Jaccard index (see the module docstring)."""
    low, high = binomial_interval(tp, tp + fp + fn, level)
    return _f1_of_jaccard(low), _f1_of_jaccard(high)


def precision_interval(tp: int, fp: int, level: float = 0.95) -> Interval:
    return binomial_interval(tp, tp + fp, level)


def recall_interval(tp: int, fn: int, level: float = 0.95) -> Interval:
    return binomial_interval(tp, tp + fn, level)


def delong(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """ROC AUC and DeLong's variance of it; needs at least one row of each class."""
    y = np.asarray(y).astype(bool)
    p = np.asarray(p, dtype=np.float64)
    positives, negatives = p[y], p[~y]
    m, n = len(positives), len(negatives)
    if m == 0 or n == 0:
        raise ValueError("DeLong's AUC needs both classes")
    # Midranks: ties count one half, as in the Mann-Whitney statistic.
    rank_all = stats.rankdata(np.concatenate([positives, negatives]))
    rank_pos, rank_neg = stats.rankdata(positives), stats.rankdata(negatives)
    v10 = (rank_all[:m] - rank_pos) / n  # per positive: share of negatives it outranks
    v01 = 1 - (rank_all[m:] - rank_neg) / m  # per negative: share of positives outranking it
    auc = float(v10.mean())
    s10 = float(np.var(v10, ddof=1)) if m > 1 else 0.0
    s01 = float(np.var(v01, ddof=1)) if n > 1 else 0.0
    return auc, s10 / m + s01 / n


def auc_interval(y: np.ndarray, p: np.ndarray, level: float = 0.95) -> Interval:
    """Normal interval of ROC AUC with DeLong's standard error, clipped to [0, 1]."""
    auc, variance = delong(y, p)
    half = float(stats.norm.ppf(0.5 + level / 2)) * math.sqrt(variance)
    return max(0.0, auc - half), min(1.0, auc + half)
