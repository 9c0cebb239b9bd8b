"""`driftscope worker` (also `driftscope-worker`): run the monitoring jobs."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from driftscope.logs import configure_logging
from driftscope.settings import get_settings


def worker(
    interval: Annotated[
        float | None,
        typer.Option(min=0.5, help="Seconds between runs (DRIFTSCOPE_MONITOR_INTERVAL_S)."),
    ] = None,
    window: Annotated[
        float | None, typer.Option(min=1, help="Window length in seconds (DRIFTSCOPE_WINDOW_S).")
    ] = None,
    once: Annotated[bool, typer.Option(help="Run every job once and exit.")] = False,
) -> None:
    """Compute drift and performance per window, raise alerts, apply retention."""
    from driftscope_worker.scheduler import run_worker

    updates = {
        k: v for k, v in (("monitor_interval_s", interval), ("window_s", window)) if v is not None
    }
    settings = get_settings().model_copy(update=updates)
    configure_logging(settings.log_level, settings.log_format)
    asyncio.run(run_worker(settings, once=once))


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)


def main() -> None:
    typer.run(worker)
