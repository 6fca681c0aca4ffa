"""The contributions table: shared game rounds.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "contributions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key_id", sa.String(32), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("client_id", sa.String(36), nullable=True),
        sa.Column("prompt", sa.String(64), nullable=False),
        sa.Column("drawing", sa.JSON(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("recognized", sa.Boolean(), nullable=False),
        sa.Column("recognized_ms", sa.Integer(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("engine", sa.String(16), nullable=False),
        sa.Column("guesses", sa.JSON(), nullable=False),
        sa.Column("prompt_probability", sa.Float(), nullable=False),
    )
    op.create_index("ix_contributions_created_at", "contributions", ["created_at"])
    op.create_index("ix_contributions_client_id", "contributions", ["client_id"])
    op.create_index("ix_contributions_prompt", "contributions", ["prompt"])


def downgrade():
    op.drop_table("contributions")
