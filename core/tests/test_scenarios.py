"""Drift scenarios: each moves exactly what its docstring table names, by the stated amount.

Two independent samples are compared throughout: a clean baseline (seed 101) and a drifted
sample (seed 202). Seeds are fixed, so every test is deterministic; the thresholds are the
ones a statistical test would use (p > 0.01 for "unchanged"), plus a practical tolerance on
the size of each shift.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import roc_auc_score

from driftscope.contract import FRAUD_CONTRACT
from driftscope.generator import Columns, generate_columns
from driftscope.scenarios import (
    AUTO_PROGRAM,
    DEFAULT_FEATURES,
    DRIFT_CATEGORY,
    UNSEEN_CATEGORY,
    auto_phase,
    make_scenario,
    reference_std,
)
from driftscope.serving.artifact import LoadedModel, load_model
from driftscope.testing import TrainedArtifact

ROWS = 50_000
BASE_SEED, DRIFT_SEED = 101, 202
UNCHANGED_P = 0.01  # "same distribution": a KS / χ² test does not reject at 1 %
MOVED_P = 1e-6  # a driven feature must be unmistakably different
SHIFT_TOLERANCE = 0.03  # in reference stds: ≈ 5 standard errors of a mean difference at ROWS
# amount_to_avg_ratio is recomputed from amount / avg_amount_30d after the drift, so it moves
# whenever either of them is driven; it is a consequence, not a feature the scenario names.
DERIVED_FROM = {"amount_to_avg_ratio": {"amount", "avg_amount_30d"}}


@pytest.fixture(scope="module")
def baseline() -> Columns:
    return generate_columns(ROWS, seed=BASE_SEED)


def _drifted(
    name: str,
    intensity: float = 1.0,
    features: Sequence[str] | None = None,
    elapsed_s: float = 0.0,
) -> Columns:
    scenario = make_scenario(name, intensity, features, elapsed_s=elapsed_s)
    return generate_columns(ROWS, seed=DRIFT_SEED, scenario=scenario)


def _numeric(values: np.ndarray) -> np.ndarray:
    values = values.astype(np.float64)
    return values[~np.isnan(values)]


def same_distribution_p(name: str, first: np.ndarray, second: np.ndarray) -> float:
    """KS for numeric features, χ² on the category counts for the others."""
    if FRAUD_CONTRACT.feature(name).kind in ("numeric", "integer"):
        return float(stats.ks_2samp(_numeric(first), _numeric(second)).pvalue)
    categories = sorted(set(first.tolist()) | set(second.tolist()), key=str)
    table = [[int(np.sum(sample == c)) for c in categories] for sample in (first, second)]
    return float(stats.chi2_contingency(table).pvalue)


def assert_unchanged(baseline: Columns, drifted: Columns, driven: set[str]) -> None:
    derived = {name for name, sources in DERIVED_FROM.items() if sources & driven}
    for name in FRAUD_CONTRACT.names:
        if name in driven | derived:
            continue
        p = same_distribution_p(name, baseline[name], drifted[name])
        assert p > UNCHANGED_P, f"{name} changed although not driven (p={p:.2g})"


def mean_shift_in_stds(baseline: Columns, drifted: Columns, name: str) -> float:
    difference = np.mean(_numeric(drifted[name])) - np.mean(_numeric(baseline[name]))
    return float(difference / reference_std()[name])


@pytest.mark.parametrize(
    ("scenario", "intensity", "features", "elapsed_s", "strength"),
    [
        ("sudden", 1.0, ("distance_from_home_km", "card_age_days", "txn_count_24h"), 0, 1.0),
        ("sudden", 0.5, ("txn_count_24h",), 0, 0.5),
        ("sudden", 2.0, None, 0, 2.0),  # default: amount and distance_from_home_km
        ("gradual", 1.0, ("card_age_days", "distance_from_home_km"), 180, 1.0),  # full ramp
        ("gradual", 1.0, ("card_age_days", "distance_from_home_km"), 90, 0.5),  # half ramp
        ("gradual", 2.0, ("avg_amount_30d", "txn_count_24h"), 90, 1.0),
    ],
)
def test_shift_moves_named_features_by_intensity_times_std(
    baseline: Columns,
    scenario: str,
    intensity: float,
    features: tuple[str, ...] | None,
    elapsed_s: float,
    strength: float,
) -> None:
    drifted = _drifted(scenario, intensity, features, elapsed_s)
    driven = set(features or DEFAULT_FEATURES[scenario])
    for name in driven:
        moved = mean_shift_in_stds(baseline, drifted, name)
        assert moved == pytest.approx(strength, abs=SHIFT_TOLERANCE), name
        back = _numeric(drifted[name]) - strength * reference_std()[name]
        welch = stats.ttest_ind(back, _numeric(baseline[name]), equal_var=False)
        assert welch.pvalue > UNCHANGED_P, f"{name}: mean shift is not {strength} std"
        assert same_distribution_p(name, baseline[name], drifted[name]) < MOVED_P
    assert_unchanged(baseline, drifted, driven)


def test_gradual_at_its_start_changes_nothing(baseline: Columns) -> None:
    assert_unchanged(baseline, _drifted("gradual", 3.0, ("card_age_days",), elapsed_s=0), set())


def test_derived_ratio_moves_with_a_driven_amount(baseline: Columns) -> None:
    drifted = _drifted("sudden", 1.0, ("amount",))
    ratio = "amount_to_avg_ratio"
    assert same_distribution_p(ratio, baseline[ratio], drifted[ratio]) < MOVED_P


@pytest.mark.parametrize(
    ("intensity", "elapsed_s", "offset"),
    [(1.0, 60, 6), (0.5, 60, 3), (1.0, 180, -6), (2.0, 20, round(12 * np.sin(np.pi / 6)))],
)
def test_seasonal_rotates_hour_of_day(
    baseline: Columns, intensity: float, elapsed_s: float, offset: int
) -> None:
    """Offset k × 6 h × sin(2π t / 240 s): a rotation of the daily profile, nothing else."""
    drifted = _drifted("seasonal", intensity, elapsed_s=elapsed_s)
    hours = drifted["hour_of_day"]
    assert hours.min() >= 0 and hours.max() <= 23
    rotated_back = (hours - offset) % 24
    assert same_distribution_p("hour_of_day", baseline["hour_of_day"], rotated_back) > UNCHANGED_P
    assert same_distribution_p("hour_of_day", baseline["hour_of_day"], hours) < MOVED_P
    assert_unchanged(baseline, drifted, {"hour_of_day"})


def test_seasonal_is_neutral_at_whole_periods(baseline: Columns) -> None:
    assert_unchanged(baseline, _drifted("seasonal", 3.0, elapsed_s=240), set())


def _share(values: np.ndarray, category: str) -> float:
    return float(np.mean(values == category))


@pytest.mark.parametrize("intensity", [0.5, 1.0, 3.0])
@pytest.mark.parametrize("feature", ["merchant_category", "channel"])
def test_categorical_moves_shares_into_drift_and_unseen_categories(
    baseline: Columns, feature: str, intensity: float
) -> None:
    drifted = _drifted("categorical", intensity, (feature,))
    unseen_share = min(1.0, 0.15 * intensity) if feature in UNSEEN_CATEGORY else 0.0
    if feature in UNSEEN_CATEGORY:
        unseen = _share(drifted[feature], UNSEEN_CATEGORY[feature])
        assert unseen == pytest.approx(unseen_share, abs=0.01)
        assert _share(baseline[feature], UNSEEN_CATEGORY[feature]) == 0.0
    # Rows not taken by the unseen category: a share m moved to the drift category, the rest
    # keep the baseline mix, so drift share = p + m (1 - p). Solve for m.
    kept = drifted[feature][drifted[feature] != UNSEEN_CATEGORY.get(feature)]
    before = _share(baseline[feature], DRIFT_CATEGORY[feature])
    moved = (_share(kept, DRIFT_CATEGORY[feature]) - before) / (1 - before)
    assert moved == pytest.approx(min(1.0, 0.5 * intensity), abs=0.015)
    assert_unchanged(baseline, drifted, {feature})


def _auc_and_fraud_rate(model: LoadedModel, columns: Columns) -> tuple[float, float]:
    scores = model.probability(FRAUD_CONTRACT.encode_columns(columns))
    labels = columns[FRAUD_CONTRACT.label]
    return float(roc_auc_score(labels, scores)), float(labels.mean())


def test_concept_keeps_inputs_but_breaks_the_production_model(
    baseline: Columns, trained_model: TrainedArtifact
) -> None:
    drifted = _drifted("concept")
    assert_unchanged(baseline, drifted, set())
    model = load_model(trained_model.directory)
    auc_before, rate_before = _auc_and_fraud_rate(model, baseline)
    auc_after, rate_after = _auc_and_fraud_rate(model, drifted)
    assert auc_before > 0.85
    assert auc_before - auc_after > 0.2, (auc_before, auc_after)
    assert rate_after == pytest.approx(rate_before, abs=0.015)


def test_concept_intensity_zero_is_no_drift(trained_model: TrainedArtifact) -> None:
    model = load_model(trained_model.directory)
    clean = generate_columns(ROWS, seed=DRIFT_SEED)
    assert _auc_and_fraud_rate(model, _drifted("concept", 0.0)) == _auc_and_fraud_rate(model, clean)


def test_none_is_the_clean_generator() -> None:
    drifted, clean = _drifted("none"), generate_columns(ROWS, seed=DRIFT_SEED)
    for name in [*FRAUD_CONTRACT.names, FRAUD_CONTRACT.label]:
        np.testing.assert_array_equal(drifted[name], clean[name])


def test_unknown_scenario_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown scenario 'bogus'"):
        make_scenario("bogus")


@pytest.mark.parametrize(
    ("scenario", "features", "bad"),
    [
        ("sudden", ("channel",), "channel"),  # categorical: no std to shift by
        ("gradual", ("amount", "no_such_feature"), "no_such_feature"),
        ("categorical", ("amount",), "amount"),
        ("categorical", ("is_foreign",), "is_foreign"),
        ("seasonal", ("amount",), "amount"),
        ("concept", ("amount",), "amount"),
        ("none", ("amount",), "amount"),
    ],
)
def test_features_a_scenario_cannot_drive_are_rejected(
    scenario: str, features: tuple[str, ...], bad: str
) -> None:
    with pytest.raises(ValueError, match=f"cannot drive feature\\(s\\) {bad}"):
        make_scenario(scenario, 1.0, features)


def test_auto_phase_cycles_through_the_program() -> None:
    cycle = sum(seconds for _, seconds in AUTO_PROGRAM)
    assert auto_phase(0.0) == ("none", 0.0)
    starts = np.cumsum([0.0, *(seconds for _, seconds in AUTO_PROGRAM[:-1])])
    for (name, _), start in zip(AUTO_PROGRAM, starts, strict=True):
        assert auto_phase(start + 1.0) == (name, pytest.approx(1.0))
        assert auto_phase(cycle + start + 1.0) == (name, pytest.approx(1.0))
    assert auto_phase(cycle - 1.0) == (AUTO_PROGRAM[-1][0], pytest.approx(AUTO_PROGRAM[-1][1] - 1))
    seen = {auto_phase(float(t))[0] for t in range(0, int(cycle), 5)}
    assert seen == {"none", "sudden", "categorical", "gradual", "concept"}


def test_auto_phase_reaches_a_drift_scenario_within_two_minutes() -> None:
    first_drift = next(t for t in range(0, 121) if auto_phase(float(t))[0] != "none")
    assert first_drift <= 120
