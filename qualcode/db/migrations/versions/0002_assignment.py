"""assignment: the quotes each coder is to double-code, drawn by `qualcode assign`

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 17:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assignment",
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["coder_id"], ["coder.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["quote_id"], ["quote.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("quote_id", "coder_id"),
    )


def downgrade() -> None:
    op.drop_table("assignment")
