"""Real processes on SQLite: `driftscope serve` + `driftscope worker` detect shifted traffic.

Trains a small model into a temporary data dir, starts the API and a worker (2 s interval,
20 s windows, alerts after 2 drifted windows), sends clean then shifted traffic through
POST /api/v1/predict, and waits for the drift report and an open alert on avg_amount_30d.
"""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from driftscope.contract import FRAUD_CONTRACT
from driftscope.generator import generate_frame
from driftscope.testing.waiting import wait_until_sync

pytestmark = pytest.mark.slow
DRIFTSCOPE = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "driftscope"
FEATURE = "avg_amount_30d"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def batch(seed: int, *, shifted: bool, n: int = 100) -> list[dict[str, Any]]:
    frame = generate_frame(n, seed=seed)[FRAUD_CONTRACT.names]
    if shifted:
        frame[FEATURE] = (frame[FEATURE] * 1.8).round(2)
        frame["amount_to_avg_ratio"] = (frame["amount"] / frame[FEATURE]).round(4)
    columns = frame.astype(object)
    return columns.where(columns.notna(), None).to_dict("records")  # type: ignore[return-value]


# A deadline, not an expectation: starting two processes and computing 20 s windows on a
# loaded 2-core machine can take far longer than on a quiet one.
DEADLINE_S = 120.0


def wait_for(check: Callable[[], bool], what: str, logs: Path) -> None:
    def tails() -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text()[-3_000:]}" for p in sorted(logs.glob("*.log"))
        )

    wait_until_sync(check, what=what, timeout_s=DEADLINE_S, interval_s=0.5, detail=tails)


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRIFTSCOPE_")}
    env.pop("DATABASE_URL", None)  # SQLite in the data dir
    env.update(
        DRIFTSCOPE_DATA_DIR=str(tmp_path / "data"),
        DRIFTSCOPE_ALERT_CONSECUTIVE_WINDOWS="2",
        DRIFTSCOPE_LOG_LEVEL="INFO",
    )
    subprocess.run(
        [str(DRIFTSCOPE), "train", "--rows", "5000", "--seed", "3"],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return env


@pytest.fixture
def processes(environment: dict[str, str], tmp_path: Path) -> Iterator[str]:
    port = free_port()
    commands = {
        "serve": ["serve", "--port", str(port), "--log-level", "warning"],
        "worker": ["worker", "--interval", "2", "--window", "20"],
    }
    started: list[subprocess.Popen[bytes]] = []
    try:
        for name, args in commands.items():
            log = (tmp_path / f"{name}.log").open("wb")
            started.append(
                subprocess.Popen(
                    [str(DRIFTSCOPE), *args], env=environment, stdout=log, stderr=subprocess.STDOUT
                )
            )
            log.close()  # the child keeps its own descriptor
        yield f"http://127.0.0.1:{port}"
    finally:
        for proc in started:
            proc.terminate()
        for proc in started:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def test_shifted_traffic_is_flagged_and_alerted(processes: str, tmp_path: Path) -> None:
    with httpx.Client(base_url=processes, timeout=30) as http:

        def ready() -> bool:
            try:
                return http.get("/ready").status_code == 200
            except httpx.TransportError:
                return False

        wait_for(ready, "/ready", tmp_path)
        for seed in range(3):
            response = http.post("/api/v1/predict", json=batch(seed, shifted=False))
            assert response.status_code == 200, response.text

        seeds = iter(range(100, 10_000))

        def flagged() -> bool:
            response = http.post("/api/v1/predict", json=batch(next(seeds), shifted=True))
            assert response.status_code == 200, response.text
            latest = http.get("/api/v1/drift/latest")
            return latest.status_code == 200 and latest.json()["features"][FEATURE]["drifted"]

        wait_for(flagged, f"a drift report flagging {FEATURE}", tmp_path)

        def alerted() -> bool:
            http.post("/api/v1/predict", json=batch(next(seeds), shifted=True))
            alerts = http.get("/api/v1/alerts", params={"status": "open"}).json()["alerts"]
            return any(a["kind"] == "feature_drift" and a["feature"] == FEATURE for a in alerts)

        wait_for(alerted, f"an open alert on {FEATURE}", tmp_path)

        latest = http.get("/api/v1/drift/latest").json()
        assert latest["sufficient"] and latest["n"] >= 100
        assert latest["features"][FEATURE]["psi"] > latest["features"][FEATURE]["warn_threshold"]
