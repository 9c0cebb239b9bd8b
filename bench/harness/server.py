"""Servers under test, started as real processes on 127.0.0.1: `driftscope serve` on a trained
data dir, and a bare FastAPI hello-world with the same uvicorn settings (the baseline)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

# The server as shipped, minus the per-client rate limit: one load generator is one client.
BENCH_ENV = {"DRIFTSCOPE_RATE_LIMIT_PER_S": "0"}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def driftscope_exe() -> str:
    exe = Path(sys.executable).with_name("driftscope")
    if exe.exists():
        return str(exe)
    found = shutil.which("driftscope")
    if not found:
        raise SystemExit("driftscope command not found (run via: uv run --frozen python ...)")
    return found


def http_get_json(port: int, path: str, timeout: float = 5.0) -> tuple[int, dict[str, Any]]:
    url = f"http://127.0.0.1:{port}{path}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # loopback only
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def register_external(data_dir: Path, name: str, rows: int, log_path: Path) -> None:
    """A model served elsewhere, for /log: generated transactions as its reference CSV."""
    env = {**os.environ, "DRIFTSCOPE_DATA_DIR": str(data_dir), **BENCH_ENV}
    reference = data_dir / f"{name}-reference.csv"
    exe = driftscope_exe()
    with log_path.open("ab") as log:
        for args in (
            ["generate", "--rows", str(rows), "--out", str(reference)],
            ["models", "register-external", "--name", name, "--reference", str(reference),
             "--target", "is_fraud"],
        ):  # fmt: skip
            subprocess.run(
                [exe, *args], env=env, stdout=log, stderr=subprocess.STDOUT, check=True,
                timeout=600,
            )  # fmt: skip


HELLO_APP = Path(__file__).resolve().with_name("hello_app.py")


class Process:
    """A server process started in its own session, stopped with SIGINT (graceful)."""

    def __init__(self, port: int, log_path: Path) -> None:
        self.port, self.log_path = port, log_path
        self.proc: subprocess.Popen[bytes] | None = None
        self.exit_code: int | None = None
        self.stop_s: float | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def is_ready(self) -> bool:
        raise NotImplementedError

    def launch(self, cmd: list[str], env: dict[str, str], timeout_s: float) -> None:
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early; see {self.log_path}")
            with contextlib.suppress(OSError, ValueError):
                if self.is_ready():
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server not ready after {timeout_s:.0f} s; see {self.log_path}")

    def stop(self, timeout_s: float = 20.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        t0 = time.perf_counter()
        self.proc.send_signal(2)  # SIGINT: uvicorn shuts down gracefully, the writer flushes
        try:
            self.exit_code = self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.exit_code = self.proc.wait()
        self.stop_s = round(time.perf_counter() - t0, 2)


class Server(Process):
    """`driftscope serve` on a trained data dir."""

    def __init__(self, data_dir: Path, port: int, log_path: Path) -> None:
        super().__init__(port, log_path)
        self.data_dir = data_dir

    def start(self, timeout_s: float = 60.0, env: dict[str, str] | None = None) -> None:
        env = {**os.environ, "DRIFTSCOPE_DATA_DIR": str(self.data_dir), **BENCH_ENV, **(env or {})}
        cmd = [driftscope_exe(), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        self.launch(cmd, env, timeout_s)

    def is_ready(self) -> bool:
        status, body = http_get_json(self.port, "/ready", timeout=1.0)
        return status == 200 and body.get("status") == "ready"

    def ready(self) -> dict[str, Any]:
        return http_get_json(self.port, "/ready")[1]

    def drained_rows_written(self, timeout_s: float = 10.0) -> int:
        """rows_written once the writer's queue is empty (flushes run every 200 ms)."""
        deadline = time.monotonic() + timeout_s
        while True:
            writer = self.ready()["writer"]
            if writer["queue_depth"] == 0 or time.monotonic() > deadline:
                return int(writer["rows_written"])
            time.sleep(0.1)


class Helper(Process):
    """A non-HTTP driftscope process (`worker`, `simulate`): started, never probed."""

    def start(self, args: list[str], env: dict[str, str]) -> None:
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [driftscope_exe(), *args], env={**os.environ, **env}, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


class BareHello(Process):
    """The baseline: a bare FastAPI app (one `GET /` returning a small dict) in its own process,
    under uvicorn with the options `driftscope serve` uses (bench/harness/hello_app.py)."""

    def start(self, timeout_s: float = 60.0) -> None:
        cmd = [sys.executable, str(HELLO_APP), "--port", str(self.port)]
        self.launch(cmd, dict(os.environ), timeout_s)

    def is_ready(self) -> bool:
        return http_get_json(self.port, "/", timeout=1.0)[0] == 200


def train(data_dir: Path, rows: int | None, log_path: Path, *options: str) -> float:
    """`driftscope train` into `data_dir` (`--rows` when given, then `options`); seconds taken."""
    env = {**os.environ, "DRIFTSCOPE_DATA_DIR": str(data_dir), **BENCH_ENV}
    t0 = time.perf_counter()
    with log_path.open("wb") as log:
        subprocess.run(
            [driftscope_exe(), "train", *(["--rows", str(rows)] if rows else []), *options],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=600,
        )
    return round(time.perf_counter() - t0, 1)


def count_db_rows(db: Path) -> int | None:
    if not db.exists():
        return None
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        return int(conn.execute("SELECT count(*) FROM predictions").fetchone()[0])
