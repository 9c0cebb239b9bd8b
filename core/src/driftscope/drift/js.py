"""Jensen–Shannon distance (base 2, in [0, 1]) between two count vectors."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def js_distance(reference_counts: Sequence[float], current_counts: Sequence[float]) -> float:
    p = np.asarray(reference_counts, dtype=np.float64)
    q = np.asarray(current_counts, dtype=np.float64)
    if p.sum() == 0 or q.sum() == 0:
        return 0.0
    p, q = p / p.sum(), q / q.sum()
    m = (p + q) / 2

    def kl(a: np.ndarray) -> float:
        nz = a > 0
        return float(np.sum(a[nz] * np.log2(a[nz] / m[nz])))

    return float(np.sqrt(max(0.0, (kl(p) + kl(q)) / 2)))
