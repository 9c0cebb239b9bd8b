"""`driftscope spec infer` end to end on a small CSV written by the test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from driftscope import cli
from driftscope.spec import ModelSpec
from driftscope.spec.infer import infer_spec

runner = CliRunner()
ROWS = 60


def words(output: str) -> str:
    """The output with rich's line wrapping undone."""
    return " ".join(output.split())


@pytest.fixture
def penguins_csv(tmp_path: Path) -> Path:
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        {
            "row_id": np.arange(ROWS),
            "island": rng.choice(["Biscoe", "Dream", "Torgersen"], ROWS),
            "bill_length_mm": np.round(rng.uniform(32.1, 59.6, ROWS), 1),
            "year": rng.choice([2007, 2008, 2009], ROWS),
            "study": "PAL0708",
            "tagged": rng.choice(["true", "false"], ROWS),
            "sex": rng.choice(["male", "female"], ROWS),
        }
    )
    frame.loc[::7, "bill_length_mm"] = np.nan
    path = tmp_path / "penguins.csv"
    frame.to_csv(path, index=False)
    return path


def infer(*args: str | Path) -> tuple[int, str]:
    # Wide enough that no table row wraps.
    result = runner.invoke(cli.app, ["spec", "infer", *map(str, args)], env={"COLUMNS": "200"})
    return result.exit_code, words(result.output)


def test_infer_prints_the_table_and_writes_the_spec(penguins_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "spec.json"
    code, output = infer(
        "--data", penguins_csv, "--target", "sex", "--name", "penguins", "--positive", "male",
        "--out", out,
    )  # fmt: skip

    assert code == 0, output
    assert "model 'penguins' from 60 rows: target 'sex', classes male (positive) / female" in output
    for row in (
        "island │ categorical │ Biscoe, Dream, Torgersen",
        "tagged │ boolean",
        "year │ integer",
    ):
        assert row in output
    assert "dropped column 'row_id': a different whole number on every row" in output
    assert "dropped column 'study': constant" in output
    written = ModelSpec.from_json(out.read_text())
    expected = infer_spec(pd.read_csv(penguins_csv), target="sex", name="penguins", positive="male")
    assert written == expected.spec
    assert [f.name for f in written.features] == ["island", "bill_length_mm", "year", "tagged"]
    assert written.features[1].allow_missing


def test_without_out_nothing_is_written(penguins_csv: Path, tmp_path: Path) -> None:
    code, _ = infer("--data", penguins_csv, "--target", "sex", "--name", "penguins")
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["penguins.csv"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "island", "--name", "p"], "target 'island' has 3 distinct value(s)"),
        (
            ["--target", "sex", "--name", "Penguins"],
            "model name 'Penguins' does not match [a-z][a-z0-9_-]{0,63}",
        ),
        (["--target", "weight", "--name", "p"], "no target column 'weight' in the data"),
        (["--target", "sex", "--name", "p", "--positive", "x"], "--positive 'x' is not a value"),
    ],
)
def test_refusals_are_clear_errors(penguins_csv: Path, args: list[str], message: str) -> None:
    code, output = infer("--data", penguins_csv, *args)
    assert code == 2
    assert f"error: {message}" in output


def test_a_column_name_that_is_not_an_identifier_is_refused_with_a_rename(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("Body Mass (g),sex\n3750,male\n3800,female\n")
    code, output = infer("--data", path, "--target", "sex", "--name", "p")
    assert code == 2
    assert "'Body Mass (g)' → 'body_mass_g'" in output


def test_a_file_that_is_not_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("")
    code, output = infer("--data", path, "--target", "sex", "--name", "p")
    assert code == 2
    # rich breaks a long path anywhere: compare without spaces
    assert f"error:cannotread{path}asCSV" in output.replace(" ", "")
