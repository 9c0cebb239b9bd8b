"""Random search with CV: one training_runs row per trial, the best (by CV AUC) registered."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from driftscope import registry
from driftscope.db import create_engine, make_sessionmaker
from driftscope.db.models import TrainingRun
from driftscope.settings import Settings
from driftscope.training.runs import list_runs
from driftscope.training.search import SPACES, run_search
from driftscope.training.trainer import TrainConfig, train_and_register


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=database_url)


async def stored_runs(settings: Settings) -> list[TrainingRun]:
    engine = create_engine(settings.resolved_database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            return list(await session.scalars(select(TrainingRun).order_by(TrainingRun.id)))
    finally:
        await engine.dispose()


async def aliases(settings: Settings) -> dict[str, int]:
    engine = create_engine(settings.resolved_database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            return {a.alias: a.version for a in await registry.list_aliases(session, "fraud")}
    finally:
        await engine.dispose()


async def test_search_stores_every_trial_and_registers_the_best(settings: Settings) -> None:
    stages: list[tuple[str, float]] = []
    config = TrainConfig(rows=3_000, seed=3, kind="decision_tree")
    found = await run_search(
        config, settings, trials=3, folds=3, progress=lambda s, f: stages.append((s, f))
    )

    runs = await stored_runs(settings)
    assert len(runs) == 3 and {r.search_id for r in runs} == {found.search_id}
    cv_means = [r.cv_metrics["roc_auc"]["mean"] for r in runs]
    best = runs[cv_means.index(max(cv_means))]
    assert found.trials[found.best].run_id == best.id
    assert (best.status, best.model_version) == ("registered", 1)
    assert best.artifact_path == str(found.registered.directory)
    assert (found.registered.directory / "manifest.json").exists()
    for run in runs:
        assert run.kind == "decision_tree"
        assert run.cv_metrics["folds"] == 3 and len(run.cv_metrics["pr_auc"]["per_fold"]) == 3
        assert 0.5 < run.test_metrics["roc_auc"] <= 1.0
        assert run.duration_s > 0
        assert set(SPACES["decision_tree"](np.random.default_rng(0))) <= set(run.params)
    assert [r.status for r in runs].count("completed") == 2
    assert found.registered.metrics["search"]["search_id"] == found.search_id
    assert ("trials", 1.0) in stages and ("cv folds", 1.0) in stages
    # The first registered version becomes production (there was none).
    assert await aliases(settings) == {"production": 1}


async def test_search_as_candidate_leaves_production_alone(settings: Settings) -> None:
    await train_and_register(TrainConfig(rows=3_000, seed=4, kind="logistic"), settings)
    config = TrainConfig(rows=3_000, seed=4, kind="logistic", register_as="candidate")
    found = await run_search(config, settings, trials=2, folds=2)
    assert found.registered.version == 2 and not found.registered.promoted
    assert await aliases(settings) == {"production": 1, "candidate": 2}


async def test_plain_train_records_one_run(settings: Settings) -> None:
    result = await train_and_register(TrainConfig(rows=3_000, seed=5, kind="rules"), settings)
    runs = await stored_runs(settings)
    assert len(runs) == 1
    run = runs[0]
    assert (run.kind, run.status, run.search_id, run.model_version) == (
        "rules",
        "registered",
        None,
        1,
    )
    assert run.id == result.run_id
    assert run.test_metrics == result.metrics["test"]
    assert run.cv_metrics == {}
    engine = create_engine(settings.resolved_database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            assert [r.id for r in await list_runs(session, "fraud")] == [run.id]
            assert await list_runs(session, "other") == []
    finally:
        await engine.dispose()


async def test_rules_kind_cannot_be_searched(settings: Settings) -> None:
    with pytest.raises(ValueError, match="no hyperparameters"):
        await run_search(TrainConfig(rows=3_000, kind="rules"), settings, trials=1, folds=2)
