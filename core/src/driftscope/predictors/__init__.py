"""Model kinds behind one interface: fit from encoded splits, load from an artifact directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from driftscope.contract import FeatureContract
from driftscope.predictors.base import Explanation, Predictor, Progress, Splits

KINDS = ("xgboost", "random_forest", "decision_tree", "logistic", "rules")

__all__ = ["KINDS", "Explanation", "Predictor", "Splits", "fit_predictor", "load_predictor"]


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown kind '{kind}' (available: {', '.join(KINDS)})")


def fit_predictor(
    kind: str,
    contract: FeatureContract,
    splits: Splits,
    params: dict[str, Any],
    seed: int,
    progress: Progress,
) -> Predictor:
    """Fit one kind on the training split (validation only for early stopping)."""
    _check_kind(kind)
    if kind == "xgboost":
        from driftscope.predictors.boosting import fit_xgboost

        return fit_xgboost(splits, params, seed, contract.names, progress)
    if kind in ("random_forest", "decision_tree"):
        from driftscope.predictors.trees import fit_trees

        return fit_trees(kind, splits, params, seed, progress)
    if kind == "logistic":
        from driftscope.predictors.linear import fit_logistic

        return fit_logistic(contract, splits, params, seed, progress)
    from driftscope.predictors.scorecard import fit_scorecard

    progress("fitting", 1.0)
    return fit_scorecard(contract)


def load_predictor(
    kind: str, directory: Path, manifest: dict[str, Any], contract: FeatureContract
) -> Predictor:
    """The predictor of a verified artifact directory (files are read, never unpickled)."""
    _check_kind(kind)
    if kind == "xgboost":
        from driftscope.predictors.boosting import XGBoostPredictor

        return XGBoostPredictor.load(directory / manifest["model_file"])
    if kind in ("random_forest", "decision_tree"):
        from driftscope.predictors.trees import ForestPredictor

        return ForestPredictor.load(kind, directory / manifest["forest_file"])
    if kind == "logistic":
        from driftscope.predictors.linear import LinearPredictor

        return LinearPredictor.load(directory / manifest["model_file"])
    from driftscope.predictors.scorecard import ScorecardPredictor

    return ScorecardPredictor.load(directory / manifest["model_file"], contract)
