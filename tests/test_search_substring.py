"""The plain substring search the workbench answers with while its index is built."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from qualcode.db.engine import open_project
from qualcode.search.substring import substring_hits

from .tui_support import sql


def _hits(db: Path, query: str, limit: int = 1000, within: Collection[int] | None = None
          ) -> list[tuple[int, tuple[tuple[int, int], ...]]]:
    project = open_project(str(db), warn=False)
    try:
        with project.read() as session:
            found = substring_hits(session, query, limit=limit, within=within)
            return [(h.quote_id, h.spans) for h in found]
    finally:
        project.close()


def test_finds_what_contains_the_text_whatever_its_case_in_quote_order(demo_db: Path) -> None:
    texts = dict(sql(demo_db, "SELECT id, text FROM quote ORDER BY id"))
    for query in ("données", "DONNÉES", "ameli", "c'est"):
        expected = [q for q, t in texts.items() if query.casefold() in str(t).casefold()]
        assert expected, query
        hits = _hits(demo_db, query)
        assert [q for q, _ in hits] == expected
        for qid, spans in hits:
            assert spans and all(str(texts[qid])[a:b].casefold() == query.casefold()
                                 for a, b in spans)


def test_accents_are_as_typed_and_wildcards_are_plain_text(demo_db: Path) -> None:
    assert _hits(demo_db, "donnees") == []  # the ranked index forgives accents, not this
    assert _hits(demo_db, "%") == []
    assert _hits(demo_db, "_") == []
    assert _hits(demo_db, "   ") == []


def test_within_and_limit(demo_db: Path) -> None:
    every = [q for q, _ in _hits(demo_db, "e")]
    assert len(every) > 5
    assert [q for q, _ in _hits(demo_db, "e", limit=3)] == every[:3]
    some = {every[1], every[4]}
    assert [q for q, _ in _hits(demo_db, "e", within=some)] == [every[1], every[4]]
