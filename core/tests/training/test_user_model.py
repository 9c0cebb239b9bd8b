"""`driftscope train --data F.csv --target C --name N`: any tabular model from a user's CSV."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd
import pytest
from typer.testing import CliRunner, Result

from driftscope import cli
from driftscope.db import create_engine, make_sessionmaker
from driftscope.errors import ContractError, InvalidSpecError
from driftscope.gate import GateConfig
from driftscope.registry import list_versions, load_spec, resolve
from driftscope.settings import Settings, get_settings
from driftscope.spec import GateFloors, ModelSpec
from driftscope.testing.user_model import flights

runner = CliRunner()


def write(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path


def train(*args: str | Path) -> Result:
    return runner.invoke(cli.app, ["train", *map(str, args)])


def words(output: str) -> str:
    """Output with rich's error box and line wrapping undone."""
    return " ".join(output.replace("│", " ").split())


def registry_state(settings: Settings, name: str) -> tuple[list[Any], int | None, ModelSpec]:
    """(versions, production version, production spec) of model `name`."""

    async def query() -> tuple[list[Any], int | None, ModelSpec]:
        engine = create_engine(settings.resolved_database_url)
        try:
            async with make_sessionmaker(engine)() as session:
                versions = await list_versions(session, name)
                production = await resolve(session, name)
                spec = await load_spec(session, name)
                return versions, None if production is None else production.version, spec
        finally:
            await engine.dispose()

    return asyncio.run(query())


def test_a_user_model_trains_from_its_csv_beside_fraud(settings: Settings, tmp_path: Path) -> None:
    fraud = train("--rows", "1000", "--kind", "decision_tree")
    assert fraud.exit_code == 0, fraud.output
    data = write(flights(), tmp_path / "flights.csv")

    result = train("--data", data, "--target", "status", "--name", "flights")

    assert result.exit_code == 0, result.output
    assert "model 'flights' from 2,000 rows: target 'status'" in result.output
    assert "flights v1 (xgboost)" in result.output and "delayed_rate" in result.output
    versions, production, spec = registry_state(settings, "flights")
    assert [v.version for v in versions] == [1] and production == 1
    assert spec.classes == ("delayed", "on_time") and spec.positive_value == "delayed"
    kinds = {f.name: f.kind for f in spec.features}
    assert kinds == {
        "distance_km": "numeric",
        "stops": "integer",
        "weekend": "boolean",
        "carrier": "categorical",
    }
    assert spec.features[0].allow_missing
    row = versions[0]
    assert row.spec == spec.to_dict()
    test = row.metrics["test"]
    assert test["roc_auc"] > 0.75
    assert 0.0 < test["f1"] <= 1.0
    assert "rules" not in row.metrics  # the fraud rule set is not a user model's
    directory = settings.models_dir / "flights" / "v1"
    manifest = orjson.loads((directory / "manifest.json").read_bytes())
    assert manifest["model_name"] == "flights"
    assert manifest["feature_names"] == ["distance_km", "stops", "weekend", "carrier"]
    profile = orjson.loads((directory / "reference_profile.json").read_bytes())
    assert profile["model_name"] == "flights"
    assert set(profile["features"]) == set(kinds) and profile["n"] == row.metrics["rows"]["train"]
    assert not (directory / "rules.json").exists()
    fraud_versions, fraud_production, fraud_spec = registry_state(settings, "fraud")
    assert [v.version for v in fraud_versions] == [1] and fraud_production == 1
    assert fraud_spec.name == "fraud" and "rules" in fraud_versions[0].metrics


def test_positive_class_from_the_data_maps_the_labels(settings: Settings, tmp_path: Path) -> None:
    frame = flights(seed=5)
    frame["status"] = np.where(frame["status"] == "delayed", 1, 0)
    frame = frame.rename(columns={"status": "late"})
    data = write(frame, tmp_path / "late.csv")

    result = train(
        "--data", data, "--target", "late", "--name", "late", "--positive", "0",
        "--kind", "logistic",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    versions, _, spec = registry_state(settings, "late")
    assert spec.classes == ("not_late", "late") and spec.positive_value == "0"
    # Label 1 is now the on-time class: its share is the test split's positive rate, and the
    # model still ranks well (the relation is the same, read the other way round).
    test = versions[0].metrics["test"]
    assert test["fraud_rate"] == pytest.approx(float((frame["late"] == 0).mean()), abs=0.03)
    assert test["roc_auc"] > 0.75


def test_retraining_with_a_given_spec_makes_a_version_with_that_spec(
    settings: Settings, tmp_path: Path
) -> None:
    data = write(flights(), tmp_path / "flights.csv")
    first = train("--data", data, "--target", "status", "--name", "flights", "--kind", "logistic")
    assert first.exit_code == 0, first.output
    _, _, inferred = registry_state(settings, "flights")
    changed = inferred.model_copy(
        update={"description": "late arrivals", "features": inferred.features[:3]}
    )
    spec_file = tmp_path / "flights.json"
    spec_file.write_text(changed.to_json())

    result = train(
        "--data", data, "--spec", spec_file, "--name", "flights", "--kind", "random_forest"
    )

    assert result.exit_code == 0, result.output
    versions, production, _ = registry_state(settings, "flights")
    assert [v.version for v in versions] == [1, 2] and production == 1
    assert ModelSpec.from_dict(versions[0].spec) == inferred
    assert ModelSpec.from_dict(versions[1].spec) == changed
    manifest = orjson.loads((settings.models_dir / "flights/v2/manifest.json").read_bytes())
    assert manifest["feature_names"] == ["distance_km", "stops", "weekend"]


def test_a_target_value_of_neither_class_is_refused(settings: Settings, tmp_path: Path) -> None:
    frame = flights(rows=500)
    spec = ModelSpec.from_json(_inferred_json(frame, tmp_path))
    frame.loc[[3, 7], "status"] = "cancelled"
    data = write(frame, tmp_path / "bad.csv")
    spec_file = tmp_path / "flights.json"
    spec_file.write_text(spec.to_json())

    result = train("--data", data, "--spec", spec_file, "--name", "flights")

    assert isinstance(result.exception, ContractError)
    message = result.exception.message
    assert "status: 2 value(s) of neither class ('cancelled', e.g. line(s) 5, 9)" in message
    assert not settings.models_dir.exists()


def _inferred_json(frame: pd.DataFrame, tmp_path: Path) -> str:
    out = tmp_path / "inferred.json"
    data = write(frame, tmp_path / "a.csv")
    args = ["spec", "infer", "--data", str(data), "--target", "status", "--name", "flights"]
    assert runner.invoke(cli.app, [*args, "--out", str(out)]).exit_code == 0
    return out.read_text()


@pytest.mark.parametrize(
    ("args", "option", "reason"),
    [
        (["--kind", "rules"], "--kind", "a user model has no rules"),
        (["--positive", "on_time", "--spec", "SPEC"], "--positive", "the spec file decides"),
    ],
)
def test_user_model_options_refused_before_training(
    settings: Settings, tmp_path: Path, args: list[str], option: str, reason: str
) -> None:
    data = write(flights(rows=300), tmp_path / "f.csv")
    spec_file = tmp_path / "s.json"
    spec_file.write_text(_inferred_json(flights(rows=300), tmp_path))
    args = [str(spec_file) if a == "SPEC" else a for a in args]

    result = train("--data", data, "--target", "status", "--name", "flights", *args)

    assert result.exit_code == 2
    assert f"Invalid value for {option}" in words(result.output).replace("'", "")
    assert reason in words(result.output)
    assert not settings.models_dir.exists()


def test_a_spec_of_another_model_or_target_is_refused(settings: Settings, tmp_path: Path) -> None:
    frame = flights(rows=300)
    spec_file = tmp_path / "s.json"
    spec_file.write_text(_inferred_json(frame, tmp_path))
    data = write(frame, tmp_path / "f.csv")

    other_name = train("--data", data, "--spec", spec_file, "--name", "trains")
    other_target = train("--data", data, "--spec", spec_file, "--name", "flights", "--target", "x")

    assert isinstance(other_name.exception, InvalidSpecError)
    assert "is of model 'flights', not 'trains'" in other_name.exception.message
    assert isinstance(other_target.exception, InvalidSpecError)
    assert "has target 'status', not 'x'" in other_target.exception.message


def test_a_model_that_is_not_built_in_needs_its_data(settings: Settings) -> None:
    result = train("--name", "flights")

    assert result.exit_code == 2
    assert "give --data and --target" in words(result.output)


def test_rows_without_a_target_value_are_skipped_and_counted(
    settings: Settings, tmp_path: Path
) -> None:
    frame = flights(rows=1_000)
    frame.loc[:9, "status"] = np.nan
    data = write(frame, tmp_path / "f.csv")

    result = train("--data", data, "--target", "status", "--name", "flights", "--kind", "logistic")

    assert result.exit_code == 0, result.output
    versions, _, _ = registry_state(settings, "flights")
    assert versions[0].metrics["unlabelled_rows_skipped"] == 10
    assert sum(versions[0].metrics["rows"].values()) == 990


def test_the_gate_uses_the_floors_of_the_version_spec(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = flights()
    inferred = ModelSpec.from_json(_inferred_json(frame, tmp_path))
    strict = inferred.model_copy(update={"gate": GateFloors(min_roc_auc=0.999, min_f1=0.05)})
    spec_file = tmp_path / "strict.json"
    spec_file.write_text(strict.to_json())
    data = write(frame, tmp_path / "f.csv")
    assert train("--data", data, "--spec", spec_file, "--name", "flights").exit_code == 0
    monkeypatch.setenv("DRIFTSCOPE_MODEL_NAME", "flights")
    get_settings.cache_clear()

    result = runner.invoke(cli.app, ["gate"])

    assert result.exit_code == 1
    assert "is below 0.9990" in result.output and "meets 0.0500" in result.output


def test_spec_floors_replace_the_defaults_not_an_operator_override() -> None:
    floors = GateFloors(min_roc_auc=0.7, min_f1=None)

    assert GateConfig().with_spec_floors(floors) == GateConfig(min_roc_auc=0.7, min_f1=0.30)
    operator = GateConfig(min_roc_auc=0.95)
    assert operator.with_spec_floors(floors) == operator


def test_a_search_trains_a_user_model_too(settings: Settings, tmp_path: Path) -> None:
    data = write(flights(rows=1_000), tmp_path / "f.csv")

    result = train(
        "--data", data, "--target", "status", "--name", "flights", "--kind", "decision_tree",
        "--search", "random", "--trials", "2", "--cv", "2",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    versions, production, spec = registry_state(settings, "flights")
    assert [v.version for v in versions] == [1] and production == 1
    assert versions[0].kind == "decision_tree" and "search" in versions[0].metrics
    assert versions[0].spec == spec.to_dict() and spec.positive_value == "delayed"
