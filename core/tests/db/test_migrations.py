"""Migrations from an empty database, on SQLite and (with DATABASE_URL) PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from driftscope.db import Base, ModelVersion, upgrade
from driftscope.db.migrate import alembic_config, current_revision

TABLES = {
    "model_versions",
    "model_aliases",
    "reference_profiles",
    "predictions",
    "labels",
    "drift_reports",
    "performance_snapshots",
    "alerts",
    "events",
}
INDEXES = {
    "predictions": {
        "ix_predictions_ts": ["ts"],
        "ix_predictions_model_version_ts": ["model_name", "model_version", "ts"],
        "ix_predictions_unkept_ts": ["ts"],  # partial: WHERE NOT kept
    },
    "labels": {"ix_labels_ts": ["ts"]},
    "alerts": {"ix_alerts_status": ["model_name", "status"]},
    "events": {"ix_events_ts": ["ts"]},
}
UNIQUE = {
    "model_versions": {"uq_model_versions_name_version": ["model_name", "version"]},
    "reference_profiles": {"uq_reference_profiles_version": ["model_name", "model_version"]},
    "predictions": {"uq_predictions_transaction": ["model_name", "transaction_id"]},
    "drift_reports": {
        "uq_drift_reports_window": ["model_name", "model_version", "window_end"],
    },
    "performance_snapshots": {
        "uq_performance_snapshots_window": ["model_name", "model_version", "window_end"],
    },
}
PRIMARY_KEYS = {"model_aliases": ["model_name", "alias"], "labels": ["prediction_id"]}
# On PostgreSQL the partitioned log has no table-wide key: its keys are unique per day
# partition (driftscope.db.partitions; checked in test_partitions.py).
PARTITIONED_KEYS = {
    "unique": {"predictions": {}},
    "primary_keys": {"predictions": [], "labels": []},
}
VERSION_ROW = {
    "model_name": "fraud",
    "version": 1,
    "kind": "xgboost",
    "artifact_path": "/models/fraud/v1",
    "sha256": "a" * 64,
    "metrics": {"test": {"roc_auc": 0.92}},
    "threshold": 0.2,
}


def partitions(connection: Connection) -> set[str]:
    """Day and default partitions (PostgreSQL): tables of the database, not of the models."""
    if connection.dialect.name != "postgresql":
        return set()
    return set(
        connection.exec_driver_sql("SELECT relname FROM pg_class WHERE relispartition").scalars()
    )


def describe_schema(connection: Connection) -> dict[str, Any]:
    inspector = sqlalchemy.inspect(connection)
    tables = set(inspector.get_table_names()) - partitions(connection)
    return {
        "tables": tables,
        # PostgreSQL also lists the index behind each unique constraint: leave those out.
        "indexes": {
            table: {
                ix["name"]: ix["column_names"]
                for ix in inspector.get_indexes(table)
                if not ix["unique"]
            }
            for table in tables
        },
        "unique": {
            table: {
                uq["name"]: uq["column_names"] for uq in inspector.get_unique_constraints(table)
            }
            for table in tables
        },
        "primary_keys": {
            table: inspector.get_pk_constraint(table)["constrained_columns"] for table in tables
        },
    }


async def schema_of(engine: AsyncEngine) -> dict[str, Any]:
    async with engine.connect() as conn:
        return await conn.run_sync(describe_schema)


def head_revision(engine: AsyncEngine) -> str | None:
    url = engine.url.render_as_string(hide_password=False)
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


async def test_upgrade_from_empty_creates_every_table(engine: AsyncEngine) -> None:
    assert (await schema_of(engine))["tables"] == set()
    await upgrade(engine)
    tables = (await schema_of(engine))["tables"]
    assert tables >= TABLES
    assert tables == {*Base.metadata.tables, "alembic_version"}
    assert await current_revision(engine) == head_revision(engine)


async def test_indexes_unique_constraints_and_primary_keys(engine: AsyncEngine) -> None:
    await upgrade(engine)
    schema = await schema_of(engine)
    partitioned = PARTITIONED_KEYS if engine.dialect.name == "postgresql" else {}
    unique = {**UNIQUE, **partitioned.get("unique", {})}
    primary_keys = {**PRIMARY_KEYS, **partitioned.get("primary_keys", {})}
    for table in TABLES:
        assert schema["indexes"][table] == INDEXES.get(table, {}), table
        assert schema["unique"][table] == unique.get(table, {}), table
        assert schema["primary_keys"][table] == primary_keys.get(table, ["id"]), table


async def test_migrated_schema_matches_the_table_models(engine: AsyncEngine) -> None:
    await upgrade(engine)

    def differences(connection: Connection) -> list[Any]:
        skipped = partitions(connection)
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_name": lambda name, kind, _: kind != "table" or name not in skipped,
            },
        )
        return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as conn:
        found = await conn.run_sync(differences)
    if engine.dialect.name == "postgresql":  # the transaction key is unique per partition
        found = [d for d in found if _constraint_name(d) != "uq_predictions_transaction"]
    assert found == []


def _constraint_name(difference: Any) -> str | None:
    return getattr(difference[1], "name", None) if isinstance(difference, tuple) else None


async def test_upgrade_twice_is_a_no_op(engine: AsyncEngine) -> None:
    await upgrade(engine)
    async with engine.begin() as conn:
        await conn.execute(sqlalchemy.insert(ModelVersion), [VERSION_ROW])
    before = await schema_of(engine)

    await upgrade(engine)

    assert await schema_of(engine) == before
    assert await current_revision(engine) == head_revision(engine)
    async with engine.connect() as conn:
        stored = (await conn.execute(sqlalchemy.select(ModelVersion.metrics))).scalars().all()
    assert stored == [{"test": {"roc_auc": 0.92}}]


async def test_unique_constraint_is_enforced(engine: AsyncEngine) -> None:
    await upgrade(engine)
    async with engine.begin() as conn:
        await conn.execute(sqlalchemy.insert(ModelVersion), [VERSION_ROW])
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(
                sqlalchemy.insert(ModelVersion), [{**VERSION_ROW, "sha256": "b" * 64}]
            )


async def test_replicas_migrating_at_once_do_not_collide(engine: AsyncEngine) -> None:
    """Backends, worker and an init job may all start on an empty database together."""
    import asyncio

    from driftscope.db import create_engine

    url = engine.url.render_as_string(hide_password=False)
    replicas = [create_engine(url) for _ in range(3)]
    try:
        await asyncio.gather(*(upgrade(e) for e in replicas))
    finally:
        for replica in replicas:
            await replica.dispose()
    assert await current_revision(engine) == head_revision(engine)
