"""prediction source (online/batch) and the training_runs experiment log

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from driftscope.db.models import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("predictions") as batch:
        batch.add_column(
            sa.Column("source", sa.String(length=16), nullable=False, server_default="online")
        )
    op.create_table(
        "training_runs",
        sa.Column("id", BIGID, autoincrement=True, nullable=False),
        sa.Column("model_name", sa.String(length=64), nullable=False),
        sa.Column("search_id", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("params", JSON, nullable=False),
        sa.Column("cv_metrics", JSON, nullable=False),
        sa.Column("test_metrics", JSON, nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("artifact_path", sa.Text(), nullable=True),
        sa.Column("model_version", sa.Integer(), nullable=True),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_training_runs_model_started", "training_runs", ["model_name", "started_at"])


def downgrade() -> None:
    op.drop_index("ix_training_runs_model_started", table_name="training_runs")
    op.drop_table("training_runs")
    with op.batch_alter_table("predictions") as batch:
        batch.drop_column("source")
