"""Messages to send to the content model: real held-out mail, mixed by the scenario in force."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import numpy as np

from driftscope.text.traffic import ContentTraffic, Message, mixed_share

log = logging.getLogger(__name__)
CONTENT_PATH = "/api/v1/models/content/predict"


class MessageStream:
    """Each message is drawn from the clean pool, or with the scenario's share from its pool."""

    path = CONTENT_PATH

    def __init__(self, load: Callable[[], ContentTraffic], seed: int | None) -> None:
        self.load = load
        self.traffic: ContentTraffic | None = None
        self.rng = np.random.default_rng(seed)
        self.scenario, self.intensity = "none", 1.0

    @property
    def phase(self) -> str:
        return self.scenario

    def configure(self, scenario: str, intensity: float) -> None:
        self.scenario, self.intensity = scenario, intensity

    async def prepare(self) -> bool:
        """Read the corpora (seconds of parsing: off the event loop); False if unavailable."""
        if self.traffic is None:
            try:
                self.traffic = await asyncio.to_thread(self.load)
            except Exception as exc:  # a missing cache with no network: fraud goes on alone
                log.warning("content stream off: the corpora could not be read (%s)", exc)
                return False
        return True

    def next(self, now: float) -> tuple[dict[str, Any], int]:
        message = self._draw()
        return {"text": message.text}, message.label

    def _draw(self) -> Message:
        assert self.traffic is not None, "prepare() first"
        share = mixed_share(self.scenario, self.intensity)
        pool = self.traffic.pool(self.scenario if self.rng.random() < share else "none")
        return pool[int(self.rng.integers(len(pool)))]
