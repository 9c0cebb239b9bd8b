"""predictions.kept: raw-row sampling (DRIFTSCOPE_LOG_SAMPLE_RATE), with a partial index of
the rows the `log_sample` job may remove

Existing rows are kept (the default). On PostgreSQL the column and the index go on the
partitioned parent, which adds them to every partition (a constant default: no rewrite).

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "predictions",
        sa.Column("kept", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.create_index(
        "ix_predictions_unkept_ts",
        "predictions",
        ["ts"],
        # as SQLAlchemy renders `~Prediction.kept` on each: the query must match the condition
        postgresql_where=sa.text("NOT kept"),
        sqlite_where=sa.text("kept = 0"),
    )


def downgrade() -> None:
    op.drop_index("ix_predictions_unkept_ts", table_name="predictions")
    with op.batch_alter_table("predictions") as batch:
        batch.drop_column("kept")
