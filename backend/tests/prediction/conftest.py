"""Fixtures of the prediction tests: the built-in content model served."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

import pytest

from driftscope.settings import Settings
from driftscope.testing.content_model import ContentArtifact, register_content

from ..conftest import Api

Serve = Callable[[Settings], AbstractAsyncContextManager[Api]]


@pytest.fixture
async def content(
    registered_settings: Settings, trained_content: ContentArtifact, serve: Serve
) -> AsyncIterator[Api]:
    """The app serving the session's content model as version 1 of `content` (and fraud)."""
    await register_content(registered_settings, trained_content)
    async with serve(registered_settings) as api:
        yield api
