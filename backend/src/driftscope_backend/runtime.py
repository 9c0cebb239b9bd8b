"""Process state shared by the routes (engine, model, writer) and the Annotated dependencies."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from driftscope.errors import ModelNotFoundError, UnknownModelError, WrongModelKindError
from driftscope.serving.artifact import LoadedModel
from driftscope.settings import Settings
from driftscope_backend.edge.ratelimit import RateLimiter
from driftscope_backend.live.counters import LiveCounters
from driftscope_backend.live.hub import LiveHub
from driftscope_backend.monitoring.catalog import CatalogCache
from driftscope_backend.prediction.replay import ReplayLookup
from driftscope_backend.prediction.shadow import ShadowScorer
from driftscope_backend.prediction.state import ModelState
from driftscope_backend.prediction.writer import PredictionWriter
from driftscope_backend.security import KeyStore


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    writer: PredictionWriter
    # Every registered model's serving state by name; registry/service.py replaces one entry
    # at a time with a new immutable ModelState (one reference: never half a swap).
    serving: dict[str, ModelState] = field(default_factory=dict)
    live: LiveCounters = field(init=False)  # per model, the default model's always there
    hub: LiveHub = field(default_factory=LiveHub)
    swap_lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one model swap at a time
    rate_limiter: RateLimiter | None = None  # the edge middleware's, for /metrics
    shadow_scorer: ShadowScorer | None = None  # set by the lifespan; scores for every shadow
    keys: KeyStore = field(init=False)
    replay: ReplayLookup = field(init=False)  # a retried transaction_id's stored prediction
    default_name: str = field(init=False)  # settings.model_name, read on every /predict
    catalog: CatalogCache = field(init=False)  # every registered model, for `?model=`

    def __post_init__(self) -> None:
        self.default_name = self.settings.model_name
        self.keys = KeyStore.from_settings(self.settings)
        self.replay = ReplayLookup(self.writer, self.sessionmaker, self.engine)
        self.catalog = CatalogCache(self.sessionmaker)
        self.live = LiveCounters(self.settings.model_name)

    # -- the default model (settings.model_name): today's /predict, /schema, /models ---------

    @property
    def default(self) -> ModelState:
        return self.serving.get(self.default_name) or ModelState(self.default_name)

    @property
    def model(self) -> LoadedModel | None:
        return self.default.production

    @property
    def model_error(self) -> str | None:
        state = self.default
        if state.error is None and state.production is None and not state.external:
            return (
                f"no '{state.name}' model registered with alias production (run: driftscope train)"
            )
        return state.error

    @property
    def canary(self) -> LoadedModel | None:
        return self.default.canary

    @property
    def canary_percent(self) -> float:
        return self.default.canary_percent

    @property
    def shadow(self) -> LoadedModel | None:
        return self.default.shadow

    def require_default(self) -> ModelState:
        """The default model's state, ready to score (today's /predict errors otherwise)."""
        state = self.serving.get(self.default_name)
        if state is not None and state.production is not None:
            return state
        if state is not None and state.external:
            raise WrongModelKindError(self.default_name, external=True)
        raise ModelNotFoundError(f"no production model loaded ({self.model_error})")

    def require_model(self) -> LoadedModel:
        return self.require_default().require()

    def state_of(self, name: str) -> ModelState:
        """A model's serving state; UnknownModelError when the registry has never seen it."""
        state = self.serving.get(name)
        if state is None:
            raise UnknownModelError(name[:64])
        return state


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
# `{name}` of the per-model routes, as documented (the routes check it against the registry).
MODEL_NAME_PARAMETER: dict[str, Any] = {
    "name": "name",
    "in": "path",
    "required": True,
    "description": "Model name (`GET /api/v1/models/{name}` lists its versions)",
    "schema": {"type": "string", "pattern": MODEL_NAME_PATTERN},
    "example": "fraud",
}
ModelQuery = Annotated[
    str | None,
    Query(
        pattern=MODEL_NAME_PATTERN,
        description="Model name (default: the served model's)",
        examples=["fraud"],
    ),
]
