"""coding by code: the index by code also holds the quote and the coder

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 20:30:00

`quotes --code` and the report find the quotes carrying a code's subtree. With the
index by code alone, each of those codings was a row to read, so the queries scanned
every coding in uq_coding instead: 0.08 s at 100k (1M codings), twice for `quotes`
(its quotes and their codes are read side by side). Holding the quote and the coder in
the index answers from it alone: 0.035 s. At 1M codings the index grows from 10.4 to
15.8 MB (the project file by 3%), and building it takes 0.64 s.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_coding_code", table_name="coding")
    op.create_index("ix_coding_code", "coding", ["code_id", "quote_id", "coder_id"])


def downgrade() -> None:
    op.drop_index("ix_coding_code", table_name="coding")
    op.create_index("ix_coding_code", "coding", ["code_id"])
