"""Worker test fixtures: a context with a movable clock, and logged predictions for a window.

- `clock`: a FakeClock starting at an aligned minute (`T0`).
- `ctx`: a WorkerContext via `scheduler.make_context` on `registered_settings` (60 s interval
  and window, K = M = 2), with `clock` and a notifier that records pages instead of posting.
- `harness`: that context plus helpers: `log` rows into `predictions` as the backend's writer
  would (features from generator rows, scores from the session model), `log_scored` for the
  rows of any model with given scores, `count_logged` into window counts, `take_results`, `count`, `all`.
- `flights_model`: the flights model of driftscope.testing.user_model registered beside fraud
  (production v1), as a LoggedModel for `log_scored`.
- `content_model`: the session's content model (driftscope.testing.content_model) registered
  beside fraud, as a LoggedModel whose columns are the text and its descriptors.
- `session_factory`: a sessionmaker on a freshly migrated `database_url` (no model).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from driftscope.contract import FRAUD_CONTRACT
from driftscope.db import (
    DriftReport,
    PerformanceSnapshot,
    Prediction,
    ReferenceProfile,
    WindowCount,
    create_engine,
    make_sessionmaker,
    upgrade,
)
from driftscope.generator import generate_frame
from driftscope.serving.artifact import LoadedModel, load_model
from driftscope.settings import Settings
from driftscope.testing import TrainedArtifact, prediction_row
from driftscope.testing.content_model import ContentArtifact, register_content
from driftscope.testing.user_model import FLIGHTS_TARGET, flights, train_flights
from driftscope.window_counts import bucket_of, count_window
from driftscope_worker.context import WorkerContext
from driftscope_worker.notify import RecordingNotifier
from driftscope_worker.scheduler import make_context

T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)  # a multiple of the 60 s interval
INTERVAL = timedelta(seconds=60)


@dataclass
class FakeClock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def ctx(registered_settings: Settings, clock: FakeClock) -> AsyncIterator[WorkerContext]:
    settings = registered_settings.model_copy(
        update={
            "monitor_interval_s": 60.0,
            "window_s": 60.0,
            "alert_consecutive_windows": 2,
            "alert_resolve_windows": 2,
        }
    )
    context = make_context(settings)
    context.clock = clock
    context.notifier = RecordingNotifier()
    try:
        yield context
    finally:
        await context.engine.dispose()


@pytest.fixture(scope="session")
def served_model(trained_model: TrainedArtifact) -> LoadedModel:
    return load_model(trained_model.directory, trained_model.sha256)


def records(frame: pd.DataFrame, names: list[str] | None = None) -> list[dict[str, Any]]:
    """Contract columns (default: the fraud model's) as JSON-ready dicts: Python scalars,
    missing as None."""
    columns = frame[names or FRAUD_CONTRACT.names].astype(object)
    return columns.where(columns.notna(), None).to_dict("records")  # type: ignore[return-value]


@dataclass(frozen=True)
class LoggedModel:
    """Whose predictions a test logs: the model's name, feature columns and threshold."""

    name: str
    names: list[str]
    threshold: float


@dataclass
class Harness:
    """The worker context under test and the calls most worker tests make against it."""

    ctx: WorkerContext
    clock: FakeClock
    model: LoadedModel

    @property
    def notifier(self) -> RecordingNotifier:
        assert isinstance(self.ctx.notifier, RecordingNotifier)
        return self.ctx.notifier

    @staticmethod
    def transactions(n: int, seed: int, *, amount_shift: float = 1.0) -> pd.DataFrame:
        """Generator rows; with `amount_shift`, card averages ×shift and the ratio recomputed
        as the generator derives it (values stay inside the contract's ranges)."""
        frame = generate_frame(n, seed=seed)
        if amount_shift != 1.0:
            frame["avg_amount_30d"] = (frame["avg_amount_30d"] * amount_shift).round(2)
            frame["amount_to_avg_ratio"] = (frame["amount"] / frame["avg_amount_30d"]).round(4)
        return frame

    def configure(self, **updates: Any) -> None:
        self.ctx.settings = self.ctx.settings.model_copy(update=updates)

    async def log(self, frame: pd.DataFrame, end: datetime, *, version: int = 1) -> list[uuid.UUID]:
        """Log `frame` as fraud predictions scored by the session model, spread over the window
        [end − 60 s, end)."""
        scores = self.model.probability(FRAUD_CONTRACT.encode_columns(frame))
        fraud = LoggedModel("fraud", FRAUD_CONTRACT.names, self.model.threshold)
        return await self.log_scored(fraud, frame, scores, end, version=version)

    async def log_scored(
        self,
        model: LoggedModel,
        frame: pd.DataFrame,
        scores: Sequence[float],
        end: datetime,
        *,
        version: int = 1,
    ) -> list[uuid.UUID]:
        """Log `frame` with `scores` as predictions of `model`, spread over [end − 60 s, end)."""
        offsets = np.linspace(0.0, 59.0, len(frame))
        ids = [uuid.uuid4() for _ in range(len(frame))]
        rows = [
            {
                **prediction_row(
                    features, score, model.threshold, ts, version=version, model_name=model.name
                ),
                "id": pid,
            }
            for pid, ts, features, score in zip(
                ids,
                (end - INTERVAL + timedelta(seconds=float(o)) for o in offsets),
                records(frame, model.names),
                scores,
                strict=True,
            )
        ]
        if rows:
            async with self.ctx.sessionmaker() as session, session.begin():
                await session.execute(insert(Prediction), rows)
        return ids

    async def count_logged(self, flushes: int = 1) -> list[dict[str, Any]]:
        """Count the logged fraud rows into window_counts as a backend would: `flushes` rows
        per bucket (its rows dealt out among them, as that many flushes would count them);
        returns the counts rows written."""
        made: list[dict[str, Any]] = []
        async with self.ctx.sessionmaker() as session, session.begin():
            profile = await session.scalar(select(ReferenceProfile.profile))
            assert profile is not None
            groups: dict[Any, list[Prediction]] = defaultdict(list)
            for row in await session.scalars(select(Prediction).order_by(Prediction.ts)):
                groups[row.model_version, row.variant, row.source, bucket_of(row.ts)].append(row)
            names = list(profile["features"])
            for (version, variant, source, bucket), group in groups.items():
                for part in range(flushes):
                    flush = group[part::flushes]
                    columns = {n: [r.features.get(n) for r in flush] for n in names}
                    doc = count_window(
                        profile, columns, [r.score for r in flush], [r.threshold for r in flush]
                    )
                    made.append(
                        {
                            "model_name": "fraud",
                            "model_version": version,
                            "variant": variant,
                            "id": uuid.uuid4(),
                            "source": source,
                            "bucket": bucket,
                            "n": doc["n"],
                            "counts": doc,
                        }
                    )
            await session.execute(insert(WindowCount), made)
        return made

    async def take_results(self) -> tuple[DriftReport, PerformanceSnapshot]:
        """The one drift report and performance snapshot written, deleted so that the same
        window can be computed again."""
        (report,) = await self.all(DriftReport)
        (snapshot,) = await self.all(PerformanceSnapshot)
        async with self.ctx.sessionmaker() as session, session.begin():
            await session.execute(delete(DriftReport))
            await session.execute(delete(PerformanceSnapshot))
        return report, snapshot

    async def count(self, table: Any, *where: Any) -> int:
        async with self.ctx.sessionmaker() as session:
            query = select(func.count()).select_from(table).where(*where)
            return int(await session.scalar(query) or 0)

    async def all(self, table: Any, *order_by: Any) -> list[Any]:
        async with self.ctx.sessionmaker() as session:
            return list(await session.scalars(select(table).order_by(*order_by)))


@pytest.fixture
def harness(ctx: WorkerContext, clock: FakeClock, served_model: LoadedModel) -> Harness:
    return Harness(ctx, clock, served_model)


@pytest.fixture
async def flights_model(harness: Harness) -> LoggedModel:
    """The flights model trained and registered (production v1) beside fraud."""
    result = await train_flights(harness.ctx.settings)
    spec_names = [c for c in flights(1).columns if c != FLIGHTS_TARGET]
    return LoggedModel("flights", spec_names, result.threshold)


@pytest.fixture
async def content_model(harness: Harness, trained_content: ContentArtifact) -> LoggedModel:
    """The session's content model registered (production v1) beside fraud; it logs its text
    and the text's descriptors."""
    await register_content(harness.ctx.settings, trained_content)
    names = ["text", *trained_content.trained.profile["features"]]
    return LoggedModel("content", names, trained_content.trained.threshold)


@pytest.fixture
async def session_factory(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url)
    await upgrade(engine)
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()
