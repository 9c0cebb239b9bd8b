"""Pytest fixtures shared by every test suite (loaded from the root conftest.py).

- `database_url`: a fresh database per test, on SQLite and — when DATABASE_URL points at
  PostgreSQL — on a uniquely named PostgreSQL database that is dropped afterwards. With
  DRIFTSCOPE_REQUIRE_POSTGRES=1 (CI) an unreachable server fails the tests instead of skipping.
- `trained_model`: one small model trained per test session (artifacts in a temp dir).
- `registered_settings`: Settings for a temp data dir + database with that model as production.

Helpers for the tests of one process that need another's work, without importing it:
`driftscope.testing.backend` (`driftscope serve` in a child process) and
`driftscope.testing.monitoring` (reports, snapshots and alerts as the worker writes them).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import MetaData, Table
from sqlalchemy.engine import make_url

from driftscope.contract import get_contract
from driftscope.db import create_engine, make_sessionmaker, upgrade
from driftscope.ids import uuid7
from driftscope.registry import register_version
from driftscope.serving.artifact import read_manifest
from driftscope.settings import Settings
from driftscope.training.trainer import TrainConfig, TrainedModel, fit, write_artifacts


def _postgres_server_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


def _backends() -> list[object]:
    params: list[object] = [pytest.param("sqlite", id="sqlite")]
    if _postgres_server_url() or os.environ.get("DRIFTSCOPE_REQUIRE_POSTGRES") == "1":
        params.append(pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres))
    return params


async def _admin(url: str, statement: str) -> None:
    import asyncpg

    parsed = make_url(url)
    conn = await asyncpg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        database="postgres",
        timeout=10,
    )
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@pytest.fixture(params=_backends())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL (no migrations applied)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    server = _postgres_server_url()
    if server is None:
        pytest.fail("DRIFTSCOPE_REQUIRE_POSTGRES=1 but DATABASE_URL is not a PostgreSQL URL")
    name = f"driftscope_test_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_admin(server, f'CREATE DATABASE "{name}"'))
    except (OSError, TimeoutError) as exc:
        message = f"PostgreSQL at {make_url(server).render_as_string(hide_password=True)} unreachable: {exc}"
        if os.environ.get("DRIFTSCOPE_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@dataclass(frozen=True)
class TrainedArtifact:
    trained: TrainedModel
    directory: Path
    sha256: str


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory: pytest.TempPathFactory) -> TrainedArtifact:
    """A model trained once per session on 20k generated rows (version 1 artifacts)."""
    from driftscope.generator import generate_frame

    contract = get_contract("fraud")
    config = TrainConfig(rows=20_000, seed=7)
    trained = fit(generate_frame(config.rows, seed=config.seed), contract, config)
    directory = tmp_path_factory.mktemp("artifacts") / "fraud" / "v1"
    sha, _ = write_artifacts(trained, directory, "fraud", 1, "xgboost")
    return TrainedArtifact(trained, directory, sha)


async def register_artifact(
    settings: Settings, artifact: TrainedArtifact, version: int = 1
) -> Path:
    """Put the session model into `settings.models_dir` as `version` and register it
    (the first registered version becomes production)."""
    target = settings.models_dir / "fraud" / f"v{version}"
    if version == 1:
        shutil.copytree(artifact.directory, target, dirs_exist_ok=True)
        sha = artifact.sha256
    else:  # the manifest records its version: write a genuine artifact for this one
        sha, _ = write_artifacts(artifact.trained, target, "fraud", version, "xgboost")
    read_manifest(target, sha)
    engine = create_engine(settings.resolved_database_url)
    try:
        await upgrade(engine)
        async with make_sessionmaker(engine)() as session, session.begin():
            await register_version(
                session,
                model_name="fraud",
                version=version,
                kind="xgboost",
                artifact_path=str(target),
                sha256=sha,
                metrics=artifact.trained.metrics,
                threshold=artifact.trained.threshold,
                profile=artifact.trained.profile,
            )
    finally:
        await engine.dispose()
    return target


@pytest.fixture
async def registered_settings(
    database_url: str, trained_model: TrainedArtifact, tmp_path: Path
) -> AsyncIterator[Settings]:
    """Settings (temp data dir, fresh database) with the session model registered as production."""
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url)
    await register_artifact(settings, trained_model)
    yield settings


def prediction_row(
    features: dict[str, object],
    score: float,
    threshold: float,
    ts: datetime,
    *,
    version: int = 1,
    variant: str = "production",
    model_name: str = "fraud",
) -> dict[str, object]:
    """A `predictions` row of `model_name` as the backend's writer stores it, for tests that
    log directly."""
    return {
        "id": uuid7(),
        "model_name": model_name,
        "model_version": version,
        "ts": ts,
        "transaction_id": None,
        "features": features,
        "score": float(score),
        "decision": bool(score >= threshold),
        "threshold": threshold,
        "path": "model",
        "variant": variant,
        "latency_us": 150,
        "request_id": None,
    }


def predictions_before_0008() -> Table:
    """The `predictions` table as migrations 0005-0007 leave it (no `kept`, migration 0008):
    for tests that write and read rows at those revisions."""
    from driftscope.db import Prediction

    columns = [c._copy() for c in Prediction.__table__.columns if c.name != "kept"]
    return Table("predictions", MetaData(), *columns)
