"""Drift statistics, their registry and decisions; `compare` works on any pair of DataFrames."""

from driftscope.drift.chi2 import Chi2Result, chi2_test
from driftscope.drift.comparison import Comparison
from driftscope.drift.engine import (
    DriftConfig,
    compare,
    compare_counts_to_profile,
    compare_to_profile,
    decide,
    evaluate,
)
from driftscope.drift.js import js_distance
from driftscope.drift.ks import KSResult, ks_from_counts, ks_test
from driftscope.drift.multiple import benjamini_hochberg
from driftscope.drift.psi import PSIResult, psi, psi_test
from driftscope.drift.reference import (
    CategoricalReference,
    NumericReference,
    reference_from_profile,
)
from driftscope.drift.report import DriftReport, FeatureDrift
from driftscope.drift.stattests import STAT_TESTS, StatResult, StatTest, default_tests, get_test
from driftscope.drift.wasserstein import wasserstein, wasserstein_from_counts

__all__ = [
    "STAT_TESTS",
    "CategoricalReference",
    "Chi2Result",
    "Comparison",
    "DriftConfig",
    "DriftReport",
    "FeatureDrift",
    "KSResult",
    "NumericReference",
    "PSIResult",
    "StatResult",
    "StatTest",
    "benjamini_hochberg",
    "chi2_test",
    "compare",
    "compare_counts_to_profile",
    "compare_to_profile",
    "decide",
    "default_tests",
    "evaluate",
    "get_test",
    "js_distance",
    "ks_from_counts",
    "ks_test",
    "psi",
    "psi_test",
    "reference_from_profile",
    "wasserstein",
    "wasserstein_from_counts",
]
