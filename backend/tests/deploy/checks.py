"""Checks shared by the compose and Kubernetes tests: CLI commands and settings names are real."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from driftscope.settings import Settings

REPO = Path(__file__).resolve().parents[3]
DRIFTSCOPE = Path(sys.executable).parent / "driftscope"
HEALTHCHECK = REPO / "deploy" / "healthcheck.py"
NON_SETTINGS_ENV = {"DATABASE_URL", "FORWARDED_ALLOW_IPS", "POSTGRES_PASSWORD"}


def split_command(command: list[str]) -> tuple[list[str], list[str]]:
    """(`driftscope` and its sub-command path, the --options used)."""
    assert command[0] == "driftscope", command
    path = ["driftscope"]
    for token in command[1:]:
        if token.startswith("-"):
            break
        path.append(token)
    return path, [t.split("=", 1)[0] for t in command if t.startswith("--")]


# One process for every help text: importing the CLI and its plugins costs seconds of CPU.
HELP_SCRIPT = """
import json, sys
from importlib.metadata import entry_points
from typer.testing import CliRunner
from driftscope.cli import app
for plugin in entry_points(group="driftscope.commands"):  # as the `driftscope` script does
    plugin.load()(app)
runner = CliRunner()
helps = {}
for path in json.loads(sys.argv[1]):
    result = runner.invoke(app, [*path, "--help"], terminal_width=200)
    helps[" ".join(path)] = [result.exit_code, result.output]
print(json.dumps(helps))
"""


def cli_problems(commands: list[list[str]]) -> list[str]:
    """`<sub-command> --help` for every command the deployment runs, through the entry point
    the `driftscope` console script calls, outside any container: a sub-command whose help
    fails, or an option missing from its help, is a problem."""
    scripts = tomllib.loads((REPO / "core/pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["driftscope"] == "driftscope.cli:main"
    assert DRIFTSCOPE.exists(), "the driftscope console script is not installed"
    paths = sorted({tuple(split_command(c)[0][1:]) for c in commands})
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    result = subprocess.run(
        [sys.executable, "-c", HELP_SCRIPT, json.dumps(paths)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    helps = json.loads(result.stdout.splitlines()[-1])
    problems = []
    for command in commands:
        path, options = split_command(command)
        exit_code, text = helps[" ".join(path[1:])]
        if exit_code != 0:
            problems.append(f"{' '.join(path)} --help failed: {text[-300:]}")
            continue
        problems += [f"{' '.join(path)} has no option {o}" for o in options if o not in text]
    return problems


def check_healthcheck_command(command: list[str]) -> None:
    """A `python /app/healthcheck.py …` command uses options that script has."""
    assert command[:2] == ["python", "/app/healthcheck.py"], command
    known = {"--http", "--process"}
    assert [t for t in command[2:] if t.startswith("--") and t not in known] == []


def check_settings_env(names: list[str]) -> None:
    """Every DRIFTSCOPE_* variable names a Settings field (a typo would be silently ignored)."""
    fields = {f"DRIFTSCOPE_{name.upper()}" for name in Settings.model_fields}
    unknown = [n for n in names if n not in fields and n not in NON_SETTINGS_ENV]
    assert not unknown, f"not Driftscope settings: {unknown}"
