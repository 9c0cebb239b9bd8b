"""Promotion gate: a version is promotable only if its test metrics meet floors and it does not
regress against the version in production by more than a tolerance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class GateConfig:
    min_roc_auc: float = 0.88
    min_f1: float = 0.30
    max_regression: float = 0.01  # allowed drop vs production in ROC AUC and F1 (absolute)


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


def _floor(name: str, value: Any, limit: float, what: str) -> Check:
    if value is None:
        return Check(name, False, None, limit, f"{what}: no value recorded")
    passed = float(value) >= limit
    verb = "meets" if passed else "is below"
    return Check(name, passed, float(value), limit, f"{what} {float(value):.4f} {verb} {limit:.4f}")


def passed(checks: list[Check]) -> bool:
    return all(c.passed for c in checks)
