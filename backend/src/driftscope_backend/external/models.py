"""External models by name: production version, spec and body validators, cached.

/log must not query the registry per request: each name's answer (an external model, or why
there is none) is kept and refreshed in the background once it is older than `refresh_s`,
while requests go on with the answer they have (a promotion or re-registration is seen within
seconds, like the served models' alias check); after a quiet spell the refresh comes first.
Validators are rebuilt only when the version changes.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from driftscope import registry
from driftscope.errors import (
    DriftscopeError,
    ModelNotServedError,
    UnknownModelError,
    WrongModelKindError,
)
from driftscope.spec import ModelSpec, shipped_spec
from driftscope.spec.model import MODEL_NAME
from driftscope_backend.external.schemas import log_adapters

log = logging.getLogger(__name__)
REFRESH_S = 2.0
# An answer older than REFRESH_S * IDLE_FACTOR (no traffic kept it fresh) is refreshed before
# use rather than after: a model re-registered while nobody logged is never answered stale.
IDLE_FACTOR = 3
MAX_NAMES = 1_000  # answers kept; a flood of made-up names only empties the cache


@dataclass(frozen=True)
class ExternalModel:
    name: str
    version: int
    threshold: float
    spec: ModelSpec
    one: TypeAdapter[Any]  # validates a single /log item
    many: TypeAdapter[list[Any]]  # validates a list of 1–1000 items

    @property
    def positive(self) -> str:
        return self.spec.positive


# A cached answer: the model, or how to raise why there is none (a fresh exception each time).
Answer = ExternalModel | Callable[[], DriftscopeError]


class ExternalModels:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        retention_days: float,
        refresh_s: float = REFRESH_S,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.retention_days = retention_days
        self.refresh_s = refresh_s
        self._answers: dict[str, tuple[float, Answer]] = {}
        self._refreshing: dict[str, asyncio.Task[None]] = {}

    async def get(self, name: str) -> ExternalModel:
        """The external model `name`; UnknownModelError, ModelNotServedError or
        WrongModelKindError (a served model) when there is none."""
        cached = self._answers.get(name)
        age = math.inf if cached is None else time.monotonic() - cached[0]
        if cached is None or age > self.refresh_s * IDLE_FACTOR:
            if not MODEL_NAME.fullmatch(name):
                raise UnknownModelError(name)  # no registry name looks like this: no query
            answer = await self._refresh(name)  # first use, or after a quiet spell: wait
        else:
            answer = cached[1]
            if age > self.refresh_s and name not in self._refreshing:
                task = asyncio.create_task(self._refresh_quietly(name), name=f"external-{name}")
                self._refreshing[name] = task
        if isinstance(answer, ExternalModel):
            return answer
        raise answer()

    async def _refresh_quietly(self, name: str) -> None:
        try:
            await self._refresh(name)
        except Exception as exc:  # database down: keep the answer we have, retry later
            log.warning("refreshing external model %s failed: %s", name, exc)
        finally:
            self._refreshing.pop(name, None)

    async def _refresh(self, name: str) -> Answer:
        async with self.sessionmaker() as session:
            answer = await self._resolve(session, name)
        if len(self._answers) >= MAX_NAMES and name not in self._answers:
            self._answers.clear()
        self._answers[name] = (time.monotonic(), answer)
        return answer

    async def _resolve(self, session: AsyncSession, name: str) -> Answer:
        if shipped_spec(name) is not None:  # a built-in model is served here, trained or not
            return lambda: WrongModelKindError(name, external=False)
        production = await registry.resolve(session, name)
        if production is None:
            if await registry.next_version(session, name) == 1:
                return lambda: UnknownModelError(name)
            return lambda: ModelNotServedError(f"model '{name}' has no production version")
        if not registry.is_external(production):
            return lambda: WrongModelKindError(name, external=False)
        known = self._answers.get(name, (0.0, None))[1]
        if isinstance(known, ExternalModel) and known.version == production.version:
            return known  # unchanged: keep the validators already built
        spec = await registry.load_spec(session, name, production.version)
        one, many = log_adapters(spec, self.retention_days)
        return ExternalModel(name, production.version, production.threshold, spec, one, many)
