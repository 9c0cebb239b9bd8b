"""Drift results: per feature and per window, serialisable as strict JSON."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

Severity = Literal["none", "warn", "alert"]


def strict_json(value: Any) -> Any:
    """NaN/inf → None, recursively, so to_dict() is strict JSON."""
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, (np.integer, np.bool_)):
        return value.item()
    if isinstance(value, dict):
        return {k: strict_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict_json(v) for v in value]
    return value


@dataclass(frozen=True)
class FeatureDrift:
    name: str
    kind: Literal["numeric", "categorical"]
    test: str  # the registered test that gave p_value: ks | ks_binned | chi2
    psi: float
    psi_bias: float  # expected PSI with no drift at these sample sizes
    warn_threshold: float
    alert_threshold: float
    p_value: float
    q_value: float  # Benjamini–Hochberg adjusted across the window's features
    drifted: bool
    severity: Severity
    n_reference: int
    n_current: int
    missing_share_reference: float = 0.0
    missing_share_current: float = 0.0
    # Statistics of the kind's default tests (drift.stattests); None where a kind has no such test
    ks_statistic: float | None = None
    ks_pvalue: float | None = None
    wasserstein_norm: float | None = None
    chi2_statistic: float | None = None
    js_distance: float | None = None
    bins: list[Any] = field(default_factory=list)  # edges (numeric) or labels (categorical)
    reference_counts: list[int] = field(default_factory=list)
    current_counts: list[int] = field(default_factory=list)
    # Vocabulary drift only (drift.vocabulary): the test's details and the words that moved
    vocabulary: dict[str, Any] | None = None

    @classmethod
    def undecided(
        cls,
        name: str,
        kind: Literal["numeric", "categorical"],
        test: str,
        *,
        psi: float,
        psi_bias: float,
        p_value: float,
        n_reference: int,
        n_current: int,
        **statistics: Any,
    ) -> FeatureDrift:
        """Statistics before `drift.engine.decide` sets q-value, thresholds and the verdict."""
        return cls(
            name=name,
            kind=kind,
            test=test,
            psi=psi,
            psi_bias=psi_bias,
            warn_threshold=0.0,
            alert_threshold=0.0,
            p_value=p_value,
            q_value=p_value,
            drifted=False,
            severity="none",
            n_reference=n_reference,
            n_current=n_current,
            **statistics,
        )

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        if out["vocabulary"] is None:  # other features' stored JSON stays as it was
            del out["vocabulary"]
        return strict_json(out)


@dataclass(frozen=True)
class DriftReport:
    features: dict[str, FeatureDrift]
    dataset_drift_share: float
    dataset_drifted: bool
    n_reference: int
    n_current: int
    sufficient: bool  # False when the window had fewer rows than the configured minimum
    prediction: FeatureDrift | None = None

    @property
    def drifted_features(self) -> list[str]:
        return [name for name, f in self.features.items() if f.drifted]

    def to_dict(self) -> dict[str, Any]:
        return strict_json(
            {
                "features": {name: f.to_dict() for name, f in self.features.items()},
                "dataset_drift_share": self.dataset_drift_share,
                "dataset_drifted": self.dataset_drifted,
                "drifted_features": self.drifted_features,
                "n_reference": self.n_reference,
                "n_current": self.n_current,
                "sufficient": self.sufficient,
                "prediction": None if self.prediction is None else self.prediction.to_dict(),
            }
        )
