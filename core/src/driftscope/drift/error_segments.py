"""Which segment the errors come from: per segment, the labelled errors beyond what training
would have made on the same rows.

A performance alert says "F1 0.26 is 50 % below training"; this names where: "merchant_category
= gaming: 41 errors where 9.8 expected (of 120 labelled)". The reference rate must be the
training one *for the segment's own rows* — segments differ in difficulty on clean traffic
(the band of scores near the threshold always holds most errors), so comparing a segment with
the window's overall error rate would blame the hard segments every time.

The model's scores are calibrated probabilities (as the label-free estimate, performance.
estimate, assumes): a labelled row with score p and decision d is an error with probability
π = 1 − p when flagged (d = 1), p when not. Under "the model is as good as in training" (the
concept unchanged) a segment's errors are then a sum of independent Bernoulli(π_i): a
Poisson-binomial variable with mean E = Σπ_i. For each segment:

- **excess errors** e − E: the errors it adds beyond the training rate;
- **contribution** (e − E)/n · ln(e/E) (n: the window's labelled rows; e and E + 0.5 inside
  the log), the same form as a PSI term — the share of the window's rows it adds as errors
  times how far its error rate moved — and what segments are ranked by: a broad segment that
  merely contains the culprit (the low-score band holding most rows) has as many excess
  errors as the culprit, but a far smaller rate ratio;
- **p-value**: the exact one-sided tail P(X ≥ e) of that Poisson-binomial (its generating
  polynomial truncated at e, multiplied out pairwise — exact where a normal approximation fails:
  few errors);
- **q-value**: Benjamini–Hochberg across all segments, so testing a hundred bins does not
  invent a culprit.

Segments are the bins of the drift report (drift.segments.segment_features): each category,
numeric bin, the score band and rules-hit vs not, the rows counted into them as the report
counts them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import fft as sp_fft

from driftscope.drift.binning import category_labels
from driftscope.drift.multiple import benjamini_hochberg
from driftscope.drift.segments import SCORE, bin_labels, segment_features, where


@dataclass(frozen=True)
class ErrorSegment:
    feature: str
    segment: str
    categorical: bool
    labelled: int
    errors: int
    expected_errors: float  # Σπ: what the training model makes on these rows
    excess_errors: float  # errors − expected_errors
    contribution: float  # (errors − expected) / window's labelled rows · ln(errors / expected)
    p_value: float
    q_value: float

    def describe(self) -> str:
        """'merchant_category = gaming: 41 errors where 9.8 expected (of 120 labelled)'."""
        return (
            f"{where(self.feature, self.segment, self.categorical)}: {self.errors} errors where "
            f"{self.expected_errors:.1f} expected (of {self.labelled} labelled)"
        )

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "description": self.describe()}


DIRECT_PRODUCT = 32  # below this many coefficients, multiplying directly beats the FFT


def _products(left: np.ndarray, right: np.ndarray, keep: int) -> np.ndarray:
    """Row-wise products of two stacks of polynomials (coefficients by power), the first
    `keep` coefficients: directly while short, by FFT once long."""
    width = left.shape[1]
    size = 2 * width - 1
    if width > DIRECT_PRODUCT:
        fast = sp_fft.next_fast_len(size, real=True)  # 2^k + 1 has large prime factors
        spectra = sp_fft.rfft(left, fast, axis=1) * sp_fft.rfft(right, fast, axis=1)
        return sp_fft.irfft(spectra, fast, axis=1)[:, : min(size, keep)]
    product = np.zeros((len(left), min(size, keep)))
    for power in range(min(width, keep)):
        span = min(width, keep - power)
        product[:, power : power + span] += left[:, power : power + 1] * right[:, :span]
    return product


def at_least_p(probabilities: np.ndarray, errors: int) -> float:
    """P(X ≥ errors) for X a sum of independent Bernoulli(probabilities): one minus the
    probabilities of X below `errors`, the first coefficients of ∏(1 − π + π·z). The factors
    are multiplied pairwise, a whole level at once, keeping only the coefficients below
    `errors` (the higher ones never feed a lower one): a few array operations per level
    instead of one per row; exact to ≈ 1e-12."""
    if errors <= 0:
        return 1.0
    p = np.asarray(probabilities, dtype=np.float64)
    if len(p) < errors:
        return 0.0
    polynomials = np.stack([1 - p, p], axis=1)
    while len(polynomials) > 1:
        if len(polynomials) % 2:  # an odd one out is multiplied by 1
            one = np.zeros((1, polynomials.shape[1]))
            one[0, 0] = 1.0
            polynomials = np.vstack([polynomials, one])
        polynomials = _products(polynomials[0::2], polynomials[1::2], errors)
    return float(min(1.0, max(0.0, 1.0 - polynomials[0, :errors].sum())))


def bin_index(feature: Mapping[str, Any], values: pd.Series | np.ndarray) -> np.ndarray:
    """Each value's bin in a report's feature (the order of `bin_labels`): numeric bin i holds
    edges[i-1] <= x < edges[i], categorical values not in the bins are '(unseen)', missing
    values the last bin."""
    labels, series = bin_labels(feature), pd.Series(np.asarray(values, dtype=object))
    missing = series.isna().to_numpy()
    if feature.get("zero_one"):  # rules hit: 'yes' for 1, 'no' for 0
        numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64)
        index = np.where(numbers >= 1, labels.index("yes"), labels.index("no"))
    elif feature["kind"] == "categorical":
        codes = pd.Index(labels).get_indexer(category_labels(series).astype(str))
        unseen = labels.index("(unseen)") if "(unseen)" in labels else -1
        index = np.where(codes >= 0, codes, unseen)
    else:
        numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64)
        index = np.searchsorted(np.asarray(feature["bins"], dtype=np.float64), numbers, "right")
    return np.where(missing, len(labels) - 1, index)


def error_segments(
    report: Mapping[str, Any],
    rows: pd.DataFrame,
    scores: np.ndarray,
    labels: np.ndarray,
    threshold: float,
    *,
    alpha: float = 0.05,
    top: int | None = 3,
) -> list[ErrorSegment]:
    """The segments whose labelled errors exceed the training rate significantly (BH q < alpha
    across all segments), largest contribution first. `report`: a drift report's `features` and
    `prediction` as stored; `rows`, `scores`, `labels` the window's rows (NaN: no label)."""
    scores, labels = np.asarray(scores, dtype=np.float64), np.asarray(labels, dtype=np.float64)
    known = ~np.isnan(labels) & ~np.isnan(scores)
    p, y = scores[known], labels[known].astype(bool)
    flagged = p >= threshold
    wrong = flagged != y
    chance = np.where(flagged, 1 - p, p)  # the row's error probability if calibration holds
    found: list[tuple[str, str, bool, int, int, float, float, float, float]] = []
    binned = segment_features(report.get("features") or {}, report.get("prediction"))
    for name, feature in binned.items():
        if name not in rows.columns and not name.endswith(SCORE):
            continue
        values = p if name not in rows.columns else rows[name].to_numpy()[known]
        index = bin_index(feature, values)
        categorical = feature["kind"] == "categorical"
        for i, label in enumerate(bin_labels(feature)):
            member = index == i
            n, errors = int(member.sum()), int(wrong[member].sum())
            if n == 0:
                continue
            expected = float(chance[member].sum())
            excess = errors - expected
            contribution = excess / len(p) * np.log((errors + 0.5) / (expected + 0.5))
            tail = at_least_p(chance[member], errors)
            found.append(
                (name, label, categorical, n, errors, expected, excess, float(contribution), tail)
            )
    q_values = benjamini_hochberg([f[-1] for f in found])
    moved = [ErrorSegment(*f, q) for f, q in zip(found, q_values, strict=True) if q < alpha]
    moved.sort(key=lambda s: s.contribution, reverse=True)
    return moved if top is None else moved[:top]
