"""Core test fixtures (the shared ones live in driftscope.testing)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from driftscope.db import create_engine


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a fresh, empty database (no migrations applied)."""
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()
