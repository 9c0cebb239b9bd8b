"""Backend test fixtures: the app under test through httpx ASGITransport, with its lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from driftscope.settings import Settings
from driftscope_backend.app import create_app


@pytest.fixture
async def app(registered_settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(registered_settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http
