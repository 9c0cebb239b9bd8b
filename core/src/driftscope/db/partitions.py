"""PostgreSQL day partitions of the prediction log: created ahead, dropped whole by retention.

`predictions` and `labels` are `PARTITION BY RANGE (ts)` on PostgreSQL (migration 0007), one
partition a UTC day plus a DEFAULT partition for rows no day partition takes (late or odd
timestamps). A partitioned table's unique index must contain the partition key, and a key
that contains `ts` no longer catches a retry stamped a moment later: so each unique key is
an index of every partition instead, unique per day (docs/SCALING.md). SQLite has none of it.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

# table → its unique keys, each enforced per partition (INSERT … ON CONFLICT DO NOTHING and
# COPY both check them: a retry on the same day is skipped or refused)
UNIQUE_PER_PARTITION: dict[str, tuple[tuple[str, ...], ...]] = {
    "predictions": (("id",), ("model_name", "transaction_id")),
    "labels": (("prediction_id",),),
}
# Each table's indexes on the partitioned parent (PostgreSQL creates them on every partition).
PARENT_INDEXES: dict[str, dict[str, tuple[str, ...]]] = {
    "predictions": {
        "ix_predictions_ts": ("ts",),
        "ix_predictions_model_version_ts": ("model_name", "model_version", "ts"),
    },
    "labels": {"ix_labels_ts": ("ts",)},
}
PARTITIONED = tuple(UNIQUE_PER_PARTITION)
DAYS_AHEAD = 3  # partitions created for today and this many days after
# Dropping a partition waits for an ACCESS EXCLUSIVE lock on the parent; while it waits, new
# inserts queue behind it. Give up quickly instead: the next retention run tries again.
DROP_LOCK_TIMEOUT = "2s"


def day_partition(table: str, day: date) -> str:
    return f"{table}_p{day:%Y%m%d}"


def default_partition(table: str) -> str:
    return f"{table}_default"


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def unique_indexes_sql(table: str, partition: str) -> list[str]:
    return [
        f"CREATE UNIQUE INDEX IF NOT EXISTS {partition}_{'_'.join(key)}_key "
        f"ON {partition} ({', '.join(key)})"
        for key in UNIQUE_PER_PARTITION[table]
    ]


def default_partition_sql(table: str) -> list[str]:
    partition = default_partition(table)
    return [
        f"CREATE TABLE IF NOT EXISTS {partition} PARTITION OF {table} DEFAULT",
        *unique_indexes_sql(table, partition),
    ]


def day_partition_sql(table: str, day: date) -> str:
    """One idempotent statement creating `table`'s partition of `day` (a no-op when it exists
    or when `table` is not partitioned). Rows of that day already in the DEFAULT partition
    move into it: a partition cannot be added while the default holds rows of its range."""
    name, default = day_partition(table, day), default_partition(table)
    low, high = day_start(day).isoformat(), day_start(day + timedelta(days=1)).isoformat()
    indexes = "".join(f"    {sql};\n" for sql in unique_indexes_sql(table, name))
    return f"""DO $$
BEGIN
  IF to_regclass('{name}') IS NULL AND EXISTS (
      SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass('{table}')) THEN
    CREATE TABLE {name} (LIKE {table} INCLUDING DEFAULTS);
    IF to_regclass('{default}') IS NOT NULL THEN
      LOCK TABLE {default} IN ACCESS EXCLUSIVE MODE;
      WITH moved AS (
        DELETE FROM {default} WHERE ts >= '{low}' AND ts < '{high}' RETURNING *
      ) INSERT INTO {name} SELECT * FROM moved;
    END IF;
{indexes}    ALTER TABLE {table} ATTACH PARTITION {name} FOR VALUES FROM ('{low}') TO ('{high}');
  END IF;
END $$"""


def days_ahead(today: date, ahead: int = DAYS_AHEAD) -> list[date]:
    return [today + timedelta(days=n) for n in range(ahead + 1)]


async def create_partitions_ahead(
    conn: AsyncConnection, today: date, ahead: int = DAYS_AHEAD
) -> None:
    """Partitions of `today` and `ahead` days after, for every partitioned table (idempotent;
    nothing on SQLite or on a database not yet at migration 0007)."""
    if conn.dialect.name != "postgresql":
        return
    for table in PARTITIONED:
        for day in days_ahead(today, ahead):
            await conn.exec_driver_sql(day_partition_sql(table, day))


async def is_partitioned(conn: AsyncConnection, table: str) -> bool:
    if conn.dialect.name != "postgresql":
        return False
    found = await conn.scalar(
        text("SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(:t)"), {"t": table}
    )
    return found is not None


async def day_partitions(conn: AsyncConnection, table: str) -> dict[str, date]:
    """`table`'s day partitions by name → their day (the DEFAULT partition is not one)."""
    rows = await conn.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(:t)"
        ),
        {"t": table},
    )
    pattern = re.compile(rf"{re.escape(table)}_p(\d{{8}})")
    days = {}
    for (name,) in rows:
        if match := pattern.fullmatch(name):
            days[name] = datetime.strptime(match[1], "%Y%m%d").date()
    return days


async def drop_partitions_before(conn: AsyncConnection, table: str, cutoff: datetime) -> list[str]:
    """Drop `table`'s day partitions that end at or before `cutoff` (every row older than
    it): instant, and nothing left for vacuum. Runs in the caller's transaction."""
    await conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{DROP_LOCK_TIMEOUT}'")
    dropped = []
    for name, day in sorted((await day_partitions(conn, table)).items(), key=lambda kv: kv[1]):
        if day_start(day + timedelta(days=1)) <= cutoff:
            await conn.exec_driver_sql(f"DROP TABLE {name}")
            dropped.append(name)
    return dropped
