"""Drift decisions: statistics per feature, Benjamini–Hochberg across features, size-aware PSI.

A feature is drifted when both hold:
- evidence: its BH-adjusted p-value is below `alpha` (the default test of its kind in
  `stattests`: KS for numeric, χ² for categorical);
- effect: PSI exceeds `psi_warn` plus PSI's expected value under no drift at these sample
  sizes, (bins−1)(1/n_ref + 1/n_cur).
Severity is `alert` when PSI also exceeds `psi_alert` plus that bias. Small windows cannot
raise alarms on noise (the bias and the p-value grow), large windows cannot raise alarms on
negligible shifts (the PSI floor).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from driftscope.drift.comparison import Comparison
from driftscope.drift.multiple import benjamini_hochberg
from driftscope.drift.reference import (
    CategoricalReference,
    NumericReference,
    Reference,
    reference_from_profile,
)
from driftscope.drift.report import DriftReport, FeatureDrift, Severity
from driftscope.drift.stattests import StatResult, default_tests, get_test

PARALLEL_MIN_ROWS = 100_000  # smaller windows: thread start-up costs more than it saves
PARALLEL_MAX_WORKERS = 4


@dataclass(frozen=True)
class DriftConfig:
    psi_warn: float = 0.1
    psi_alert: float = 0.25
    alpha: float = 0.05  # false discovery rate across the features of one window
    dataset_drift_share: float = 0.5  # dataset drifted when at least this share of features is
    min_rows: int = 100  # below: report "insufficient data", decide nothing
    exact_max_rows: int = 200_000  # above: KS and Wasserstein from the 1,000-quantile grid


def _share(part: int, total: int) -> float:
    return part / total if total else 0.0


def evaluate(name: str, reference: Reference, values: Any, config: DriftConfig) -> FeatureDrift:
    """Statistics of one feature by its kind's default tests (decision fields are filled in by
    `decide` once all features' p-values are known)."""
    return judge(name, reference.kind, reference.comparison(values, config.exact_max_rows), config)


def judge(
    name: str, kind: Literal["numeric", "categorical"], data: Comparison, config: DriftConfig
) -> FeatureDrift:
    """Statistics of one feature from its comparison (raw values or counts, already binned)."""
    tests = default_tests(kind)
    evidence_test, distance_test = tests.evidence_test(data), tests.distance_test(data)
    evidence = evidence_test.run(data, config.alpha)
    statistics = {**evidence_test.report(evidence), **distance_test.report(distance_test.run(data))}
    psi = get_test(tests.effect).run(data, config.psi_warn)
    return _undecided(name, kind, evidence_test.name, evidence, psi, data, statistics)


def _undecided(
    name: str,
    kind: Literal["numeric", "categorical"],
    test: str,
    evidence: StatResult,
    psi: StatResult,
    data: Comparison,
    statistics: dict[str, Any],
) -> FeatureDrift:
    if evidence.p_value is None:  # a distance cannot be adjusted for multiple testing
        raise ValueError(f"drift test {test!r} gives no p-value to serve as evidence")
    n_ref, n_cur = sum(data.reference_counts), sum(data.current_counts)
    return FeatureDrift.undecided(
        name,
        kind,
        test,
        psi=psi.statistic,
        psi_bias=psi.bias,
        p_value=evidence.p_value,
        n_reference=n_ref,
        n_current=n_cur,
        missing_share_reference=_share(data.reference_counts[-1], n_ref),
        missing_share_current=_share(data.current_counts[-1], n_cur),
        bins=data.bins,
        reference_counts=data.reference_counts,
        current_counts=data.current_counts,
        **statistics,
    )


def _decide_one(
    f: FeatureDrift, q_value: float, config: DriftConfig, sufficient: bool
) -> FeatureDrift:
    warn, alert = config.psi_warn + f.psi_bias, config.psi_alert + f.psi_bias
    drifted = sufficient and q_value < config.alpha and f.psi > warn
    severity: Severity = "none" if not drifted else "alert" if f.psi > alert else "warn"
    return replace(
        f,
        q_value=q_value,
        warn_threshold=warn,
        alert_threshold=alert,
        drifted=drifted,
        severity=severity,
    )


def decide(
    features: list[FeatureDrift],
    prediction: FeatureDrift | None,
    n_reference: int,
    n_current: int,
    config: DriftConfig,
) -> DriftReport:
    sufficient = n_current >= config.min_rows
    q_values = benjamini_hochberg([f.p_value for f in features])
    decided = {
        f.name: _decide_one(f, q, config, sufficient)
        for f, q in zip(features, q_values, strict=True)
    }
    share = _share(sum(f.drifted for f in decided.values()), len(decided))
    if prediction is not None:  # its own family: one test, no correction
        prediction = _decide_one(prediction, prediction.p_value, config, sufficient)
    return DriftReport(
        features=decided,
        dataset_drift_share=share,
        dataset_drifted=sufficient and share >= config.dataset_drift_share,
        n_reference=n_reference,
        n_current=n_current,
        sufficient=sufficient,
        prediction=prediction,
    )


def _is_categorical(series: pd.Series) -> bool:
    return not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)


def compare(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    *,
    categorical: list[str] | None = None,
    config: DriftConfig | None = None,
) -> DriftReport:
    """Drift of `current` against `reference`, column by column (columns of `reference`).

    Without `categorical`, string/object/category/bool columns are categorical and the rest
    numeric. Usable from a notebook on any data; no server or profile needed.
    """
    config = config or DriftConfig()
    missing = [c for c in reference.columns if c not in current.columns]
    if missing:
        raise ValueError(f"current data lacks reference column(s): {', '.join(map(str, missing))}")
    chosen = (
        set(categorical)
        if categorical is not None
        else {c for c in reference.columns if _is_categorical(reference[c])}
    )

    def one(column: Any) -> FeatureDrift:
        if column in chosen:
            categorical_ref = CategoricalReference.from_values(reference[column])
            return evaluate(str(column), categorical_ref, current[column], config)
        numeric_ref = NumericReference.from_values(
            pd.to_numeric(reference[column], errors="coerce")
        )
        values = pd.to_numeric(current[column], errors="coerce")
        return evaluate(str(column), numeric_ref, values, config)

    features = _per_feature(one, list(reference.columns), len(current))
    return decide(features, None, len(reference), len(current), config)


def _per_feature(
    work: Callable[[Any], FeatureDrift], names: list[Any], rows: int
) -> list[FeatureDrift]:
    """`work` for each feature, in order; large windows on several cores (numpy's sorting and
    searching release the GIL, so threads overlap the counting passes)."""
    workers = min(PARALLEL_MAX_WORKERS, os.cpu_count() or 1, len(names))
    if rows < PARALLEL_MIN_ROWS or workers < 2:
        return [work(name) for name in names]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(work, names))


def compare_to_profile(
    profile: Mapping[str, Any],
    current: Mapping[str, Any] | pd.DataFrame,
    scores: Any | None = None,
    *,
    config: DriftConfig | None = None,
    extra: Sequence[FeatureDrift] = (),
) -> DriftReport:
    """Drift of a window (columns by feature name, plus model scores) against a stored profile;
    `extra`: undecided results computed elsewhere (e.g. vocabulary drift), decided with these."""
    config = config or DriftConfig()
    names = list(profile["features"])
    n_current = len(np.asarray(current[names[0]])) if names else 0
    features = _per_feature(
        lambda name: evaluate(
            name, reference_from_profile(profile["features"][name]), current[name], config
        ),
        names,
        n_current,
    )
    features = [*features, *extra]
    prediction = None
    if scores is not None and profile.get("score"):
        prediction = evaluate(
            "prediction", reference_from_profile(profile["score"]), scores, config
        )
    return decide(features, prediction, int(profile.get("n", 0)), n_current, config)


def compare_counts_to_profile(
    profile: Mapping[str, Any],
    counts: Mapping[str, Any],
    *,
    config: DriftConfig | None = None,
    extra: Sequence[FeatureDrift] = (),
) -> DriftReport:
    """`compare_to_profile` of a window given as its counts (`driftscope.window_counts`): the
    same decisions, with KS and Wasserstein from the fine grid at every window size."""
    config = config or DriftConfig()
    current: Mapping[str, list[int]] = counts["features"]
    features = [
        judge(name, ref.kind, ref.comparison_from_counts(current[name]), config)
        for name, ref in (
            (name, reference_from_profile(entry)) for name, entry in profile["features"].items()
        )
    ]
    prediction = None
    if counts.get("score") is not None and profile.get("score"):
        score = reference_from_profile(profile["score"])
        prediction = judge(
            "prediction", score.kind, score.comparison_from_counts(counts["score"]), config
        )
    n = int(counts["n"])
    return decide([*features, *extra], prediction, int(profile.get("n", 0)), n, config)
