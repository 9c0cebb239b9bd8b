"""What every job needs: settings, database, notifier, and a clock tests can move."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from driftscope.db import utcnow
from driftscope.settings import Settings
from driftscope_worker.bucket_sums import BucketSums
from driftscope_worker.notify import WebhookNotifier


@dataclass
class WorkerContext:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    notifier: WebhookNotifier
    clock: Callable[[], datetime] = utcnow
    profiles: dict[tuple[str, int], dict[str, Any]] = field(
        default_factory=dict
    )  # cache by version
    counts: BucketSums = field(default_factory=BucketSums)  # window counts summed per bucket
    retraining: bool = False  # an auto_retrain run is training: at most one at a time
