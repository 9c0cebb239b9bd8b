"""Simulator test fixtures: a real backend on 127.0.0.1 (`driftscope serve` in a child process).

The simulator's tests never import the backend's package: the backend is started through the
CLI, as a deployment does, with the test's settings (temp data dir, fresh database).

- `server`: the backend serving the session model, admin key "k1", on its own port.
- `start_server(settings, port)`: start one on a chosen port (e.g. after the simulator started).
- `run_simulator(...)`: a Simulator for a URL with test-friendly options, run as a task; its
  content stream is off unless `initial` turns it on (it reads the corpora, seconds of CPU).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from driftscope.db import Label, Prediction, script_sessions
from driftscope.settings import Settings
from driftscope.testing.backend import LiveBackend, free_port, serve_backend
from driftscope.testing.waiting import DEADLINE_S
from driftscope_simulator.runner import Counters, Options, Simulator

ADMIN_KEY = "k1"


class LiveServer(LiveBackend):
    async def label_delays(self) -> tuple[int, list[timedelta]]:
        """(predictions stored, label time − prediction time for every label)."""
        await self.flush()
        url = self.settings.resolved_database_url
        async with script_sessions(url, None) as sessions, sessions() as session:
            predicted = {p.id: p.ts for p in await session.scalars(select(Prediction))}
            labels = list(await session.scalars(select(Label)))
        assert {label.prediction_id for label in labels} <= set(predicted)
        return len(predicted), [label.ts - predicted[label.prediction_id] for label in labels]


@asynccontextmanager
async def serving(settings: Settings, port: int) -> AsyncIterator[LiveServer]:
    async with serve_backend(settings, port) as backend:
        yield LiveServer(backend.url, backend.settings, backend.process, backend.log_path)


@pytest.fixture
def admin_settings(registered_settings: Settings) -> Settings:
    return registered_settings.model_copy(update={"admin_api_keys": ADMIN_KEY})


@pytest.fixture
def start_server() -> Callable[[Settings, int], AbstractAsyncContextManager[LiveServer]]:
    return serving


@pytest.fixture
async def server(admin_settings: Settings) -> AsyncIterator[LiveServer]:
    async with serving(admin_settings, free_port()) as live:
        yield live


@dataclass
class Running:
    sim: Simulator
    task: asyncio.Task[Counters]

    async def stop(self, timeout_s: float = 2 * DEADLINE_S) -> Counters:
        """Stop and return the counters (in-flight requests and pending labels end first)."""
        self.sim.stop()
        return await asyncio.wait_for(self.task, timeout_s)


@pytest.fixture
async def run_simulator() -> AsyncIterator[Callable[..., Running]]:
    """Start Simulator(Options(**options)) as a task; any still running are stopped at the end."""
    started: list[Running] = []

    def start(client: Any = None, **options: Any) -> Running:
        initial = options.get("initial") or {}
        options["initial"] = {**initial, "content": initial.get("content", {"running": False})}
        sim = Simulator(Options(**options), client=client)
        # A deadline for the labels flushed at stop: done at once unless the machine is busy.
        running = Running(sim, asyncio.create_task(sim.run(label_flush_timeout_s=DEADLINE_S)))
        started.append(running)
        return running

    yield start
    for running in started:
        if not running.task.done():
            await running.stop()
