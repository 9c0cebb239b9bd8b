"""Drift statistics and decisions; `compare` works on any pair of DataFrames, no server needed."""

from driftscope.drift.chi2 import Chi2Result, chi2_test
from driftscope.drift.engine import DriftConfig, compare, compare_to_profile, decide, evaluate
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
from driftscope.drift.wasserstein import wasserstein, wasserstein_from_counts

__all__ = [
    "CategoricalReference",
    "Chi2Result",
    "DriftConfig",
    "DriftReport",
    "FeatureDrift",
    "KSResult",
    "NumericReference",
    "PSIResult",
    "benjamini_hochberg",
    "chi2_test",
    "compare",
    "compare_to_profile",
    "decide",
    "evaluate",
    "js_distance",
    "ks_from_counts",
    "ks_test",
    "psi",
    "psi_test",
    "reference_from_profile",
    "wasserstein",
    "wasserstein_from_counts",
]
