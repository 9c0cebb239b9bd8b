"""Size-aware acceptance of the drift decision on generator data (slow: hundreds of windows).

- No drift: 200 windows of 500 rows from the reference distribution; at most 1 % of windows
  flag any feature.
- A 0.5σ mean shift of one numeric feature is flagged for that feature in ≥ 95 % of
  2,000-row windows, for a normal synthetic feature and for the generator's avg_amount_30d.

References are built once and every window goes through `evaluate` + `decide`, the same path
as `compare` (checked on one window below), so the 50k-row reference is binned only once.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from driftscope.drift import (
    CategoricalReference,
    DriftConfig,
    DriftReport,
    NumericReference,
    compare,
    decide,
    evaluate,
)
from driftscope.drift.reference import Reference
from driftscope.generator import generate_frame

pytestmark = pytest.mark.slow
CONFIG = DriftConfig()
Window = Callable[[int], pd.DataFrame]


def references(frame: pd.DataFrame) -> dict[str, Reference]:
    def build(series: pd.Series) -> Reference:
        numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
        return (
            NumericReference.from_values(series)
            if numeric
            else CategoricalReference.from_values(series)
        )

    return {str(c): build(frame[c]) for c in frame.columns}


def window_report(refs: dict[str, Reference], current: pd.DataFrame, n_ref: int) -> DriftReport:
    features = [evaluate(name, ref, current[name], CONFIG) for name, ref in refs.items()]
    return decide(features, None, n_ref, len(current), CONFIG)


@pytest.fixture(scope="module")
def reference(reference_frame: pd.DataFrame) -> pd.DataFrame:
    """The generator's reference plus a standard normal synthetic feature."""
    rng = np.random.default_rng(99)
    return reference_frame.assign(synthetic_normal=rng.normal(size=len(reference_frame)))


@pytest.fixture(scope="module")
def refs(reference: pd.DataFrame) -> dict[str, Reference]:
    return references(reference)


def clean_window(names: list[str]) -> Window:
    def draw(seed: int, n: int = 500) -> pd.DataFrame:
        frame = generate_frame(n, seed=seed)
        return frame.assign(synthetic_normal=np.random.default_rng(seed).normal(size=n))[names]

    return draw


def test_window_path_equals_compare(reference: pd.DataFrame, refs: dict[str, Reference]) -> None:
    current = clean_window(list(reference.columns))(10_001)
    assert (
        window_report(refs, current, len(reference)).to_dict()
        == compare(reference, current).to_dict()
    )


def test_no_drift_false_alarm_rate(reference: pd.DataFrame, refs: dict[str, Reference]) -> None:
    draw = clean_window(list(reference.columns))
    alarms = [
        bool(window_report(refs, draw(20_000 + i), len(reference)).drifted_features)
        for i in range(200)
    ]
    assert sum(alarms) <= 2, f"{sum(alarms)} of 200 clean windows raised a drift flag"


@pytest.mark.parametrize("name", ["synthetic_normal", "avg_amount_30d"])
def test_half_sigma_shift_is_flagged(
    reference: pd.DataFrame, refs: dict[str, Reference], name: str
) -> None:
    draw = clean_window(list(reference.columns))
    shift = 0.5 * float(reference[name].std())
    flagged = []
    for i in range(40):
        current = draw(30_000 + i, 2_000)
        current[name] = current[name] + shift
        report = window_report(refs, current, len(reference))
        flagged.append(name in report.drifted_features)
    assert np.mean(flagged) >= 0.95, f"{name}: flagged in {sum(flagged)} of 40 windows"
