"""Process state shared by the routes (engine, model, writer) and the Annotated dependencies."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from driftscope.errors import ModelNotFoundError
from driftscope.serving.artifact import LoadedModel
from driftscope.settings import Settings
from driftscope_backend.edge.ratelimit import RateLimiter
from driftscope_backend.live.counters import LiveCounters
from driftscope_backend.live.hub import LiveHub
from driftscope_backend.monitoring.catalog import CatalogCache
from driftscope_backend.prediction.replay import ReplayLookup
from driftscope_backend.prediction.shadow import ShadowScorer
from driftscope_backend.prediction.writer import PredictionWriter
from driftscope_backend.security import KeyStore


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    writer: PredictionWriter
    model: LoadedModel | None = None
    model_error: str | None = None
    live: LiveCounters = field(init=False)  # per model, the default model's always there
    hub: LiveHub = field(default_factory=LiveHub)
    swap_lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one model swap at a time
    rate_limiter: RateLimiter | None = None  # the edge middleware's, for /metrics
    # Canary and shadow (registry/service.py swaps them together with `model`, no await between).
    canary: LoadedModel | None = None
    canary_percent: float = 0.0
    shadow: LoadedModel | None = None
    shadow_scorer: ShadowScorer | None = None  # set by the lifespan; scores for `shadow`
    keys: KeyStore = field(init=False)
    replay: ReplayLookup = field(init=False)  # a retried transaction_id's stored prediction
    catalog: CatalogCache = field(init=False)  # every registered model, for `?model=`

    def __post_init__(self) -> None:
        self.keys = KeyStore.from_settings(self.settings)
        self.replay = ReplayLookup(self.writer, self.sessionmaker, self.engine)
        self.catalog = CatalogCache(self.sessionmaker)
        self.live = LiveCounters(self.settings.model_name)

    def require_model(self) -> LoadedModel:
        if self.model is None:
            raise ModelNotFoundError(
                f"no production model loaded ({self.model_error or 'run: driftscope train'})"
            )
        return self.model


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with get_runtime(request).sessionmaker() as session:
        yield session


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]
# `?model=NAME` on every read endpoint: a model name as the registry spells it (lowercase,
# starts with a letter), so an odd value is a 422 naming `model`, never a query with it.
MODEL_NAME_PATTERN = r"^[a-z][a-z0-9_\-]{0,63}$"
ModelQuery = Annotated[
    str | None,
    Query(
        pattern=MODEL_NAME_PATTERN,
        description="Model name (default: the served model's)",
        examples=["fraud"],
    ),
]
