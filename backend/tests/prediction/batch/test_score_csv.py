"""`driftscope score-csv`: in-process (with and without --log) and through a running server."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import typer
import uvicorn
from sqlalchemy import func, select
from typer.testing import CliRunner

from driftscope.contract import FRAUD_CONTRACT
from driftscope.db import Prediction, create_engine
from driftscope.generator import generate_frame
from driftscope.settings import Settings, get_settings
from driftscope.testing.waiting import wait_until_sync
from driftscope_backend.app import create_app
from driftscope_backend.prediction.batch import score_csv

OUTPUT = ["id", "fraud_probability", "decision", "path", "model_version", "error", "prediction_id"]


def cli() -> typer.Typer:
    app = typer.Typer()
    app.command("noop")(lambda: None)
    score_csv.register(app)
    return app


@pytest.fixture
def settings(registered_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The CLI's settings pointed at the registered model's data dir and database."""
    monkeypatch.setenv("DRIFTSCOPE_DATA_DIR", str(registered_settings.data_dir))
    monkeypatch.setenv("DATABASE_URL", registered_settings.resolved_database_url)
    monkeypatch.setenv("DRIFTSCOPE_RATE_LIMIT_PER_S", "0")
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def input_csv(tmp_path: Path) -> Path:
    frame = generate_frame(2_500, seed=21)[FRAUD_CONTRACT.names]
    frame.insert(0, "transaction_id", [f"cli-{i}" for i in range(len(frame))])
    frame.loc[7, "amount"] = -5.0
    path = tmp_path / "in.csv"
    frame.to_csv(path, index=False)
    return path


def stored_rows(settings: Settings) -> dict[str, int]:
    async def count() -> dict[str, int]:
        engine = create_engine(settings.resolved_database_url)
        try:
            async with engine.connect() as conn:
                query = select(Prediction.source, func.count()).group_by(Prediction.source)
                return {source: n for source, n in (await conn.execute(query)).all()}
        finally:
            await engine.dispose()

    return asyncio.run(count())


def stored_ids(settings: Settings) -> set[str]:
    async def ids() -> set[str]:
        engine = create_engine(settings.resolved_database_url)
        try:
            async with engine.connect() as conn:
                return {str(i) for i in (await conn.scalars(select(Prediction.id))).all()}
        finally:
            await engine.dispose()

    return asyncio.run(ids())


def check_output(path: Path, input_csv: Path) -> pd.DataFrame:
    out = pd.read_csv(path, keep_default_na=False, dtype=str)
    assert list(out.columns) == OUTPUT
    assert out["id"].tolist() == pd.read_csv(input_csv)["transaction_id"].tolist()
    assert out.loc[7, "error"] == "amount: -5 is below the minimum 0"
    assert (out["error"] != "").sum() == 1
    return out


def test_register_adds_the_command() -> None:
    assert "score-csv" in [c.name for c in cli().registered_commands]


def test_in_process_scoring_logs_nothing_by_default(
    settings: Settings, input_csv: Path, tmp_path: Path
) -> None:
    result = CliRunner().invoke(cli(), ["score-csv", str(input_csv), str(tmp_path / "out.csv")])

    assert result.exit_code == 0, result.output
    assert "2,500 rows scored" in result.output and "1 with an error" in result.output
    check_output(tmp_path / "out.csv", input_csv)
    assert stored_rows(settings) == {}


def test_in_process_scoring_with_log_stores_batch_rows(
    settings: Settings, input_csv: Path, tmp_path: Path
) -> None:
    args = ["score-csv", str(input_csv), str(tmp_path / "out.csv"), "--log"]
    result = CliRunner().invoke(cli(), args)

    assert result.exit_code == 0, result.output
    out = check_output(tmp_path / "out.csv", input_csv)
    assert stored_rows(settings) == {"batch": 2_499}
    assert set(out.loc[out["error"] == "", "prediction_id"]) == stored_ids(settings)


def test_a_wrong_header_exits_2_naming_the_columns(settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("amount,color\n1,red\n")

    result = CliRunner().invoke(cli(), ["score-csv", str(bad), str(tmp_path / "out.csv")])

    assert result.exit_code == 2
    assert "hour_of_day: missing column" in result.output
    assert "color: unexpected column" in result.output


@pytest.fixture
def server_url(settings: Settings) -> Iterator[str]:
    """A real uvicorn server for `settings` in a thread (the CLI's --url needs a socket)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until_sync(lambda: server.started or not thread.is_alive(), what="uvicorn to start")
    assert thread.is_alive(), "the server thread ended before it started"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


def test_url_mode_streams_through_the_server(
    settings: Settings, server_url: str, input_csv: Path, tmp_path: Path
) -> None:
    local, remote = tmp_path / "local.csv", tmp_path / "remote.csv"
    assert CliRunner().invoke(cli(), ["score-csv", str(input_csv), str(local)]).exit_code == 0

    result = CliRunner().invoke(
        cli(), ["score-csv", str(input_csv), str(remote), "--url", server_url]
    )

    assert result.exit_code == 0, result.output
    assert "2,500 rows scored" in result.output and "1 with an error" in result.output
    by_server, in_process = check_output(remote, input_csv), check_output(local, input_csv)
    assert by_server["fraud_probability"].tolist() == in_process["fraud_probability"].tolist()
    assert (in_process["prediction_id"] == "").all()  # nothing logged: no prediction ids
    logged = by_server.loc[by_server["error"] == "", "prediction_id"]
    assert set(logged) == stored_ids(settings)
    assert stored_rows(settings) == {"batch": 2_499}


def test_url_mode_reports_a_refused_file(
    settings: Settings, server_url: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("amount\n1\n")

    args = ["score-csv", str(bad), str(tmp_path / "out.csv"), "--url", server_url]
    result = CliRunner().invoke(cli(), args)

    assert result.exit_code == 2
    assert "HTTP 422" in result.output and "channel: missing column" in result.output
