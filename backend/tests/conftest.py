"""Backend test fixtures: the app under test through httpx ASGITransport, with its lifespan.

- `app`, `client`: the app serving the session model (SQLite, and PostgreSQL with DATABASE_URL).
- `api`: an `Api` over that app (post, flush the write buffer, count stored rows).
- `serve`: start another app for given Settings, e.g. a tiny writer queue or an empty database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from driftscope.contract import FRAUD_CONTRACT
from driftscope.db import Label, Prediction
from driftscope.settings import Settings
from driftscope_backend.app import create_app
from driftscope_backend.prediction.writer import PredictionWriter

PREDICT = "/api/v1/predict"
FEEDBACK = "/api/v1/feedback"


def transaction(**overrides: Any) -> dict[str, Any]:
    """The contract's example transaction with some fields replaced."""
    return {**FRAUD_CONTRACT.example(), **overrides}


def error_of(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The `error` object of a response, after checking its status and stable shape."""
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"]
    return error


def error_fields(error: dict[str, Any]) -> list[str]:
    """The `field` of every details entry (details is a list of {field, reason, ...})."""
    assert isinstance(error["details"], list) and error["details"], error
    for detail in error["details"]:
        assert detail["reason"], detail
    return [detail["field"] for detail in error["details"]]


@dataclass
class Api:
    """The app under test and the calls most tests make against it."""

    app: FastAPI
    client: httpx.AsyncClient

    @property
    def writer(self) -> PredictionWriter:
        writer: PredictionWriter = self.app.state.runtime.writer
        return writer

    async def predict(self, body: Any = None, **kwargs: Any) -> httpx.Response:
        if body is not None:
            kwargs["json"] = body
        return await self.client.post(PREDICT, **kwargs)

    async def feedback(self, labels: list[tuple[str, int]]) -> httpx.Response:
        items = [{"prediction_id": pid, "label": label} for pid, label in labels]
        return await self.client.post(FEEDBACK, json={"labels": items})

    async def flush(self) -> None:
        assert await self.writer.flush(), self.writer.last_error

    async def count(self, table: type[Prediction] | type[Label] = Prediction) -> int:
        async with self.app.state.runtime.sessionmaker() as session:
            return int(await session.scalar(select(func.count()).select_from(table)) or 0)

    async def predictions(self) -> list[Prediction]:
        async with self.app.state.runtime.sessionmaker() as session:
            return list(await session.scalars(select(Prediction)))

    async def labels(self) -> dict[str, int]:
        async with self.app.state.runtime.sessionmaker() as session:
            return {
                str(row.prediction_id): row.label for row in await session.scalars(select(Label))
            }


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[Api]:
    """An app for `settings` with its lifespan running, and a client over ASGITransport."""
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield Api(application, http)


@pytest.fixture
def serve() -> Callable[[Settings], AbstractAsyncContextManager[Api]]:
    return serving


@pytest.fixture
async def api(registered_settings: Settings) -> AsyncIterator[Api]:
    async with serving(registered_settings) as started:
        yield started


@pytest.fixture
def app(api: Api) -> FastAPI:
    return api.app


@pytest.fixture
def client(api: Api) -> httpx.AsyncClient:
    return api.client
