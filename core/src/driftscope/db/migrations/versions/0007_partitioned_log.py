"""predictions and labels partitioned by day on PostgreSQL (nothing changes on SQLite)

Each table is rebuilt: the old one renamed, a `PARTITION BY RANGE (ts)` table of the same
columns created with a DEFAULT partition and one partition per day of recent rows (and today
plus DAYS_AHEAD), the rows copied over, the parent's indexes built, the old table dropped.
Unique keys become unique per day (driftscope.db.partitions).

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from alembic import op

from driftscope.db.partitions import (
    DAYS_AHEAD,
    PARENT_INDEXES,
    PARTITIONED,
    day_partition_sql,
    days_ahead,
    default_partition_sql,
)

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Unpartitioned keys as 0001 made them: (name, kind, columns)
UNIQUE_KEYS: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    "predictions": [
        ("predictions_pkey", "PRIMARY KEY", ("id",)),
        ("uq_predictions_transaction", "UNIQUE", ("model_name", "transaction_id")),
    ],
    "labels": [("labels_pkey", "PRIMARY KEY", ("prediction_id",))],
}
# Rows older than this stay in the DEFAULT partition (retention deletes them row by row)
# rather than making a partition for every day a long-lived database ever saw.
OLDEST_PARTITION_DAYS = 366


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _build_parent_indexes(table: str) -> None:
    for name, columns in PARENT_INDEXES[table].items():
        op.execute(f"CREATE INDEX {name} ON {table} ({', '.join(columns)})")


def _days_with_rows(source: str) -> list[datetime]:
    """Days of recent rows; far past or future ones are left to the DEFAULT partition."""
    now = datetime.now(UTC)
    oldest, newest = now - timedelta(days=OLDEST_PARTITION_DAYS), now + timedelta(days=DAYS_AHEAD)
    rows = op.get_bind().exec_driver_sql(
        f"SELECT DISTINCT date_trunc('day', ts AT TIME ZONE 'UTC') FROM {source} "
        f"WHERE ts >= '{oldest.isoformat()}' AND ts < '{newest.isoformat()}'"
    )
    return [row[0] for row in rows]


def _partition(table: str) -> None:
    old = f"{table}_unpartitioned"
    op.execute(f"ALTER TABLE {table} RENAME TO {old}")
    for name in PARENT_INDEXES[table]:
        op.execute(f"DROP INDEX {name}")
    for name, _, _ in UNIQUE_KEYS[table]:
        op.execute(f"ALTER TABLE {old} DROP CONSTRAINT {name}")
    op.execute(f"CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS) PARTITION BY RANGE (ts)")
    for sql in default_partition_sql(table):
        op.execute(sql)
    days = {d.date() for d in _days_with_rows(old)} | set(days_ahead(datetime.now(UTC).date()))
    for day in sorted(days):
        op.execute(day_partition_sql(table, day))
    op.execute(f"INSERT INTO {table} SELECT * FROM {old}")
    _build_parent_indexes(table)  # after the rows: one sorted build per partition
    op.execute(f"DROP TABLE {old}")


def _unpartition(table: str) -> None:
    old = f"{table}_partitioned"
    op.execute(f"ALTER TABLE {table} RENAME TO {old}")
    for name in PARENT_INDEXES[table]:
        op.execute(f"DROP INDEX {name}")
    op.execute(f"CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS)")
    for name, kind, columns in UNIQUE_KEYS[table]:
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {kind} ({', '.join(columns)})")
    # A key unique per day may repeat across days: the first row stored wins.
    op.execute(f"INSERT INTO {table} SELECT * FROM {old} ORDER BY ts ON CONFLICT DO NOTHING")
    _build_parent_indexes(table)
    op.execute(f"DROP TABLE {old}")  # and its partitions


def upgrade() -> None:
    if _postgres():
        for table in PARTITIONED:
            _partition(table)


def downgrade() -> None:
    if _postgres():
        for table in PARTITIONED:
            _unpartition(table)
