"""The registry's models as the read routes see them, cached: no registry query per request.

Re-read at most every `REFRESH_S`, and at the next request after the event tail saw a `model`
event (a model registered, promoted, rolled back). A burst of requests on a stale cache reads
the registry once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from driftscope.catalog import CatalogEntry, model_catalog
from driftscope.errors import UnknownModelError
from driftscope.spec import ModelSpec, shipped_spec

REFRESH_S = 5.0


class CatalogCache:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        refresh_s: float = REFRESH_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.refresh_s = refresh_s
        self.clock = clock
        self.reads = 0  # registry reads so far (tests count them)
        self._models: dict[str, CatalogEntry] = {}
        self._read_at: float | None = None
        self._changes = 0  # registry changes heard of: one during a read makes that read stale
        self._lock = asyncio.Lock()

    def invalidate(self) -> None:
        """The registry changed: the next request reads it again."""
        self._read_at = None
        self._changes += 1

    def _fresh(self) -> bool:
        return self._read_at is not None and self.clock() - self._read_at < self.refresh_s

    async def models(self) -> dict[str, CatalogEntry]:
        if not self._fresh():
            async with self._lock:
                if not self._fresh():  # another request refreshed it while this one waited
                    read_at, changes = self.clock(), self._changes
                    async with self.sessionmaker() as session:
                        self._models = await model_catalog(session)
                    self.reads += 1
                    if changes == self._changes:
                        self._read_at = read_at
        return self._models

    async def spec(self, name: str) -> ModelSpec:
        """The spec of model `name` (production's, else its newest version's); a built-in model
        not trained yet has its shipped spec. Unknown → UnknownModelError (404)."""
        entry = (await self.models()).get(name)
        spec = entry.spec if entry is not None else shipped_spec(name)
        if spec is None:
            raise UnknownModelError(name)
        return spec
