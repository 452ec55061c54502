"""The schema revision this release writes, kept apart so checking it needs no Alembic.

A test asserts it equals the Alembic head, so the two cannot drift.
"""

SCHEMA_REVISION = "0006"


def known_revisions() -> frozenset[str]:
    """Every revision a qualcode release has written (the migration files' prefixes):
    a file at another one is not ours, and is refused before anything touches it."""
    from pathlib import Path

    folder = Path(__file__).parent / "migrations" / "versions"
    return frozenset(p.name.split("_", 1)[0] for p in folder.glob("[0-9]*_*.py"))
