"""One active worker: a file lock next to SQLite, a PostgreSQL advisory lock otherwise."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from driftscope.db import create_engine
from driftscope.testing.waiting import DEADLINE_S
from driftscope_worker.lock import LeaderLock


@pytest.fixture
async def sqlite_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    yield engine
    await engine.dispose()


async def test_file_lock_admits_one_worker_until_released(
    sqlite_engine: AsyncEngine, tmp_path: Path
) -> None:
    lock_file = tmp_path / "data" / "worker.lock"
    first, second = LeaderLock(sqlite_engine, lock_file), LeaderLock(sqlite_engine, lock_file)

    assert await first.try_acquire() is True
    assert lock_file.exists()
    assert await second.try_acquire() is False
    assert await second.try_acquire() is False

    await first.release()
    assert await second.try_acquire() is True
    assert await first.try_acquire() is False
    await second.release()
    await second.release()  # releasing twice is harmless


async def test_standby_takes_over_when_the_leader_stops(
    sqlite_engine: AsyncEngine, tmp_path: Path
) -> None:
    lock_file = tmp_path / "worker.lock"
    leader, standby = (
        LeaderLock(sqlite_engine, lock_file),
        LeaderLock(sqlite_engine, lock_file, retry_s=0.02),
    )
    await leader.acquire()
    waiting = asyncio.create_task(standby.acquire())
    await asyncio.sleep(0.1)
    assert not waiting.done()

    await leader.release()
    await asyncio.wait_for(waiting, timeout=DEADLINE_S)
    await standby.release()


@pytest.mark.postgres
async def test_advisory_lock_admits_one_worker_on_postgres(
    database_url: str, tmp_path: Path
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("advisory locks need PostgreSQL (DATABASE_URL)")
    engines = [create_engine(database_url), create_engine(database_url)]
    first = LeaderLock(engines[0], tmp_path / "unused.lock")
    second = LeaderLock(engines[1], tmp_path / "unused.lock", retry_s=0.02)
    try:
        assert await first.try_acquire() is True
        assert await second.try_acquire() is False
        waiting = asyncio.create_task(second.acquire())
        await asyncio.sleep(0.1)
        assert not waiting.done()

        await first.release()
        await asyncio.wait_for(waiting, timeout=DEADLINE_S)
        assert await first.try_acquire() is False
        assert not (tmp_path / "unused.lock").exists()  # no file lock on PostgreSQL
    finally:
        await first.release()
        await second.release()
        for engine in engines:
            await engine.dispose()
