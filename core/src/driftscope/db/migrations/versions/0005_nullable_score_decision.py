"""predictions.score and predictions.decision nullable: logged rows of an external model

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # An external model's logged prediction may carry neither a score nor a decision.
    with op.batch_alter_table("predictions") as batch:
        batch.alter_column("score", existing_type=sa.Float(), nullable=True)
        batch.alter_column("decision", existing_type=sa.Boolean(), nullable=True)


def downgrade() -> None:
    # Rows without a score or decision cannot be kept under NOT NULL: they go first.
    op.execute("DELETE FROM predictions WHERE score IS NULL OR decision IS NULL")
    with op.batch_alter_table("predictions") as batch:
        batch.alter_column("score", existing_type=sa.Float(), nullable=False)
        batch.alter_column("decision", existing_type=sa.Boolean(), nullable=False)
