"""Per-feature references: built from raw reference data or from a stored profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from driftscope.drift.binning import (
    category_labels,
    coarsen,
    count_categorical,
    count_numeric,
    numeric_grids,
)
from driftscope.drift.comparison import Comparison, Grid, Samples

SAMPLE_SIZE = 2_000


@dataclass(frozen=True)
class NumericReference:
    edges: list[float]  # coarse (decile) inner edges, for PSI
    counts: list[int]
    missing: int
    fine_edges: list[float]  # 1/1000-quantile edges, for KS/Wasserstein from counts
    fine_counts: list[int]
    values: np.ndarray = field(repr=False)  # sorted finite raw values, or a stored sample
    mean: float | None
    std: float | None
    kind: Literal["numeric"] = "numeric"

    @classmethod
    def from_values(cls, values: Any) -> NumericReference:
        x = np.asarray(values, dtype=np.float64)
        finite = np.sort(x[np.isfinite(x)])
        edges, fine_edges = numeric_grids(finite)
        counts, _ = count_numeric(finite, edges)
        fine_counts, _ = count_numeric(finite, fine_edges)
        return cls(
            edges,
            counts,
            int(len(x) - len(finite)),
            fine_edges,
            fine_counts,
            finite,
            float(finite.mean()) if len(finite) else None,
            float(finite.std()) if len(finite) else None,
        )

    @classmethod
    def from_profile(cls, entry: dict[str, Any]) -> NumericReference:
        return cls(
            entry["edges"],
            entry["counts"],
            entry["missing"],
            entry["fine_edges"],
            entry["fine_counts"],
            np.asarray(entry["sample"], dtype=np.float64),
            entry["mean"],
            entry["std"],
        )

    def to_profile(self, rng: np.random.Generator) -> dict[str, Any]:
        size = min(SAMPLE_SIZE, len(self.values))
        sample = np.sort(rng.choice(self.values, size=size, replace=False)) if size else self.values
        return {
            "type": "numeric",
            "edges": self.edges,
            "counts": self.counts,
            "missing": self.missing,
            "fine_edges": self.fine_edges,
            "fine_counts": self.fine_counts,
            "mean": self.mean,
            "std": self.std,
            "sample": sample.tolist(),
        }

    @property
    def n(self) -> int:
        return int(sum(self.counts)) + self.missing

    def comparison(self, values: Any, exact_max_rows: int) -> Comparison:
        """Current values counted into the reference bins; beyond `exact_max_rows` finite values
        the fine grid stands in for raw samples (coarse counts are sums of fine counts)."""
        x = np.asarray(values, dtype=np.float64)
        finite = x[np.isfinite(x)]
        missing = len(x) - len(finite)
        samples, grid = None, None
        if len(finite) > exact_max_rows:
            fine_counts, _ = count_numeric(finite, self.fine_edges)
            counts = coarsen(self.fine_edges, fine_counts, self.edges)
            grid = Grid(self.fine_edges, self.fine_counts, fine_counts)
        else:
            counts, _ = count_numeric(finite, self.edges)
            samples = Samples(self.values, finite)
        return Comparison(
            list(self.edges),
            [*self.counts, self.missing],
            [*counts, missing],
            samples=samples,
            grid=grid,
            scale=self.std,
        )

    def comparison_from_counts(self, counts: list[int]) -> Comparison:
        """A window counted on the fine grid (`window_counts`: fine bins, then missing)."""
        fine, missing = list(counts[:-1]), int(counts[-1])
        if len(fine) != len(self.fine_edges) + 1:
            raise ValueError(f"{len(fine)} fine counts for {len(self.fine_edges) + 1} bins")
        return Comparison(
            list(self.edges),
            [*self.counts, self.missing],
            [*coarsen(self.fine_edges, fine, self.edges), missing],
            grid=Grid(self.fine_edges, self.fine_counts, fine),
            scale=self.std,
        )


@dataclass(frozen=True)
class CategoricalReference:
    categories: list[str]
    counts: list[int]
    unseen: int
    missing: int
    kind: Literal["categorical"] = "categorical"

    @classmethod
    def from_values(cls, values: Any, categories: list[str] | None = None) -> CategoricalReference:
        labels = category_labels(values if isinstance(values, pd.Series) else pd.Series(values))
        if categories is None:
            categories = sorted(labels.dropna().astype(str).unique().tolist())
        counts, unseen, missing = count_categorical(labels, categories)
        return cls(list(categories), counts, unseen, missing)

    @classmethod
    def from_profile(cls, entry: dict[str, Any]) -> CategoricalReference:
        return cls(entry["categories"], entry["counts"], entry["unseen"], entry["missing"])

    def to_profile(self) -> dict[str, Any]:
        return {
            "type": "categorical",
            "categories": self.categories,
            "counts": self.counts,
            "unseen": self.unseen,
            "missing": self.missing,
        }

    @property
    def n(self) -> int:
        return int(sum(self.counts)) + self.unseen + self.missing

    def comparison(self, values: Any, exact_max_rows: int) -> Comparison:
        """Current values counted into the known categories, unseen and missing (every window
        is counted whole: the bins are few, whatever the size)."""
        del exact_max_rows
        counts, unseen, missing = count_categorical(values, self.categories)
        return Comparison(
            [*self.categories, "(unseen)", "(missing)"],
            [*self.counts, self.unseen, self.missing],
            [*counts, unseen, missing],
        )

    def comparison_from_counts(self, counts: list[int]) -> Comparison:
        """A window counted per category, then unseen, then missing (`window_counts`)."""
        if len(counts) != len(self.categories) + 2:
            raise ValueError(f"{len(counts)} counts for {len(self.categories) + 2} bins")
        return Comparison(
            [*self.categories, "(unseen)", "(missing)"],
            [*self.counts, self.unseen, self.missing],
            list(counts),
        )


Reference = NumericReference | CategoricalReference


def reference_from_profile(entry: dict[str, Any]) -> Reference:
    if entry["type"] == "numeric":
        return NumericReference.from_profile(entry)
    return CategoricalReference.from_profile(entry)
