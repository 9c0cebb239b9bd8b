"""A real backend for the tests of other processes: `driftscope serve` in a child process.

A process's tests never import another process's package: tests that need a live backend
(the traffic simulator's) start it through the CLI, as a user or a deployment does, with the
settings of the test (temp data dir, fresh database) passed as environment variables.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import sys
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from driftscope.settings import Settings

START_DEADLINE_S = 120.0  # imports, migrations and the model warm-up on a loaded 2-core machine
STOP_DEADLINE_S = 30.0  # a graceful stop drains the prediction log first
POLL_S = 0.1
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via an env proxy


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _env_name(name: str) -> str:
    return "DATABASE_URL" if name == "database_url" else f"DRIFTSCOPE_{name.upper()}"


def settings_env(settings: Settings) -> dict[str, str]:
    """This process's environment minus Driftscope's variables, plus every field set on
    `settings`: a child's `Settings()` then reads exactly the test's settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DRIFTSCOPE_") and k != "DATABASE_URL"
    }
    for name, value in settings.model_dump(mode="json", include=settings.model_fields_set).items():
        if value is not None:
            env[_env_name(name)] = value if isinstance(value, str) else json.dumps(value)
    return env


def _get_json(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with _LOCAL.open(url, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as refused:  # 503 not ready: its body says why
        with refused:
            return refused.code, json.load(refused)


@dataclass
class LiveBackend:
    url: str
    settings: Settings
    process: asyncio.subprocess.Process
    log_path: Path

    def output(self) -> str:
        """The child's stdout and stderr so far (for failure messages)."""
        return self.log_path.read_text(errors="replace")[-4000:]

    async def readiness(self) -> tuple[int, dict[str, Any]]:
        """GET /ready: (status code, body). Through urllib on a thread: core needs no client."""
        return await asyncio.to_thread(_get_json, f"{self.url}/ready")

    async def flush(self, timeout_s: float = 30.0) -> int:
        """Wait until the prediction log has nothing buffered or in flight (GET /ready);
        returns the rows it has written since start."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while (writer := (await self.readiness())[1]["writer"])["queue_depth"] > 0:
            assert loop.time() < deadline, f"prediction log not flushed: {writer}"
            await asyncio.sleep(POLL_S)
        rows: int = writer["rows_written"]
        return rows


async def _wait_ready(backend: LiveBackend) -> None:
    """Poll GET /ready until 200 (model loaded, database reachable); fail if the child exits."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + START_DEADLINE_S
    while True:
        assert backend.process.returncode is None, f"backend exited:\n{backend.output()}"
        with contextlib.suppress(OSError):  # not listening yet
            if (await backend.readiness())[0] == 200:
                return
        assert loop.time() < deadline, f"backend not ready in time:\n{backend.output()}"
        await asyncio.sleep(POLL_S)


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    process.terminate()
    try:
        await asyncio.wait_for(process.wait(), STOP_DEADLINE_S)
    except TimeoutError:
        process.kill()
        await process.wait()


@contextlib.asynccontextmanager
async def serve_backend(settings: Settings, port: int | None = None) -> AsyncIterator[LiveBackend]:
    """`driftscope serve` on 127.0.0.1:`port` (a free one by default) with `settings`, yielded
    once ready; stopped gracefully (SIGTERM, the prediction log drained) on exit."""
    port = port or free_port()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    log_path = settings.data_dir / f"backend-{port}.log"
    driftscope = Path(sys.executable).parent / "driftscope"  # the console script users run
    command = ["serve", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            driftscope, *command, env=settings_env(settings), stdout=log, stderr=log
        )
    backend = LiveBackend(f"http://127.0.0.1:{port}", settings, process, log_path)
    try:
        await _wait_ready(backend)
        yield backend
    finally:
        await _stop(process)
