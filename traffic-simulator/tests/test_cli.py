"""`driftscope simulate`: help text, and bad options refused before anything is sent."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from driftscope.text.traffic import CONTENT_SCENARIOS
from driftscope_simulator.cli import SCENARIO_CHOICES, simulate


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    app.command()(simulate)
    return app


def test_help_lists_the_options_and_scenarios(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    for option in ("--rate", "--scenario", "--intensity", "--label-delay", "--label-coverage"):
        assert option in result.output
    assert all(name in result.output for name in SCENARIO_CHOICES)
    for option in ("--content-rate", "--content-scenario", "--content-intensity", "--no-content"):
        assert option in result.output
    assert all(name in result.output for name in CONTENT_SCENARIOS)


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--scenario", "bogus"], "--scenario"),
        (["--rate", "0"], "--rate"),
        (["--rate", "-5"], "--rate"),
        (["--rate", "5000"], "--rate"),
        (["--intensity", "9"], "--intensity"),
        (["--label-coverage", "1.5"], "--label-coverage"),
        (["--label-delay", "5", "1"], "--label-delay"),
        (["--duration", "0"], "--duration"),
        (["--content-scenario", "sudden"], "--content-scenario"),
        (["--content-rate", "0"], "--content-rate"),
        (["--content-intensity", "4"], "--content-intensity"),
    ],
)
def test_bad_options_exit_non_zero_naming_the_option(
    app: typer.Typer, args: list[str], option: str
) -> None:
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 2, result.output
    assert "Invalid value" in result.output and option in result.output
