"""The drift-test registry: lookups by name and feature kind, one result shape for every test."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from driftscope.drift import STAT_TESTS, Comparison, StatResult, default_tests, get_test
from driftscope.drift.comparison import Grid, Samples
from driftscope.drift.stattests import DEFAULT_TESTS, DefaultTests


def counted(reference: list[int], current: list[int]) -> Comparison:
    return Comparison(list(range(len(reference))), reference, current)


def sampled(reference: list[float], current: list[float], scale: float) -> Comparison:
    samples = Samples(np.array(reference), np.array(current))
    return Comparison([], [len(reference)], [len(current)], samples=samples, scale=scale)


def gridded(
    edges: list[float], reference: list[int], current: list[int], scale: float = 1.0
) -> Comparison:
    grid = Grid(edges, reference, current)
    return Comparison([], [sum(reference)], [sum(current)], grid=grid, scale=scale)


# Hand-computed cases, the same as in each statistic's own tests: (data, statistic, p-value).
PSI_SCALE = 1 / 60 + 1 / 60
PSI_HAND = 2 * (20 / 61.5) * math.log(30.5 / 10.5)
JS_HAND = math.sqrt(
    (math.log2(4 / 3) + 0.5 * math.log2(0.5 / 0.75) + 0.5 * math.log2(0.5 / 0.25)) / 2
)
CASES = {
    "psi": (counted([10, 20, 30], [30, 20, 10]), PSI_HAND, stats.chi2.sf(PSI_HAND / PSI_SCALE, 2)),
    "ks": (
        sampled([1.0, 2.0, 3.0], [2.0, 3.0, 4.0, 5.0], 1.0),
        0.5,
        stats.ks_2samp([1, 2, 3], [2, 3, 4, 5]).pvalue,
    ),
    # cumulative shares (0.5, 0.75, 1) vs (0.25, 0.5, 1); Smirnov with n = 4·4/8 = 2
    "ks_binned": (gridded([0.0, 1.0], [2, 1, 1], [1, 1, 2]), 0.25, stats.kstwo.sf(0.25, 2)),
    "chi2": (counted([10, 20], [20, 10]), 4 * 25 / 15, stats.chi2.sf(100 / 15, 1)),
    "js": (counted([4, 0], [2, 2]), JS_HAND, None),
    # every point moved by 2, in units of a reference std of 4
    "wasserstein": (sampled([0.0, 1.0, 3.0], [2.0, 3.0, 5.0], 4.0), 0.5, None),
    # ECDF gap ½ over [0, 1), in units of a reference std of 2
    "wasserstein_binned": (gridded([0.0, 1.0, 2.0], [0, 1, 1, 0], [0, 0, 2, 0], 2.0), 0.25, None),
}


def test_every_registered_test_has_a_hand_computed_case() -> None:
    assert set(CASES) == set(STAT_TESTS)


@pytest.mark.parametrize("name", sorted(CASES))
def test_result_shape_on_a_hand_computed_case(name: str) -> None:
    data, statistic, p_value = CASES[name]
    test = get_test(name)
    result = test.run(data)

    assert isinstance(result, StatResult)
    assert result.statistic == pytest.approx(statistic, rel=1e-12)
    assert (result.p_value is None) == (p_value is None) == (not test.gives_p_value)
    if p_value is not None:
        assert result.p_value == pytest.approx(p_value, rel=1e-9)
        assert result.drifted == (p_value < result.threshold)
    else:
        assert result.drifted == (statistic > result.threshold)


def test_psi_threshold_is_raised_by_its_no_drift_bias() -> None:
    result = get_test("psi").run(CASES["psi"][0], 0.1)
    assert result.bias == pytest.approx(2 * PSI_SCALE)
    assert result.threshold == 0.1 + result.bias
    assert result.drifted  # 0.70 > 0.17


def test_a_given_threshold_replaces_the_default() -> None:
    chi2 = get_test("chi2")
    data = CASES["chi2"][0]  # p ≈ 0.0098
    assert chi2.run(data).threshold == chi2.threshold == 0.05
    assert chi2.run(data).drifted
    assert not chi2.run(data, 0.001).drifted
    assert get_test("js").run(data, 0.0).drifted and not get_test("js").run(data, 1.0).drifted


@pytest.mark.parametrize("kind", ["numeric", "integer", "text"])
def test_numeric_kinds_default_to_ks_and_wasserstein(kind: str) -> None:
    tests = default_tests(kind)
    assert (tests.evidence, tests.distance, tests.effect) == (
        ("ks", "ks_binned"),
        ("wasserstein", "wasserstein_binned"),
        "psi",
    )


@pytest.mark.parametrize("kind", ["categorical", "boolean"])
def test_categorical_kinds_default_to_chi2_and_js(kind: str) -> None:
    tests = default_tests(kind)
    assert (tests.evidence, tests.distance, tests.effect) == (("chi2",), ("js",), "psi")


@pytest.mark.parametrize("kind", sorted(DEFAULT_TESTS))
def test_every_default_test_suits_its_kind(kind: str) -> None:
    tests = default_tests(kind)
    for name in (*tests.evidence, *tests.distance, tests.effect):
        assert kind in get_test(name).kinds, (kind, name)


def test_exact_tests_run_on_samples_and_binned_twins_on_the_grid() -> None:
    numeric = default_tests("numeric")
    raw, binned = CASES["ks"][0], CASES["ks_binned"][0]
    assert (numeric.evidence_test(raw).name, numeric.distance_test(raw).name) == (
        "ks",
        "wasserstein",
    )
    assert (numeric.evidence_test(binned).name, numeric.distance_test(binned).name) == (
        "ks_binned",
        "wasserstein_binned",
    )
    with pytest.raises(ValueError, match="none of the tests ks, ks_binned can read"):
        numeric.evidence_test(counted([1, 2], [2, 1]))


def test_unknown_names_are_clear_errors() -> None:
    known = "chi2, js, ks, ks_binned, psi, wasserstein, wasserstein_binned"
    with pytest.raises(ValueError, match=f"unknown drift test 'kss'; known: {known}$"):
        get_test("kss")
    with pytest.raises(ValueError, match="unknown feature kind for drift tests 'date'; known: b"):
        default_tests("date")


def test_misconfigured_defaults_fail_when_declared() -> None:
    with pytest.raises(ValueError, match="unknown drift test 'kss'"):
        DefaultTests(("kss",), ("js",))
    with pytest.raises(ValueError, match="evidence tests must give p-values: js"):
        DefaultTests(("js",), ("js",))


def test_a_test_without_its_input_says_so() -> None:
    with pytest.raises(ValueError, match="no raw samples"):
        get_test("ks").run(counted([1, 2], [2, 1]))
    with pytest.raises(ValueError, match="no fine-grid counts"):
        get_test("wasserstein_binned").run(counted([1, 2], [2, 1]))
