"""Random hyperparameter search with stratified k-fold CV on the training split.

Each trial: k fits on k−1 folds scored on the held-out fold (ROC AUC, PR AUC of the raw
margin — calibration does not change a ranking), then one fit on the whole training split,
calibrated on validation and measured on test like `driftscope train`. Every trial is a
`training_runs` row. The best trial by mean CV ROC AUC — never by test metrics, which stay an
unbiased report — is written and registered; the others keep no artifacts.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from driftscope.contract import FeatureContract
from driftscope.db import script_sessions
from driftscope.db.models import TrainingRun
from driftscope.predictors import Splits, fit_predictor
from driftscope.predictors.base import Progress
from driftscope.settings import Settings
from driftscope.training.runs import REGISTERED, record_trained
from driftscope.training.trainer import (
    DataSplits,
    TrainConfig,
    TrainedModel,
    TrainResult,
    add_profile,
    evaluate,
    load_data,
    register_trained,
    split_data,
)

Space = Callable[[np.random.Generator], dict[str, Any]]


def _pick(rng: np.random.Generator, options: list[Any]) -> Any:
    value = options[int(rng.integers(len(options)))]
    return value.item() if isinstance(value, np.generic) else value


SPACES: dict[str, Space] = {
    "xgboost": lambda r: {
        "max_depth": int(r.integers(3, 8)),
        "eta": round(float(10 ** r.uniform(-1.7, -0.7)), 4),
        "subsample": round(float(r.uniform(0.6, 1.0)), 3),
        "colsample_bytree": round(float(r.uniform(0.6, 1.0)), 3),
        "min_child_weight": round(float(10 ** r.uniform(0, 1.3)), 3),
        "lambda": round(float(10 ** r.uniform(-1, 1)), 4),
    },
    "random_forest": lambda r: {
        "n_estimators": _pick(r, [100, 200, 300]),
        "max_depth": _pick(r, [8, 10, 12, 16]),
        "min_samples_leaf": _pick(r, [5, 10, 20, 50]),
        "max_features": _pick(r, ["sqrt", 0.5]),
        "class_weight": _pick(r, ["balanced_subsample", None]),
    },
    "decision_tree": lambda r: {
        "max_depth": int(r.integers(3, 13)),
        "min_samples_leaf": _pick(r, [10, 20, 50, 100, 200]),
        "criterion": _pick(r, ["gini", "entropy"]),
        "class_weight": _pick(r, ["balanced", None]),
    },
    "logistic": lambda r: {
        "C": round(float(10 ** r.uniform(-3, 1)), 5),
        "class_weight": _pick(r, ["balanced", None]),
    },
}


@dataclass
class Trial:
    run_id: int
    params: dict[str, Any]
    cv: dict[str, Any]
    test: dict[str, Any]
    duration_s: float


@dataclass
class SearchResult:
    search_id: str
    trials: list[Trial]
    best: int  # index into trials
    registered: TrainResult
    alias: str | None = None


def _noop(_stage: str, _fraction: float) -> None:
    return None


def cross_validate(
    kind: str,
    contract: FeatureContract,
    data: DataSplits,
    params: dict[str, Any],
    seed: int,
    folds: int,
    progress: Progress = _noop,
) -> dict[str, Any]:
    """Mean and standard deviation of ROC AUC and PR AUC over stratified folds."""
    x, y = data.x["train"], data.y["train"]
    scores: dict[str, list[float]] = {"roc_auc": [], "pr_auc": []}
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for i, (fit_rows, held_rows) in enumerate(splitter.split(x, y)):
        # Early stopping (xgboost) watches the validation split, disjoint from every fold.
        splits = Splits(x[fit_rows], y[fit_rows], data.x["val"], data.y["val"])
        predictor = fit_predictor(kind, contract, splits, params, seed, _noop)
        margin = predictor.margin(x[held_rows])
        scores["roc_auc"].append(float(roc_auc_score(y[held_rows], margin)))
        scores["pr_auc"].append(float(average_precision_score(y[held_rows], margin)))
        progress("cv folds", (i + 1) / folds)
    summary: dict[str, Any] = {"folds": folds}
    for name, values in scores.items():
        summary[name] = {"mean": float(np.mean(values)), "std": float(np.std(values))}
        summary[name]["per_fold"] = values
    return summary


@dataclass(frozen=True)
class _Search:
    """What every trial of one search shares: the data, the folds, where runs are recorded."""

    search_id: str
    config: TrainConfig
    contract: FeatureContract
    data: DataSplits
    folds: int
    progress: Progress

    def trial(self, params: dict[str, Any]) -> tuple[dict[str, Any], TrainedModel, float]:
        """CV scores of `params`, then the model fitted on the whole training split."""
        started = time.perf_counter()
        config, data = self.config, self.data
        cv = cross_validate(
            config.kind, self.contract, data, params, config.seed, self.folds, self.progress
        )
        fit_started = time.perf_counter()
        predictor = fit_predictor(
            config.kind, self.contract, data.fitting(), params, config.seed, _noop
        )
        fit_seconds = time.perf_counter() - fit_started
        trained = evaluate(
            predictor, data, self.contract, replace(config, params=params), fit_seconds
        )
        return cv, trained, time.perf_counter() - started

    async def run(
        self, sessions: async_sessionmaker[AsyncSession], trials: int
    ) -> tuple[list[Trial], int, TrainedModel]:
        """Every trial recorded as a run: the trials, and the best by mean CV ROC AUC."""
        rng = np.random.default_rng(self.config.seed)
        done: list[Trial] = []
        best: tuple[float, int, TrainedModel] | None = None
        for i in range(trials):
            cv, trained, seconds = self.trial(SPACES[self.config.kind](rng))
            async with sessions() as session, session.begin():
                run = await record_trained(
                    session, self.config, trained, seconds, cv_metrics=cv, search_id=self.search_id
                )
            done.append(
                Trial(run.id, trained.predictor.params, cv, trained.metrics["test"], seconds)
            )
            if best is None or cv["roc_auc"]["mean"] > best[0]:
                best = (cv["roc_auc"]["mean"], i, trained)
            self.progress("trials", (i + 1) / trials)
        assert best is not None  # trials >= 1
        return done, best[1], best[2]


async def run_search(
    config: TrainConfig, settings: Settings, trials: int, folds: int, progress: Progress = _noop
) -> SearchResult:
    """`driftscope train --search random`: trials, run rows, the best registered."""
    if config.kind not in SPACES:
        raise ValueError(f"kind '{config.kind}' has no hyperparameters to search")
    contract = config.contract()
    data = split_data(load_data(config, contract), contract, config.seed)
    search = _Search(f"search-{uuid.uuid4().hex[:12]}", config, contract, data, folds, progress)
    async with script_sessions(settings.resolved_database_url) as sessions:
        done, best, winner = await search.run(sessions, trials)
        add_profile(winner, data, contract, config.seed)
        winner.metrics["search"] = {"search_id": search.search_id, "cv": done[best].cv}
        async with sessions() as session, session.begin():
            result = await _register_best(session, winner, settings, config, done[best])
    progress("registry", 1.0)
    return SearchResult(search.search_id, done, best, result, config.register_as)


async def _register_best(
    session: AsyncSession,
    winner: TrainedModel,
    settings: Settings,
    config: TrainConfig,
    trial: Trial,
) -> TrainResult:
    """Write and register the winner; its trial's run row becomes the registered run."""
    result, directory = await register_trained(
        session, winner, settings, replace(config, params=trial.params)
    )
    row = await session.get(TrainingRun, trial.run_id)
    assert row is not None
    row.status, row.artifact_path = REGISTERED, str(directory)
    row.model_version = result.version
    result.run_id = row.id
    return result
