"""Core test fixtures (the shared ones live in driftscope.testing)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from driftscope.db import create_engine, make_sessionmaker, upgrade
from driftscope.settings import Settings, get_settings


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a fresh, empty database (no migrations applied)."""
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session on a freshly migrated database, rolled back afterwards."""
    await upgrade(engine)
    async with make_sessionmaker(engine)() as session:
        yield session
        await session.rollback()


@pytest.fixture
def settings(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """Point the CLI's settings at a temp data dir and a fresh database."""
    monkeypatch.setenv("DRIFTSCOPE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("DRIFTSCOPE_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()
