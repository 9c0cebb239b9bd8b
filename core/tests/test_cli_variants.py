"""`driftscope models canary|shadow`: set and clear the aliases (gated canary), audited as events."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from driftscope import cli
from driftscope.db import Event, ModelVersion, create_engine, make_sessionmaker
from driftscope.registry import list_aliases
from driftscope.settings import Settings, get_settings
from driftscope.testing import TrainedArtifact, register_artifact

runner = CliRunner()


@pytest.fixture
async def two_versions(
    registered_settings: Settings, trained_model: TrainedArtifact
) -> AsyncIterator[Settings]:
    await register_artifact(registered_settings, trained_model, version=2)
    yield registered_settings


@pytest.fixture
def cli_env(two_versions: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    monkeypatch.setenv("DRIFTSCOPE_DATA_DIR", str(two_versions.data_dir))
    monkeypatch.setenv("DATABASE_URL", two_versions.resolved_database_url)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def state(settings: Settings) -> tuple[dict[str, tuple[int, float | None]], list[dict[str, Any]]]:
    async def query() -> tuple[dict[str, tuple[int, float | None]], list[dict[str, Any]]]:
        engine = create_engine(settings.resolved_database_url)
        try:
            async with make_sessionmaker(engine)() as session:
                aliases = {
                    a.alias: (a.version, a.traffic_percent)
                    for a in await list_aliases(session, "fraud")
                }
                events = await session.scalars(select(Event).order_by(Event.id))
                return aliases, [e.payload for e in events]
        finally:
            await engine.dispose()

    return asyncio.run(query())


def degrade_version_2(settings: Settings) -> None:
    async def update() -> None:
        engine = create_engine(settings.resolved_database_url)
        try:
            async with make_sessionmaker(engine)() as session, session.begin():
                row = await session.scalar(select(ModelVersion).where(ModelVersion.version == 2))
                assert row is not None
                row.metrics = {**row.metrics, "test": {**row.metrics["test"], "f1": 0.1}}
        finally:
            await engine.dispose()

    asyncio.run(update())


def test_canary_and_shadow_commands(cli_env: Settings) -> None:
    result = runner.invoke(cli.app, ["models", "canary", "2", "--percent", "15"])
    assert result.exit_code == 0, result.output
    aliases, events = state(cli_env)
    assert aliases["canary"] == (2, 15.0)
    assert (events[-1]["action"], events[-1]["actor"]) == ("canary", "cli")

    assert runner.invoke(cli.app, ["models", "canary", "--off"]).exit_code == 0
    result = runner.invoke(cli.app, ["models", "shadow", "2"])
    assert result.exit_code == 0, result.output
    aliases, _ = state(cli_env)
    assert "canary" not in aliases and aliases["shadow"] == (2, None)
    assert runner.invoke(cli.app, ["models", "shadow", "--off"]).exit_code == 0
    aliases, events = state(cli_env)
    assert "shadow" not in aliases
    assert [e["action"] for e in events] == ["canary", "canary_off", "shadow", "shadow_off"]
    assert runner.invoke(cli.app, ["models", "shadow"]).exit_code != 0  # VERSION or --off


def test_canary_command_is_gated(cli_env: Settings) -> None:
    degrade_version_2(cli_env)
    refused = runner.invoke(cli.app, ["models", "canary", "2", "--percent", "5"])
    assert refused.exit_code != 0 and "canary" not in state(cli_env)[0]
    forced = runner.invoke(
        cli.app, ["models", "canary", "2", "--percent", "5", "--force", "--reason", "drill"]
    )
    assert forced.exit_code == 0, forced.output
    last = state(cli_env)[1][-1]
    assert (last["forced"], last["reason"], last["actor"]) == (True, "drill", "cli")


def test_models_commands_act_on_the_model_named_by_model(cli_env: Settings) -> None:
    """`driftscope models --model NAME ...`: another model's versions and aliases; fraud's
    aliases untouched."""
    from driftscope.testing.user_model import train_flights

    asyncio.run(train_flights(cli_env, "flights"))
    asyncio.run(train_flights(cli_env, "flights", seed=4))  # v2, not promoted
    listed = runner.invoke(cli.app, ["models", "--model", "flights", "list"])
    assert listed.exit_code == 0, listed.output
    promoted = runner.invoke(cli.app, ["models", "--model", "flights", "promote", "2", "--force",
                                       "--reason", "test"])  # fmt: skip
    assert promoted.exit_code == 0, promoted.output
    assert "production: v2" in promoted.output

    async def production(name: str) -> int | None:
        engine = create_engine(cli_env.resolved_database_url)
        try:
            async with make_sessionmaker(engine)() as session:
                aliases = {a.alias: a.version for a in await list_aliases(session, name)}
                return aliases.get("production")
        finally:
            await engine.dispose()

    assert asyncio.run(production("flights")) == 2
    assert asyncio.run(production("fraud")) == 1
    refused = runner.invoke(cli.app, ["models", "--model", "Not A Name", "list"])
    assert refused.exit_code == 2 and "--model" in refused.output
