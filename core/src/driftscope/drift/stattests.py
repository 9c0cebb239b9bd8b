"""Registry of drift tests: name → StatTest (what it reads, the feature kinds it suits), and
feature kind → the tests the engine runs by default.

Every test answers in one shape, `StatResult`: p-value tests flag drift when p < threshold,
distances when the distance exceeds it. The statistics themselves stay pure functions in their
own modules (psi.py, ks.py, …); the adapters here only pick their inputs from a `Comparison`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from driftscope.drift.chi2 import chi2_test
from driftscope.drift.comparison import Comparison, Reads
from driftscope.drift.js import js_distance
from driftscope.drift.ks import ks_from_counts, ks_test
from driftscope.drift.psi import psi_test
from driftscope.drift.wasserstein import normalised, wasserstein, wasserstein_from_counts

FeatureKind = Literal["numeric", "integer", "categorical", "boolean", "text"]
# Text features drift through numeric descriptors (length, OOV share, …), so numeric tests suit.
NUMERIC_KINDS: frozenset[FeatureKind] = frozenset({"numeric", "integer", "text"})
CATEGORICAL_KINDS: frozenset[FeatureKind] = frozenset({"categorical", "boolean"})
ALL_KINDS = NUMERIC_KINDS | CATEGORICAL_KINDS
T = TypeVar("T")


@dataclass(frozen=True)
class StatResult:
    statistic: float
    p_value: float | None  # None for a distance
    threshold: float  # what `drifted` was judged against (PSI: the floor plus `bias`)
    drifted: bool
    bias: float = 0.0  # the statistic's expected value under no drift, where it is modelled


Measure = Callable[[Comparison, float], StatResult]  # (data, threshold) → result


@dataclass(frozen=True)
class StatTest:
    name: str
    kinds: frozenset[FeatureKind]  # feature kinds it suits
    reads: Reads
    measure: Measure
    reported_as: tuple[str, ...]  # FeatureDrift fields for its statistic (and p-value)
    threshold: float = 0.05  # default: a p-value bound, or a distance floor
    gives_p_value: bool = True

    def run(self, data: Comparison, threshold: float | None = None) -> StatResult:
        return self.measure(data, self.threshold if threshold is None else threshold)

    def report(self, result: StatResult) -> dict[str, Any]:
        return dict(zip(self.reported_as, (result.statistic, result.p_value), strict=False))


def _by_p_value(statistic: float, p_value: float, threshold: float) -> StatResult:
    return StatResult(statistic, p_value, threshold, p_value < threshold)


def _by_distance(distance: float, threshold: float) -> StatResult:
    return StatResult(distance, None, threshold, distance > threshold)


def _psi(data: Comparison, threshold: float) -> StatResult:
    """The floor is raised by PSI's no-drift bias, so small windows need a larger effect."""
    result = psi_test(data.reference_counts, data.current_counts)
    floor = threshold + result.bias
    return StatResult(
        result.statistic, result.p_value, floor, result.statistic > floor, result.bias
    )


def _ks(data: Comparison, threshold: float) -> StatResult:
    samples = data.need_samples()
    result = ks_test(samples.reference, samples.current)
    return _by_p_value(result.statistic, result.p_value, threshold)


def _ks_binned(data: Comparison, threshold: float) -> StatResult:
    grid = data.need_grid()
    result = ks_from_counts(grid.reference_counts, grid.current_counts)
    return _by_p_value(result.statistic, result.p_value, threshold)


def _chi2(data: Comparison, threshold: float) -> StatResult:
    result = chi2_test(data.reference_counts, data.current_counts)
    return _by_p_value(result.statistic, result.p_value, threshold)


def _js(data: Comparison, threshold: float) -> StatResult:
    return _by_distance(js_distance(data.reference_counts, data.current_counts), threshold)


def _wasserstein(data: Comparison, threshold: float) -> StatResult:
    samples = data.need_samples()
    distance = wasserstein(samples.reference, samples.current)
    return _by_distance(normalised(distance, data.scale), threshold)


def _w1_binned(data: Comparison, threshold: float) -> StatResult:
    grid = data.need_grid()
    distance = wasserstein_from_counts(grid.edges, grid.reference_counts, grid.current_counts)
    return _by_distance(normalised(distance, data.scale), threshold)


def _distance(
    name: str, kinds: frozenset[FeatureKind], reads: Reads, measure: Measure, field: str
) -> StatTest:
    return StatTest(name, kinds, reads, measure, (field,), threshold=0.1, gives_p_value=False)


KS_FIELDS = ("ks_statistic", "ks_pvalue")
STAT_TESTS: Mapping[str, StatTest] = {
    test.name: test
    for test in (
        StatTest("psi", ALL_KINDS, "bins", _psi, ("psi",), threshold=0.1),
        StatTest("ks", NUMERIC_KINDS, "samples", _ks, KS_FIELDS),
        StatTest("ks_binned", NUMERIC_KINDS, "grid", _ks_binned, KS_FIELDS),
        StatTest("chi2", CATEGORICAL_KINDS, "bins", _chi2, ("chi2_statistic",)),
        _distance("js", ALL_KINDS, "bins", _js, "js_distance"),
        _distance("wasserstein", NUMERIC_KINDS, "samples", _wasserstein, "wasserstein_norm"),
        _distance("wasserstein_binned", NUMERIC_KINDS, "grid", _w1_binned, "wasserstein_norm"),
    )
}


def _lookup(table: Mapping[str, T], key: str, what: str) -> T:
    try:
        return table[key]
    except KeyError:
        known = ", ".join(sorted(table))
        raise ValueError(f"unknown {what} {key!r}; known: {known}") from None


def get_test(name: str) -> StatTest:
    return _lookup(STAT_TESTS, name, "drift test")


@dataclass(frozen=True)
class DefaultTests:
    """The tests the engine runs for one feature kind, by role. Where a role names several, the
    first the data offers runs: exact tests on raw samples before their binned twins."""

    evidence: tuple[str, ...]  # p-value tests, Benjamini–Hochberg-adjusted across features
    distance: tuple[str, ...]  # an effect size reported beside PSI
    effect: str = "psi"  # with its size-aware floor, decides whether the evidence matters

    def __post_init__(self) -> None:
        """A misnamed default fails at import, not in the middle of a monitoring window."""
        for name in (*self.evidence, *self.distance, self.effect):
            get_test(name)
        if not all(get_test(name).gives_p_value for name in self.evidence):
            raise ValueError(f"evidence tests must give p-values: {', '.join(self.evidence)}")

    def evidence_test(self, data: Comparison) -> StatTest:
        return _first_offered(self.evidence, data)

    def distance_test(self, data: Comparison) -> StatTest:
        return _first_offered(self.distance, data)


def _first_offered(names: tuple[str, ...], data: Comparison) -> StatTest:
    for test in map(get_test, names):
        if data.offers(test.reads):
            return test
    raise ValueError(f"none of the tests {', '.join(names)} can read this comparison")


NUMERIC_DEFAULTS = DefaultTests(("ks", "ks_binned"), ("wasserstein", "wasserstein_binned"))
CATEGORICAL_DEFAULTS = DefaultTests(("chi2",), ("js",))
DEFAULT_TESTS: Mapping[str, DefaultTests] = {
    **dict.fromkeys(NUMERIC_KINDS, NUMERIC_DEFAULTS),
    **dict.fromkeys(CATEGORICAL_KINDS, CATEGORICAL_DEFAULTS),
}


def default_tests(kind: str) -> DefaultTests:
    return _lookup(DEFAULT_TESTS, kind, "feature kind for drift tests")
