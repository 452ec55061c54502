"""Alembic environment: runs on the engine the caller hands over, never on a URL guess."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import qualcode.db.models  # noqa: F401  (registers every table on the metadata)

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=True,  # SQLite can only ALTER by copying tables
        # SQLite can roll DDL back, but Alembic assumes it cannot and commits after each
        # revision: an upgrade across two revisions that failed in the second would
        # leave the first applied. One transaction for the whole upgrade instead.
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
