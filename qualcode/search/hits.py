"""A search hit, apart from the engine: screens that show hits need not load numpy."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Hit:
    quote_id: int
    score: float
    spans: tuple[tuple[int, int], ...]
    """Character spans to highlight, in the original quote text."""
