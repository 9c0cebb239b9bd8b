"""The `driftscope` command: generate, train (registry, --if-missing, errors), schema, db."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import orjson
import pandas as pd
import pytest
from sqlalchemy import inspect
from typer.testing import CliRunner

from driftscope import cli
from driftscope.contract import FRAUD_CONTRACT
from driftscope.db import create_engine, make_sessionmaker
from driftscope.generator import generate_frame
from driftscope.registry import list_versions, resolve
from driftscope.settings import Settings, get_settings

runner = CliRunner()


def registered_versions(settings: Settings) -> tuple[list[int], int | None]:
    """(all fraud versions, the production version) in the settings' database."""

    async def query() -> tuple[list[int], int | None]:
        engine = create_engine(settings.resolved_database_url)
        try:
            async with make_sessionmaker(engine)() as session:
                versions = [v.version for v in await list_versions(session, "fraud")]
                production = await resolve(session, "fraud")
                return versions, None if production is None else production.version
        finally:
            await engine.dispose()

    return asyncio.run(query())


def test_generate_writes_the_requested_rows(tmp_path: Path) -> None:
    out = tmp_path / "f.csv"
    result = runner.invoke(cli.app, ["generate", "--rows", "500", "--out", str(out)])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert frame.shape == (500, len(FRAUD_CONTRACT.features) + 1)
    assert list(frame.columns) == [*FRAUD_CONTRACT.names, "is_fraud"]
    assert frame["amount"].tolist() == generate_frame(500, seed=42)["amount"].tolist()
    assert "wrote 500 rows" in result.output


def test_generate_honours_seed_and_fraud_rate(tmp_path: Path) -> None:
    out = tmp_path / "f.csv"
    args = ["generate", "--rows", "20000", "--seed", "7", "--fraud-rate", "0.2"]
    result = runner.invoke(cli.app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert frame["is_fraud"].mean() == pytest.approx(0.2, abs=0.01)
    expected = generate_frame(20_000, seed=7, fraud_rate=0.2)
    assert frame["is_fraud"].tolist() == expected["is_fraud"].tolist()


@pytest.mark.slow
def test_train_registers_v1_and_prints_metrics(settings: Settings) -> None:
    result = runner.invoke(cli.app, ["train", "--rows", "5000", "--seed", "1"])
    assert result.exit_code == 0, result.output
    for text in ("fraud v1", "roc_auc", "pr_auc", "ece", "threshold", "(f1)", "evaluator"):
        assert text in result.stdout, text
    assert "promoted to production" in result.output
    manifest = orjson.loads((settings.models_dir / "fraud" / "v1" / "manifest.json").read_bytes())
    assert (manifest["version"], manifest["metrics"]["seed"]) == (1, 1)
    assert registered_versions(settings) == ([1], 1)

    again = runner.invoke(cli.app, ["train", "--if-missing"])
    assert again.exit_code == 0, again.output
    assert "nothing to train" in again.output
    assert not (settings.models_dir / "fraud" / "v2").exists()
    assert registered_versions(settings) == ([1], 1)


@pytest.mark.slow
def test_train_if_missing_trains_when_there_is_no_production_model(
    settings: Settings,
) -> None:
    result = runner.invoke(cli.app, ["train", "--if-missing", "--rows", "3000", "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert registered_versions(settings) == ([1], 1)


@pytest.mark.parametrize(
    ("args", "option", "reason"),
    [
        (["--threshold-policy", "bogus"], "--threshold-policy", "policy 'bogus'"),
        (["--threshold-policy", "recall:2"], "--threshold-policy", "recall target"),
        (["--kind", "lightgbm"], "--kind", "unknown kind 'lightgbm'"),
        (["--rows", "10"], "--rows", "greater than or equal to 1000"),
        (["--search", "grid"], "--search", "unknown search 'grid'"),
        (["--search", "random", "--kind", "rules"], "--search", "no hyperparameters"),
        (["--register-as", "production"], "--register-as", "only the candidate alias"),
    ],
)
def test_train_rejects_bad_options_before_training(
    settings: Settings, args: list[str], option: str, reason: str
) -> None:
    result = runner.invoke(cli.app, ["train", *args])
    assert result.exit_code == 2
    assert f"Invalid value for {option}" in result.output.replace("'", "")
    assert reason in result.output
    assert not settings.models_dir.exists()


def test_train_with_bad_csv_exits_2_naming_the_bad_columns(
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = generate_frame(2_000, seed=4).astype(object)
    bad.loc[0, "hour_of_day"] = 31
    bad.loc[1, "country_risk"] = "extreme"
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    # main() is the console script: it maps a DriftscopeError to exit code 2. The commands
    # other installed processes add are not needed here.
    monkeypatch.setattr(cli, "_load_plugins", lambda: None)
    monkeypatch.setattr(sys, "argv", ["driftscope", "train", "--data", str(path)])
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 2
    error = " ".join(capsys.readouterr().err.split())
    assert "error:" in error
    assert "hour_of_day: outside [0, 23]" in error
    assert "country_risk: unknown category" in error
    assert not settings.models_dir.exists()


def test_schema_prints_the_contract() -> None:
    result = runner.invoke(cli.app, ["schema"])
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.stdout) == FRAUD_CONTRACT.to_dict()


def test_db_upgrade_creates_the_tables(settings: Settings) -> None:
    result = runner.invoke(cli.app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "database at revision head" in result.output

    async def tables() -> set[str]:
        engine = create_engine(settings.resolved_database_url)
        try:
            async with engine.connect() as conn:
                return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        finally:
            await engine.dispose()

    assert {"model_versions", "predictions", "alembic_version"} <= asyncio.run(tables())


def test_train_other_kinds_and_a_search_registered_as_candidate(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = runner.invoke(cli.app, ["train", "--rows", "3000", "--kind", "decision_tree"])
    assert result.exit_code == 0, result.output
    for text in ("fraud v1 (decision_tree)", "rule set fraud-rules-1", "accepted", "refused"):
        assert text in result.stdout, text

    args = ["--rows", "3000", "--kind", "logistic", "--search", "random", "--trials", "2"]
    result = runner.invoke(cli.app, ["train", *args, "--cv", "2", "--register-as", "candidate"])
    assert result.exit_code == 0, result.output
    assert "search search-" in result.stdout and "CV ROC AUC" in result.stdout
    assert "alias candidate → v2" in result.output
    assert registered_versions(settings) == ([1, 2], 1)  # production unchanged

    monkeypatch.setenv("DRIFTSCOPE_MODEL_KIND", "rules")  # the default kind comes from settings
    get_settings.cache_clear()
    result = runner.invoke(cli.app, ["train", "--rows", "3000"])
    assert result.exit_code == 0, result.output
    manifest = orjson.loads((settings.models_dir / "fraud" / "v3" / "manifest.json").read_bytes())
    assert (manifest["kind"], manifest["evaluator"]) == ("rules", "scorecard")
