"""The schema revision this release writes, kept apart so checking it needs no Alembic.

A test asserts it equals the Alembic head, so the two cannot drift.
"""

SCHEMA_REVISION = "0003"
