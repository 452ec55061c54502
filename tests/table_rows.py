"""Every table's rows of a project, for tests that hold two ways of writing to the same
result."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any


def table_rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, the times they were written left out."""
    connection = sqlite3.connect(db)
    try:
        found = {}
        for name, in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            cursor = connection.execute(f'SELECT * FROM "{name}" ORDER BY rowid')  # noqa: S608
            kept = [i for i, d in enumerate(cursor.description)
                    if d[0] not in ("at", "imported_at", "created_at")]
            found[name] = [tuple(row[i] for i in kept) for row in cursor]
        return found
    finally:
        connection.close()
