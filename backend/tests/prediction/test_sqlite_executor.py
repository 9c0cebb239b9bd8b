"""The prediction writer's SQLite executor: one transaction a batch, failures raised, then recovered."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from driftscope.db import create_engine
from driftscope_backend.prediction import sqlite_executor
from driftscope_backend.prediction.sqlite_executor import SqliteExecutor

INSERT = "INSERT INTO t (k) VALUES (?)"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "t.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY)")
    return path


def stored(db: Path) -> list[int]:
    with sqlite3.connect(db) as conn:
        return [k for (k,) in conn.execute("SELECT k FROM t ORDER BY k")]


async def test_a_batch_is_one_transaction(db: Path) -> None:
    executor = SqliteExecutor(str(db))
    try:
        await executor.execute([(INSERT, (1,)), (INSERT, (2,))])
        with pytest.raises(sqlite3.IntegrityError):  # the second statement fails: none is kept
            await executor.execute([(INSERT, (3,)), (INSERT, (1,))])
        await executor.execute([(INSERT, (3,))])  # and the next batch goes through
    finally:
        executor.close()
    assert stored(db) == [1, 2, 3]


async def test_a_locked_database_fails_the_batch_until_released(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_executor, "BUSY_TIMEOUT_MS", 50)
    lock = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    lock.execute("BEGIN EXCLUSIVE")
    executor = SqliteExecutor(str(db))
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await executor.execute([(INSERT, (1,))])
        lock.execute("ROLLBACK")
        await executor.execute([(INSERT, (1,))])
    finally:
        executor.close()
        lock.close()
    assert stored(db) == [1]


async def test_close_ends_the_thread(db: Path) -> None:
    executor = SqliteExecutor(str(db))
    await executor.execute([(INSERT, (1,))])
    thread = executor._thread
    assert thread is not None and thread.daemon
    executor.close()
    thread.join(timeout=10)
    assert not thread.is_alive()


def test_only_a_sqlite_file_gets_an_executor(tmp_path: Path) -> None:
    file = create_engine(f"sqlite+aiosqlite:///{tmp_path}/x.db")
    memory = create_engine("sqlite+aiosqlite:///:memory:")
    postgres = create_engine("postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    executor = SqliteExecutor.for_engine(file)
    assert executor is not None and executor.path == f"{tmp_path}/x.db"
    assert SqliteExecutor.for_engine(memory) is None
    assert SqliteExecutor.for_engine(postgres) is None
