"""Promotion gate: a version is promotable only if its test metrics meet floors and it does not
regress against the version in production by more than a tolerance — on the test split and,
once enough labelled live traffic exists (canary/shadow), on that traffic too."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from driftscope.spec import GateFloors


@dataclass(frozen=True)
class GateConfig:
    min_roc_auc: float = 0.88
    min_f1: float = 0.30
    max_regression: float = 0.01  # allowed drop vs production in ROC AUC and F1 (absolute)
    live_min_labels: int = 200  # labelled live predictions of each version for the live checks
    live_window_h: float = 24.0  # how recent that live traffic must be

    def with_spec_floors(self, floors: GateFloors) -> GateConfig:
        """The floors of a model's spec where it gives them. A floor the operator moved away
        from the default (DRIFTSCOPE_GATE_MIN_*) still wins: it is a deliberate override."""
        default = GateConfig()
        roc_auc, f1 = floors.min_roc_auc, floors.min_f1
        return replace(
            self,
            min_roc_auc=self.min_roc_auc
            if roc_auc is None or self.min_roc_auc != default.min_roc_auc
            else roc_auc,
            min_f1=self.min_f1 if f1 is None or self.min_f1 != default.min_f1 else f1,
        )


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    value: float | None
    limit: float | None
    message: str


def run_gate(
    candidate: dict[str, Any], production: dict[str, Any] | None, config: GateConfig
) -> list[Check]:
    """Checks on the stored test metrics of a candidate (and of production, if any)."""
    test = candidate.get("test") or {}
    checks = [
        _floor("roc_auc_floor", test.get("roc_auc"), config.min_roc_auc, "test ROC AUC"),
        _floor("f1_floor", test.get("f1"), config.min_f1, "test F1"),
    ]
    prod_test = (production or {}).get("test") or {}
    for metric in ("roc_auc", "f1"):
        if prod_test.get(metric) is not None:
            limit = float(prod_test[metric]) - config.max_regression
            checks.append(
                _floor(
                    f"{metric}_vs_production",
                    test.get(metric),
                    limit,
                    f"test {metric} vs production {prod_test[metric]:.4f} − {config.max_regression:g}",
                )
            )
    return checks


def live_checks(
    candidate: dict[str, Any], production: dict[str, Any], config: GateConfig
) -> list[Check]:
    """Live F1/ROC AUC of the candidate vs production, each `{"n_labelled", "f1", "roc_auc"}`.

    No checks (not a failure) while either side has fewer than `live_min_labels` labels:
    a candidate without live traffic yet is judged on its test metrics alone.
    """
    if min(candidate["n_labelled"], production["n_labelled"]) < config.live_min_labels:
        return []
    checks = []
    for metric in ("f1", "roc_auc"):
        reference = production.get(metric)
        if reference is None:
            continue  # production saw one class only: nothing to compare against
        checks.append(
            _floor(
                f"live_{metric}_vs_production",
                candidate.get(metric),
                float(reference) - config.max_regression,
                f"live {metric} on {candidate['n_labelled']} labels vs production "
                f"{float(reference):.4f} (n={production['n_labelled']}) − {config.max_regression:g}",
            )
        )
    return checks


def _floor(name: str, value: Any, limit: float, what: str) -> Check:
    if value is None:
        return Check(name, False, None, limit, f"{what}: no value recorded")
    passed = float(value) >= limit
    verb = "meets" if passed else "is below"
    return Check(name, passed, float(value), limit, f"{what} {float(value):.4f} {verb} {limit:.4f}")


def passed(checks: list[Check]) -> bool:
    return all(c.passed for c in checks)
