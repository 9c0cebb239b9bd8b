"""The drift engine: decision rule, compare() typing and strict JSON, binned path, profiles,
and reports equal to the registry's tests called directly."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from driftscope.contract import FRAUD_CONTRACT
from driftscope.drift import (
    DriftConfig,
    FeatureDrift,
    KSResult,
    chi2_test,
    compare,
    compare_to_profile,
    decide,
    js_distance,
    ks_from_counts,
    ks_test,
    psi_test,
    wasserstein,
    wasserstein_from_counts,
)
from driftscope.drift.binning import count_numeric, numeric_grids
from driftscope.generator import generate_columns, generate_frame
from driftscope.profile import build_profile


def feature(name: str, psi: float, p_value: float, bias: float = 0.01) -> FeatureDrift:
    return FeatureDrift.undecided(
        name,
        "numeric",
        "ks",
        psi=psi,
        psi_bias=bias,
        p_value=p_value,
        n_reference=10_000,
        n_current=1_000,
    )


def amounts_up(frame: pd.DataFrame, factor: float = 1.8) -> pd.DataFrame:
    """Card averages scaled by `factor`, the ratio recomputed as the generator derives it."""
    shifted = frame.copy()
    shifted["avg_amount_30d"] = (shifted["avg_amount_30d"] * factor).round(2)
    shifted["amount_to_avg_ratio"] = (shifted["amount"] / shifted["avg_amount_30d"]).round(4)
    return shifted


def test_decision_needs_both_evidence_and_effect() -> None:
    config = DriftConfig(psi_warn=0.1, psi_alert=0.25, alpha=0.05)
    features = [
        feature("both", psi=0.5, p_value=1e-6),
        feature("warn", psi=0.2, p_value=1e-6),
        feature("tiny_effect", psi=0.105, p_value=1e-9),  # below 0.1 + bias 0.01
        feature("no_evidence", psi=0.5, p_value=0.2),
    ]
    report = decide(features, None, 10_000, 1_000, config)

    got = {n: (f.drifted, f.severity) for n, f in report.features.items()}
    assert got == {
        "both": (True, "alert"),
        "warn": (True, "warn"),
        "tiny_effect": (False, "none"),
        "no_evidence": (False, "none"),
    }
    assert report.features["both"].warn_threshold == pytest.approx(0.11)
    assert report.features["both"].alert_threshold == pytest.approx(0.26)
    assert report.drifted_features == ["both", "warn"]
    assert report.dataset_drift_share == 0.5 and report.dataset_drifted


def test_evidence_is_judged_on_bh_adjusted_p_values() -> None:
    # p = 0.03 passes alone, but with three null features its q is 0.03·4/1 = 0.12.
    alone = decide([feature("x", 0.5, 0.03)], None, 10_000, 1_000, DriftConfig())
    crowd = [feature("x", 0.5, 0.03)] + [feature(f"n{i}", 0.0, 0.9) for i in range(3)]
    report = decide(crowd, None, 10_000, 1_000, DriftConfig())
    assert alone.features["x"].drifted
    assert report.features["x"].q_value == pytest.approx(0.12)
    assert not report.features["x"].drifted


def test_prediction_is_its_own_family() -> None:
    crowd = [feature(f"n{i}", 0.0, 0.9) for i in range(11)]
    report = decide(crowd, feature("prediction", 0.5, 0.01), 10_000, 1_000, DriftConfig())
    assert report.prediction is not None
    assert report.prediction.q_value == 0.01 and report.prediction.drifted
    assert report.dataset_drift_share == 0.0


def test_compare_types_columns_automatically() -> None:
    rng = np.random.default_rng(0)
    n = 400
    frame = pd.DataFrame(
        {
            "string": pd.Series(rng.choice(["a", "b"], n), dtype="string"),
            "object": pd.Series(rng.choice(["a", "b"], n).tolist(), dtype=object),
            "category": pd.Series(rng.choice(["a", "b"], n), dtype="category"),
            "bool": rng.random(n) < 0.5,
            "float": rng.normal(size=n),
            "int": rng.integers(0, 5, n),
        }
    )
    kinds = {n: f.kind for n, f in compare(frame, frame.iloc[:200]).features.items()}
    assert kinds == {
        "string": "categorical",
        "object": "categorical",
        "category": "categorical",
        "bool": "categorical",
        "float": "numeric",
        "int": "numeric",
    }
    assert compare(frame, frame).features["bool"].bins == ["false", "true", "(unseen)", "(missing)"]

    explicit = compare(frame, frame.iloc[:200], categorical=["int", "object"]).features
    assert {n: f.kind for n, f in explicit.items() if f.kind == "categorical"} == {
        "int": "categorical",
        "object": "categorical",
    }
    assert explicit["int"].test == "chi2" and explicit["float"].test == "ks"


def test_compare_names_missing_columns() -> None:
    frame = pd.DataFrame({"a": [1.0], "b": [2.0], "c": [3.0]})
    with pytest.raises(ValueError, match="b, c"):
        compare(frame, frame[["a"]])


def test_to_dict_is_strict_json_even_with_nan_and_inf() -> None:
    ref = pd.DataFrame(
        {
            "x": [1.0, np.nan, np.inf, 2.0, 3.0] * 40,
            "empty": [np.nan] * 200,
            "c": ["u", "v", None, "u", "u"] * 40,
        }
    )
    cur = pd.DataFrame(
        {"x": [np.inf, -np.inf, np.nan, 5.0, 7.0] * 30, "empty": [np.nan] * 150, "c": [None] * 150}
    )
    report = compare(ref, cur)
    json.dumps(report.to_dict(), allow_nan=False)

    odd = feature("odd", psi=math.nan, p_value=math.inf)
    as_dict = odd.to_dict()
    assert as_dict["psi"] is None and as_dict["p_value"] is None
    json.dumps(as_dict, allow_nan=False)


def test_dataset_drift_share_is_the_fraction_flagged(reference_frame: pd.DataFrame) -> None:
    current = amounts_up(generate_frame(2_000, seed=11)[FRAUD_CONTRACT.names])
    report = compare(reference_frame, current)
    flagged = report.drifted_features
    assert {"avg_amount_30d", "amount_to_avg_ratio"} <= set(flagged)
    assert report.dataset_drift_share == pytest.approx(len(flagged) / len(FRAUD_CONTRACT.names))
    assert report.dataset_drifted == (report.dataset_drift_share >= 0.5)
    assert report.to_dict()["drifted_features"] == flagged


@pytest.mark.parametrize("shifted", [False, True], ids=["clean", "shifted"])
def test_large_windows_use_binned_ks_and_agree_with_exact(
    reference_frame: pd.DataFrame, shifted: bool
) -> None:
    current = generate_frame(3_000, seed=12)[FRAUD_CONTRACT.names]
    current = amounts_up(current) if shifted else current
    reference = reference_frame.iloc[:20_000]

    exact = compare(reference, current)
    binned = compare(reference, current, config=DriftConfig(exact_max_rows=1_000))

    for name, f in binned.features.items():
        e = exact.features[name]
        assert f.test == ("ks_binned" if f.kind == "numeric" else "chi2")
        assert e.test == ("ks" if f.kind == "numeric" else "chi2")
        assert f.current_counts == e.current_counts  # coarse counts from fine counts are exact
        assert f.psi == pytest.approx(e.psi)
        if f.kind == "numeric":
            assert f.ks_statistic == pytest.approx(e.ks_statistic, abs=0.01)
    assert binned.drifted_features == exact.drifted_features
    assert bool(exact.drifted_features) == shifted


@pytest.fixture(scope="module")
def profile() -> dict[str, object]:
    columns = generate_columns(20_000, seed=21)
    scores = np.random.default_rng(21).beta(1.0, 20.0, 20_000)
    return build_profile(FRAUD_CONTRACT, columns, scores, seed=0)


def test_profile_detects_shifted_feature_and_scores(profile: dict[str, object]) -> None:
    rng = np.random.default_rng(22)
    current = amounts_up(generate_frame(2_000, seed=22))
    report = compare_to_profile(profile, current, rng.beta(1.0, 10.0, 2_000))

    assert report.features["avg_amount_30d"].drifted
    assert report.features["avg_amount_30d"].test == "ks"
    assert report.prediction is not None and report.prediction.drifted
    assert report.n_reference == 20_000 and report.n_current == 2_000
    assert report.sufficient


def test_profile_clean_window_flags_nothing(profile: dict[str, object]) -> None:
    rng = np.random.default_rng(23)
    report = compare_to_profile(profile, generate_frame(2_000, seed=23), rng.beta(1.0, 20.0, 2_000))
    assert report.drifted_features == []
    assert report.prediction is not None and not report.prediction.drifted


def test_profile_without_scores_has_no_prediction_entry(profile: dict[str, object]) -> None:
    assert compare_to_profile(profile, generate_frame(300, seed=24)).prediction is None


@pytest.mark.parametrize("n", [0, 40, 99])
def test_insufficient_windows_flag_nothing(profile: dict[str, object], n: int) -> None:
    rng = np.random.default_rng(25)
    current = amounts_up(generate_frame(n, seed=25), factor=5.0)
    report = compare_to_profile(profile, current, rng.beta(5.0, 2.0, n))

    assert not report.sufficient and report.n_current == n
    assert report.drifted_features == [] and not report.dataset_drifted
    assert report.prediction is not None and not report.prediction.drifted
    json.dumps(report.to_dict(), allow_nan=False)


def test_threaded_evaluation_gives_the_serial_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """Large windows are evaluated on threads: same features, same order, same numbers."""
    from driftscope.drift import engine
    from driftscope.generator import generate_frame

    reference = generate_frame(5_000, seed=1)
    current = generate_frame(20_000, seed=2)
    monkeypatch.setattr(engine, "PARALLEL_MIN_ROWS", 10**9)
    serial = engine.compare(reference, current).to_dict()
    monkeypatch.setattr(engine, "PARALLEL_MIN_ROWS", 1)
    threaded = engine.compare(reference, current).to_dict()
    assert threaded == serial
    assert list(threaded["features"]) == list(reference.columns)


@pytest.fixture(scope="module")
def mixed() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Float, integer, string and boolean columns, with gaps and a category new in `current`."""

    def frame(n: int, seed: int, shift: float, labels: list[str | None]) -> pd.DataFrame:
        rng = np.random.default_rng(seed)
        amount = rng.normal(shift, 1.0, n)
        amount[::17] = np.nan
        return pd.DataFrame(
            {
                "amount": amount,
                "count": rng.poisson(3 + shift, n),
                "channel": pd.Series(rng.choice(np.array(labels, dtype=object), n), dtype=object),
                "flag": rng.random(n) < 0.3 + shift / 10,
            }
        )

    return frame(3_000, 31, 0.0, ["a", "b", "c", None]), frame(600, 32, 0.4, ["a", "b", "z"])


def finite(values: pd.Series) -> np.ndarray:
    x = values.to_numpy(dtype=np.float64)
    return np.sort(x[np.isfinite(x)])


def direct_numeric(ref: np.ndarray, cur: np.ndarray, test: str) -> tuple[KSResult, float]:
    """KS and Wasserstein as the engine should compute them: on samples, or on the fine grid."""
    if test == "ks":
        return ks_test(ref, cur), wasserstein(ref, cur)
    fine = numeric_grids(ref)[1]
    fine_ref, fine_cur = count_numeric(ref, fine)[0], count_numeric(cur, fine)[0]
    return ks_from_counts(fine_ref, fine_cur), wasserstein_from_counts(fine, fine_ref, fine_cur)


@pytest.mark.parametrize(("exact_max_rows", "test"), [(200_000, "ks"), (100, "ks_binned")])
def test_report_equals_the_tests_called_directly(
    mixed: tuple[pd.DataFrame, pd.DataFrame], exact_max_rows: int, test: str
) -> None:
    reference, current = mixed
    report = compare(reference, current, config=DriftConfig(exact_max_rows=exact_max_rows))
    for name in ("amount", "count"):
        f, ref, cur = report.features[name], finite(reference[name]), finite(current[name])
        edges = numeric_grids(ref)[0]
        assert (f.kind, f.bins) == ("numeric", edges)
        assert f.current_counts == [*count_numeric(cur, edges)[0], len(current) - len(cur)]
        ks, distance = direct_numeric(ref, cur, test)
        assert (f.test, f.ks_statistic, f.ks_pvalue, f.p_value) == (
            test,
            ks.statistic,
            ks.p_value,
            ks.p_value,
        )
        assert f.wasserstein_norm == distance / float(ref.std())
        assert (f.chi2_statistic, f.js_distance) == (None, None)
    for name, bins in [("channel", ["a", "b", "c"]), ("flag", ["false", "true"])]:
        f = report.features[name]
        assert (f.kind, f.test, f.bins) == ("categorical", "chi2", [*bins, "(unseen)", "(missing)"])
        chi2 = chi2_test(f.reference_counts, f.current_counts)
        assert (f.chi2_statistic, f.p_value) == (chi2.statistic, chi2.p_value)
        assert f.js_distance == js_distance(f.reference_counts, f.current_counts)
        assert (f.ks_statistic, f.wasserstein_norm) == (None, None)
    for f in report.features.values():
        psi = psi_test(f.reference_counts, f.current_counts)
        assert (f.psi, f.psi_bias, f.warn_threshold) == (psi.statistic, psi.bias, 0.1 + psi.bias)


def test_categories_count_unseen_and_missing(mixed: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    reference, current = mixed
    channel = compare(reference, current).features["channel"]
    assert channel.reference_counts[3:] == [0, int(reference["channel"].isna().sum())]
    assert channel.current_counts[3:] == [int((current["channel"] == "z").sum()), 0]
