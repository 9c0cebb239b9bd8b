"""Migration 0005: predictions.score and .decision nullable (an external model's logged rows)."""

from __future__ import annotations

import uuid

import sqlalchemy
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from driftscope.db import Prediction, upgrade, utcnow
from driftscope.db.migrate import current_revision, downgrade
from driftscope.testing import predictions_before_0008


def row(score: float | None, decision: bool | None) -> dict[str, object]:
    return {
        "id": uuid.uuid4(),
        "model_name": "flights",
        "model_version": 1,
        "ts": utcnow(),
        "features": {"stops": 1},
        "score": score,
        "decision": decision,
        "threshold": 0.5,
        "path": "external",
        "variant": "production",
        "latency_us": 0,
    }


async def nullable_columns(engine: AsyncEngine) -> dict[str, bool]:
    def _columns(connection: Connection) -> dict[str, bool]:
        columns = sqlalchemy.inspect(connection).get_columns("predictions")
        return {c["name"]: c["nullable"] for c in columns if c["name"] in ("score", "decision")}

    async with engine.connect() as conn:
        return await conn.run_sync(_columns)


async def stored_scores(engine: AsyncEngine) -> list[tuple[float | None, bool | None]]:
    predictions = predictions_before_0008()  # the columns every revision here has
    async with engine.connect() as conn:
        result = await conn.execute(sqlalchemy.select(predictions.c.score, predictions.c.decision))
        return sorted(map(tuple, result.all()), key=repr)


async def test_upgrade_makes_score_and_decision_nullable(engine: AsyncEngine) -> None:
    await upgrade(engine, "0004")
    assert await nullable_columns(engine) == {"score": False, "decision": False}

    await upgrade(engine, "0005")

    assert await current_revision(engine) == "0005"
    assert await nullable_columns(engine) == {"score": True, "decision": True}
    async with engine.begin() as conn:
        rows = [row(None, None), row(0.7, True)]
        await conn.execute(sqlalchemy.insert(predictions_before_0008()), rows)
    assert await stored_scores(engine) == [(0.7, True), (None, None)]


async def test_downgrade_drops_rows_without_score_or_decision_and_restores_not_null(
    engine: AsyncEngine,
) -> None:
    await upgrade(engine)
    async with engine.begin() as conn:
        rows = [row(None, None), row(0.4, None), row(0.9, True), row(0.1, False)]
        await conn.execute(sqlalchemy.insert(Prediction), rows)

    await downgrade(engine, "0004")

    assert await current_revision(engine) == "0004"
    assert await nullable_columns(engine) == {"score": False, "decision": False}
    assert await stored_scores(engine) == [(0.1, False), (0.9, True)]
