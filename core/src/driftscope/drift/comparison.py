"""One feature's reference and current data, in the forms the statistical tests read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

# What a test reads: counts in the reference's bins (always there), raw finite samples (small
# windows), or counts on the fine quantile grid (large windows, stored histograms).
Reads = Literal["bins", "samples", "grid"]


@dataclass(frozen=True)
class Samples:
    reference: np.ndarray = field(repr=False)  # finite values only
    current: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class Grid:
    edges: Sequence[float]  # inner edges of the fine grid (open tails, no missing bin)
    reference_counts: Sequence[int]
    current_counts: Sequence[int]


@dataclass(frozen=True)
class Comparison:
    bins: list[Any]  # edges (numeric) or labels (categorical) of the counted bins
    reference_counts: list[int]  # per bin; the last bin counts missing values
    current_counts: list[int]
    samples: Samples | None = None
    grid: Grid | None = None
    scale: float | None = None  # reference standard deviation: distances in its units

    def offers(self, reads: Reads) -> bool:
        return reads == "bins" or getattr(self, reads) is not None

    def need_samples(self) -> Samples:
        if self.samples is None:
            raise ValueError("no raw samples in this comparison (a large window: binned tests)")
        return self.samples

    def need_grid(self) -> Grid:
        if self.grid is None:
            raise ValueError("no fine-grid counts in this comparison (categorical or small window)")
        return self.grid
