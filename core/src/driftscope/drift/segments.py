"""Which segment moved: the bins of a window whose share of traffic changed the most.

A drift alert that says "merchant_category drifted (PSI 0.41)" leaves the operator to find
out what changed; this names it: "merchant_category = crypto_exchange: 0 % → 12 % of traffic".

Every bin of every feature in a drift report is a segment (a category, a numeric bin, the
missing values), and so is every band of the model's score (the report's prediction drift)
and, for a text model, rules-hit vs not (its `<text>.rules_hit` descriptor, 0 or 1). For
each, from the report's reference and current counts:

- **contribution**: the bin's term of the feature's PSI, (q − p)·ln(q/p) with PSI's
  smoothing (drift.psi.psi_terms) — how much of the drift this segment explains;
- **p-value**: an exact conditional binomial test of "this bin's share is unchanged" (given
  the bin's rows on both sides, how many fall on the current side);
- **q-value**: Benjamini–Hochberg across all segments of the window, so testing a hundred
  bins does not invent a culprit on clean data.

Segments with q < alpha are ranked by contribution, largest first. Segments by their
contribution to a performance drop (labelled errors) are in drift.error_segments.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import stats

from driftscope.drift.multiple import benjamini_hochberg
from driftscope.drift.psi import psi_terms

SCORE = "score"  # the segments of the score band are named as this feature
RULES_HIT = ".rules_hit"  # a text feature's descriptor: 1 when an accepted rule matches


@dataclass(frozen=True)
class Segment:
    feature: str
    segment: str  # the bin's label: a category, "120 – 250", "< 3", "(missing)"
    categorical: bool
    reference_share: float
    current_share: float
    contribution: float  # this bin's PSI term
    p_value: float
    q_value: float

    def describe(self) -> str:
        """'merchant_category = crypto_exchange: 0% → 12% of traffic'."""
        shares = f"{_share(self.reference_share)} → {_share(self.current_share)}"
        return f"{where(self.feature, self.segment, self.categorical)}: {shares} of traffic"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "description": self.describe()}


def where(feature: str, segment: str, categorical: bool) -> str:
    """'merchant_category = gaming', 'amount ≥ 250', 'score 0.5 – 0.9'."""
    return (
        f"{feature} = {segment}"
        if categorical or segment == "(missing)"
        else f"{feature} {segment}"
    )


def _share(x: float) -> str:
    return f"{x:.1%}" if 0 < x < 0.01 else f"{x:.0%}"


def rules_hit_labels(edges: list[float]) -> list[str] | None:
    """A 0/1 descriptor's numeric bins named by the value they hold: 'yes' (1: a rule hit),
    'no' (0), '(empty)' for a bin holding neither; then '(missing)'. None when one bin holds
    both (a profile binned before flags got a bin per value: drift.binning.numeric_grids)."""
    labels = []
    for lo, hi in itertools.pairwise([-np.inf, *edges, np.inf]):  # bin: lo <= x < hi
        one, zero = lo <= 1 < hi, lo <= 0 < hi
        if one and zero:
            return None
        labels.append("yes" if one else "no" if zero else "(empty)")
    return [*labels, "(missing)"]


def segment_features(
    features: Mapping[str, Mapping[str, Any]], prediction: Mapping[str, Any] | None = None
) -> dict[str, dict[str, Any]]:
    """The report's binned features that name segments (not a text's vocabulary: its cells
    count word presences, not rows), with the score band as `SCORE` when it was compared; a
    rules-hit descriptor becomes categorical, its bins 'yes' / 'no'."""
    out: dict[str, dict[str, Any]] = {}
    for name, feature in features.items():
        if feature.get("vocabulary"):
            continue
        flag = name.endswith(RULES_HIT) and feature.get("kind") == "numeric"
        bins = rules_hit_labels(feature["bins"]) if flag and feature["bins"] else None
        if bins is not None:
            out[name] = {**feature, "kind": "categorical", "bins": bins, "zero_one": True}
        else:
            out[name] = dict(feature)
    if prediction and prediction.get("reference_counts"):
        out[SCORE if SCORE not in out else f"model {SCORE}"] = dict(prediction)
    return out


def bin_labels(feature: Mapping[str, Any]) -> list[str]:
    """Labels of a stored feature result's bins, in count order (numeric: below the first
    edge, between edges, from the last edge on, then missing)."""
    if feature["kind"] == "categorical":
        return [str(b) for b in feature["bins"]]
    edges = feature["bins"]
    if not edges:
        return ["all", "(missing)"]
    labels = [f"< {edges[0]:.4g}"]
    labels += [f"{lo:.4g} – {hi:.4g}" for lo, hi in itertools.pairwise(edges)]
    return [*labels, f"≥ {edges[-1]:.4g}", "(missing)"]


def same_share_p(ref: np.ndarray, cur: np.ndarray, n_ref: float, n_cur: float) -> np.ndarray:
    """Per bin, the exact conditional test that its share is the same on both sides: given the
    bin's ref + cur rows, the current side's count is binomial with p = n_cur / (n_ref + n_cur);
    two-sided by doubling the smaller tail (exact where a normal approximation fails: the
    small bins; vectorised over the bins)."""
    rows, share = ref + cur, n_cur / (n_ref + n_cur)
    lower = stats.binom.cdf(cur, rows, share)
    upper = stats.binom.sf(cur - 1, rows, share)
    return np.minimum(1.0, 2 * np.minimum(lower, upper))


def moved_segments(
    features: Mapping[str, Mapping[str, Any]],
    *,
    prediction: Mapping[str, Any] | None = None,
    alpha: float = 0.05,
    top: int | None = 3,
) -> list[Segment]:
    """The segments of a window whose share changed significantly (BH q < alpha across all
    segments), largest PSI contribution first; `features` and `prediction` (the score band)
    as stored in a drift report."""
    found: list[tuple[str, str, bool, float, float, float, float]] = []
    for name, feature in segment_features(features, prediction).items():
        ref, cur = feature.get("reference_counts") or [], feature.get("current_counts") or []
        n_ref, n_cur = sum(ref), sum(cur)
        if not ref or len(ref) != len(cur) or n_ref == 0 or n_cur == 0:
            continue
        labels = bin_labels(feature)
        terms = psi_terms(ref, cur).tolist()
        p_values = same_share_p(np.asarray(ref), np.asarray(cur), n_ref, n_cur).tolist()
        categorical = feature["kind"] == "categorical"
        for label, a, b, term, p in zip(labels, ref, cur, terms, p_values, strict=True):
            if a or b:
                found.append((name, label, categorical, a / n_ref, b / n_cur, term, p))
    q_values = benjamini_hochberg([f[-1] for f in found])
    moved = [Segment(*f, q) for f, q in zip(found, q_values, strict=True) if q < alpha]
    moved.sort(key=lambda s: s.contribution, reverse=True)
    return moved if top is None else moved[:top]
