"""`driftscope-worker`: its options, `--once` through the CLI, and run_once over every job."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import pytest
import typer
from sqlalchemy import select
from typer.testing import CliRunner

from driftscope.db import DriftReport, Event, PerformanceSnapshot
from driftscope.settings import Settings, get_settings
from driftscope.testing.user_model import flights
from driftscope_worker import cli
from driftscope_worker.scheduler import JOBS, make_context, run_once

if TYPE_CHECKING:
    from conftest import Harness, LoggedModel


def worker_app() -> typer.Typer:
    app = typer.Typer()
    app.command()(cli.worker)
    return app


def test_help_lists_the_options() -> None:
    result = CliRunner().invoke(worker_app(), ["--help"])
    assert result.exit_code == 0, result.output
    for option in ("--interval", "--window", "--once"):
        assert option in result.output


def test_interval_below_the_minimum_is_rejected() -> None:
    result = CliRunner().invoke(worker_app(), ["--interval", "0.1"])
    assert result.exit_code == 2
    assert "--interval" in result.output


def test_register_adds_the_worker_command() -> None:
    app = typer.Typer()
    app.command("noop")(lambda: None)
    cli.register(app)
    assert "worker" in [c.name for c in app.registered_commands]


def test_jobs_are_registered_in_one_place() -> None:
    assert set(JOBS) == {
        "drift_and_performance",
        "label_join",
        "retention",
        "compact_counts",
        "log_sample",
        "partitions",
        "auto_retrain",
    }
    settings = Settings(monitor_interval_s=30, auto_retrain_interval_s=120)
    assert JOBS["auto_retrain"].every_s(settings) == 120
    assert JOBS["drift_and_performance"].every_s(settings) == 30
    assert JOBS["label_join"].every_s(settings) >= 60


async def test_run_once_runs_every_job_for_every_model(
    harness: Harness, flights_model: LoggedModel, caplog: pytest.LogCaptureFixture
) -> None:
    await harness.log(harness.transactions(200, seed=8), harness.clock.now)
    await harness.log_scored(flights_model, flights(150, seed=8), [0.3] * 150, harness.clock.now)
    with caplog.at_level(logging.ERROR, logger="driftscope_worker"):
        await run_once(harness.ctx)  # what `driftscope worker --once` runs

    assert not [r for r in caplog.records if "failed" in r.getMessage()]
    for name, n in (("fraud", 200), ("flights", 150)):
        assert await harness.count(DriftReport, DriftReport.model_name == name, DriftReport.n == n)
        assert await harness.count(PerformanceSnapshot, PerformanceSnapshot.model_name == name)
        # a drift and a performance event each (training also announced its `model` event)
        assert await harness.count(Event, Event.model_name == name, Event.kind != "model") == 2


def test_once_from_the_command_line(
    registered_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DRIFTSCOPE_DATA_DIR", str(registered_settings.data_dir))
    monkeypatch.setenv("DATABASE_URL", registered_settings.resolved_database_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(worker_app(), ["--once", "--window", "600"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output

    async def reports() -> list[DriftReport]:
        ctx = make_context(registered_settings)
        try:
            async with ctx.sessionmaker() as session:
                return list(await session.scalars(select(DriftReport)))
        finally:
            await ctx.engine.dispose()

    (report,) = asyncio.run(reports())
    assert report.n == 0 and not report.sufficient  # an empty window is reported too
    assert (report.window_end - report.window_start).total_seconds() == 600
    on_sqlite = registered_settings.resolved_database_url.startswith("sqlite")
    assert (registered_settings.data_dir / "worker.lock").exists() == on_sqlite  # else advisory
