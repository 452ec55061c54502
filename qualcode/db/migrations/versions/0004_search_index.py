"""search index: each quote's folded words, kept so that `search` does not rebuild them

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 10:00:00

The tables start empty: the first search indexes every quote (as every search did
before) and keeps the result; see `qualcode.search.kept`.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_word",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("word", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("word"),
    )
    op.create_table(
        "search_entry",
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("text_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("words", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["quote_id"], ["quote.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("quote_id"),
    )


def downgrade() -> None:
    op.drop_table("search_entry")
    op.drop_table("search_word")
