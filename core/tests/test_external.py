"""`driftscope models register-external`: a monitor-only model from a reference CSV."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select
from typer.testing import CliRunner, Result

from driftscope import cli
from driftscope.db import Event, ReferenceProfile, script_sessions
from driftscope.errors import ContractError, InvalidSpecError
from driftscope.registry import EXTERNAL_KIND, list_versions, resolve
from driftscope.settings import Settings
from driftscope.spec import ModelSpec
from driftscope.testing.external_model import SCORE_COLUMN, scored_flights
from driftscope.testing.user_model import FLIGHTS_TARGET, train_flights

runner = CliRunner()


def register(*args: str | Path) -> Result:
    return runner.invoke(cli.app, ["models", "register-external", *map(str, args)])


def write(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def scored_csv(tmp_path: Path) -> Path:
    return write(scored_flights(), tmp_path / "reference.csv")


def registry_state(settings: Settings, name: str) -> dict[str, Any]:
    async def query() -> dict[str, Any]:
        async with (
            script_sessions(settings.resolved_database_url) as sessions,
            sessions() as session,
        ):
            profiles = await session.scalars(
                select(ReferenceProfile).where(ReferenceProfile.model_name == name)
            )
            events = await session.scalars(select(Event).where(Event.model_name == name))
            return {
                "versions": await list_versions(session, name),
                "production": getattr(await resolve(session, name), "version", None),
                "profiles": {p.model_version: p.profile for p in profiles},
                "events": [(e.kind, e.payload) for e in events],
            }

    return asyncio.run(query())


def refusal(result: Result, error: type[ContractError] = ContractError) -> str:
    assert result.exit_code != 0, result.output
    assert isinstance(result.exception, error), result.exception
    return result.exception.message


def test_register_external_stores_a_production_version_without_artifact(
    settings: Settings, scored_csv: Path
) -> None:
    result = register(
        "--name", "ext-flights", "--reference", scored_csv, "--target", FLIGHTS_TARGET,
        "--score-column", SCORE_COLUMN, "--positive", "delayed",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "reference metrics (2,000 rows)" in result.output
    state = registry_state(settings, "ext-flights")
    [version] = state["versions"]
    assert (version.version, version.kind) == (1, EXTERNAL_KIND)
    assert (version.artifact_path, version.sha256) == ("", "")
    assert state["production"] == 1
    assert version.spec is not None
    spec = ModelSpec.from_dict(version.spec)
    assert {f.name for f in spec.features} == {"distance_km", "stops", "weekend", "carrier"}
    assert spec.classes == ("delayed", "on_time") and spec.target == FLIGHTS_TARGET
    assert 0.0 < version.threshold < 1.0
    reference = version.metrics["test"]
    assert reference["n"] == 2_000 and reference["roc_auc"] > 0.8 and reference["f1"] > 0.5
    assert version.metrics["threshold_policy"] == "f1"
    assert version.metrics["evaluated_on"] == "reference"
    profile = state["profiles"][1]
    assert set(profile["features"]) == {f.name for f in spec.features}
    assert profile["n"] == 2_000 and profile["score"]["type"] == "numeric"
    assert sum(profile["score"]["counts"]) == 2_000
    assert state["events"] == [
        (
            "model",
            {"action": "registered", "kind": EXTERNAL_KIND, "version": 1, "previous": None,
             "changed": True},
        )
    ]  # fmt: skip


def test_re_registering_makes_a_new_production_version(
    settings: Settings, scored_csv: Path, tmp_path: Path
) -> None:
    first = register("--name", "ext", "--reference", scored_csv, "--target", FLIGHTS_TARGET)
    assert first.exit_code == 0, first.output
    unscored = write(scored_flights().drop(columns=[SCORE_COLUMN]), tmp_path / "plain.csv")

    second = register(
        "--name", "ext", "--reference", unscored, "--target", FLIGHTS_TARGET,
        "--threshold", "0.35",
    )  # fmt: skip

    assert second.exit_code == 0, second.output
    assert "(previous: v1)" in second.output
    state = registry_state(settings, "ext")
    assert [v.version for v in state["versions"]] == [1, 2] and state["production"] == 2
    v1, v2 = state["versions"]
    # Without --score-column the score is just another column: inferred as a feature.
    assert "score" in {f["name"] for f in v1.spec["features"]}
    assert (v2.threshold, v2.metrics["threshold_policy"]) == (0.35, "given")
    assert state["profiles"][2]["score"] is None
    assert [payload["previous"] for _, payload in state["events"]] == [None, 1]


def test_no_scores_and_no_threshold_keeps_the_default(settings: Settings, tmp_path: Path) -> None:
    plain = write(scored_flights().drop(columns=[SCORE_COLUMN]), tmp_path / "plain.csv")

    result = register("--name", "plain", "--reference", plain, "--target", FLIGHTS_TARGET)

    assert result.exit_code == 0, result.output
    [version] = registry_state(settings, "plain")["versions"]
    assert version.threshold == 0.5
    assert version.metrics["threshold_policy"] == "default (no scores)"
    assert version.metrics["test"] == {"n": 2_000, "fraud_rate": pytest.approx(0.3, abs=0.1)}


@pytest.mark.parametrize(
    ("options", "field", "message"),
    [
        (["--target", "late"], "--target", "has no column 'late'"),
        (["--target", FLIGHTS_TARGET, "--score-column", "p"], "--score-column", "no column 'p'"),
        (
            ["--target", FLIGHTS_TARGET, "--score-column", FLIGHTS_TARGET],
            "--score-column",
            "cannot be the target",
        ),
    ],
)
def test_missing_columns_are_refused_naming_the_option(
    settings: Settings, scored_csv: Path, options: list[str], field: str, message: str
) -> None:
    result = register("--name", "ext", "--reference", scored_csv, *options)

    assert message in refusal(result)
    assert isinstance(result.exception, ContractError)
    assert result.exception.details[0]["field"] == field
    assert registry_state(settings, "ext")["versions"] == []


def test_scores_outside_0_1_are_refused_naming_the_lines(
    settings: Settings, tmp_path: Path
) -> None:
    frame = scored_flights()
    frame.loc[[4, 9], SCORE_COLUMN] = [1.5, -0.1]
    frame.loc[20, SCORE_COLUMN] = None
    path = write(frame, tmp_path / "bad.csv")

    result = register(
        "--name", "ext", "--reference", path, "--target", FLIGHTS_TARGET,
        "--score-column", SCORE_COLUMN,
    )  # fmt: skip

    message = refusal(result)
    assert "score column 'score': 3 row(s), e.g. line(s) 6, 11, 22" in message
    assert "not a probability in [0, 1]" in message
    assert registry_state(settings, "ext")["versions"] == []


def test_a_non_binary_target_is_refused(settings: Settings, tmp_path: Path) -> None:
    frame = scored_flights()
    frame.loc[:9, FLIGHTS_TARGET] = "cancelled"
    path = write(frame, tmp_path / "three.csv")

    result = register("--name", "ext", "--reference", path, "--target", FLIGHTS_TARGET)

    assert "has 3 distinct value(s)" in refusal(result, InvalidSpecError)


def test_a_built_in_or_trained_model_name_is_refused(settings: Settings, scored_csv: Path) -> None:
    built_in = register("--name", "fraud", "--reference", scored_csv, "--target", FLIGHTS_TARGET)
    assert "'fraud' is a built-in served model" in refusal(built_in)

    asyncio.run(train_flights(settings, "flights"))
    trained = register("--name", "flights", "--reference", scored_csv, "--target", FLIGHTS_TARGET)

    assert "model 'flights' is served here (trained version(s) [1])" in refusal(trained)
    assert [v.version for v in registry_state(settings, "flights")["versions"]] == [1]


def test_spec_options_are_checked(settings: Settings, scored_csv: Path, tmp_path: Path) -> None:
    infer = runner.invoke(
        cli.app,
        ["spec", "infer", "--data", str(scored_csv), "--target", FLIGHTS_TARGET,
         "--name", "ext", "--out", str(tmp_path / "spec.json")],
    )  # fmt: skip
    assert infer.exit_code == 0, infer.output
    common = ["--name", "ext", "--reference", scored_csv, "--target", FLIGHTS_TARGET]

    with_positive = register(*common, "--spec", tmp_path / "spec.json", "--positive", "delayed")
    score_is_feature = register(
        *common, "--spec", tmp_path / "spec.json", "--score-column", SCORE_COLUMN
    )
    out_of_range = register(*common, "--threshold", "1.5")

    assert "the spec file decides the positive class" in refusal(with_positive)
    assert "'score' is a feature of the spec" in refusal(score_is_feature)
    assert out_of_range.exit_code == 2 and "--threshold" in out_of_range.output
    assert registry_state(settings, "ext")["versions"] == []


def test_rows_without_a_target_are_skipped_and_counted(settings: Settings, tmp_path: Path) -> None:
    frame = scored_flights()
    frame.loc[[3, 30, 300], FLIGHTS_TARGET] = None
    path = write(frame, tmp_path / "gaps.csv")

    result = register(
        "--name", "ext", "--reference", path, "--target", FLIGHTS_TARGET,
        "--score-column", SCORE_COLUMN,
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "from 2,000 rows" in result.output and "reference metrics (1,997 rows)" in result.output
    [version] = registry_state(settings, "ext")["versions"]
    assert version.metrics["unlabelled_rows_skipped"] == 3
    assert version.metrics["test"]["n"] == 1_997
