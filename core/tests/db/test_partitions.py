"""The partitioned prediction log (migration 0007): rows kept, days routed, keys unique per day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy
from sqlalchemy.ext.asyncio import AsyncEngine

from driftscope.db import Label, Prediction, upgrade
from driftscope.db.bulk import BulkInsert
from driftscope.db.migrate import downgrade
from driftscope.db.partitions import create_partitions_ahead, day_partition, default_partition
from driftscope.ids import uuid7
from driftscope.testing import predictions_before_0008

NOW = datetime.now(UTC).replace(microsecond=0)
# today, yesterday, long ago (no partition: DEFAULT), an odd future timestamp (DEFAULT)
AGES = {"today": NOW, "yesterday": NOW - timedelta(days=1)}
ODD = {"long_ago": NOW - timedelta(days=800), "future": datetime(2099, 1, 1, tzinfo=UTC)}


def prediction(ts: datetime, transaction_id: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "id": uuid7(),
        "model_name": "fraud",
        "model_version": 1,
        "ts": ts,
        "transaction_id": transaction_id,
        "features": {"amount": 12.5, "channel": "online"},
        "score": 0.25,
        "decision": False,
        "threshold": 0.5,
        "path": "model",
        "variant": "production",
        "latency_us": 10,
        "request_id": None,
        "source": "online",
        **extra,
    }


async def insert(engine: AsyncEngine, rows: list[dict[str, Any]], table: Any = None) -> None:
    """As the writer inserts: one INSERT … ON CONFLICT DO NOTHING (bulk.BulkInsert)."""
    bulk = BulkInsert(Prediction.__table__ if table is None else table, engine.dialect)  # type: ignore[arg-type]
    async with engine.begin() as conn:
        for sql, params in bulk.statements(rows):
            await conn.exec_driver_sql(sql, params)


async def stored(engine: AsyncEngine, table: Any, key: Any) -> dict[Any, Any]:
    async with engine.connect() as conn:
        return {row[0]: row for row in await conn.execute(sqlalchemy.select(key, table))}


async def count(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(
            await conn.scalar(sqlalchemy.select(sqlalchemy.func.count()).select_from(Prediction))
            or 0
        )


async def partition_of(engine: AsyncEngine, table: str, key: str, value: Any) -> str:
    async with engine.connect() as conn:
        return str(
            await conn.scalar(
                sqlalchemy.text(f"SELECT tableoid::regclass::text FROM {table} WHERE {key} = :v"),
                {"v": value},
            )
        )


async def test_upgrade_from_a_populated_0005_database_keeps_every_row(engine: AsyncEngine) -> None:
    await upgrade(engine, "0005")
    rows = [prediction(ts, f"t-{name}") for name, ts in {**AGES, **ODD}.items()]
    predictions = predictions_before_0008()  # read back without the column 0008 adds
    await insert(engine, rows, predictions)
    labels = [
        {"prediction_id": r["id"], "model_name": "fraud", "label": 1, "ts": r["ts"]} for r in rows
    ]
    async with engine.begin() as conn:
        await conn.execute(sqlalchemy.insert(Label), labels)
    before = await stored(engine, predictions, predictions.c.id)
    labels_before = await stored(engine, Label, Label.prediction_id)

    await upgrade(engine)

    assert await stored(engine, predictions, predictions.c.id) == before
    assert await stored(engine, Label, Label.prediction_id) == labels_before
    if engine.dialect.name == "postgresql":
        where = {
            r["transaction_id"]: await partition_of(engine, "predictions", "id", r["id"])
            for r in rows
        }
        assert where == {
            "t-today": day_partition("predictions", NOW.date()),
            "t-yesterday": day_partition("predictions", AGES["yesterday"].date()),
            "t-long_ago": default_partition("predictions"),
            "t-future": default_partition("predictions"),
        }
        today_label = await partition_of(engine, "labels", "prediction_id", rows[0]["id"])
        assert today_label == day_partition("labels", NOW.date())

    await downgrade(engine, "0005")  # and back, rows still all there
    assert await stored(engine, predictions, predictions.c.id) == before
    assert await stored(engine, Label, Label.prediction_id) == labels_before


async def test_a_retried_insert_is_skipped_and_the_transaction_key_is_unique_per_day(
    engine: AsyncEngine,
) -> None:
    await upgrade(engine)
    first = prediction(NOW, "t-1")
    await insert(engine, [first])
    await insert(engine, [first])  # the same rows again (a retried flush)
    await insert(engine, [prediction(NOW + timedelta(seconds=1), "t-1")])  # a retry, same day
    await insert(
        engine, [prediction(NOW - timedelta(seconds=1), other_id := "t-2", id=first["id"])]
    )
    assert list(await stored(engine, Prediction, Prediction.id)) == [first["id"]], other_id
    assert await count(engine) == 1  # the same id on the same day: skipped too

    # A retry a day later: a different partition, so it is stored again on PostgreSQL (the
    # documented trade-off of per-day keys); SQLite's keys are table-wide.
    await insert(engine, [prediction(NOW - timedelta(days=1), "t-1", id=first["id"])])
    expected = 2 if engine.dialect.name == "postgresql" else 1
    assert await count(engine) == expected


async def test_a_new_day_partition_takes_its_rows_out_of_the_default_partition(
    engine: AsyncEngine,
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("partitions are PostgreSQL's")
    await upgrade(engine)
    day = date(2030, 6, 1)
    early = prediction(datetime(2030, 6, 1, 8, tzinfo=UTC))
    await insert(engine, [early])
    assert await partition_of(engine, "predictions", "id", early["id"]) == "predictions_default"

    async with engine.begin() as conn:
        await create_partitions_ahead(conn, day, ahead=1)
        await create_partitions_ahead(conn, day, ahead=1)  # idempotent

    assert await partition_of(engine, "predictions", "id", early["id"]) == "predictions_p20300601"
    late = prediction(datetime(2030, 6, 2, 23, 59, tzinfo=UTC))
    await insert(engine, [late, early])  # `early` again: still unique within its day
    assert await partition_of(engine, "predictions", "id", late["id"]) == "predictions_p20300602"
    assert await count(engine) == 2
