"""Search and suggestion quality on the demo project, measured (not only asserted).

Recall@5 over a labelled set of queries built from the demo verbatims; precision
and recall of the keyword suggestions against the demo's `seed` codings. The
codebook's keywords were written while reading these same verbatims, so the
suggestion figures are in-sample: the floors asserted are modest on purpose.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import text
from sqlmodel import select

from qualcode.db.engine import open_project
from qualcode.db.models import Quote
from qualcode.search.engine import SearchIndex
from qualcode.search.suggest import APPLY_THRESHOLD, suggest_all

QUERIES = Path(__file__).parent / "data" / "search_queries.yaml"


def test_recall_at_5_on_the_labelled_queries(demo_db: Path) -> None:
    cases = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))
    assert len(cases) >= 30
    project = open_project(str(demo_db))
    try:
        with project.read() as session:
            index = SearchIndex.load(session)
            by_external = {q.external_id: q.id for q in session.exec(select(Quote)).all()}
    finally:
        project.close()
    missed = []
    for case in cases:
        found = [h.quote_id for h in index.search(case["query"], limit=5)]
        if by_external[case["expect"]] not in found:
            missed.append(case["query"])
    recall = 1 - len(missed) / len(cases)
    print(f"search recall@5 = {recall:.3f} over {len(cases)} queries; missed: {missed}")
    assert recall >= 0.95


def test_suggestions_against_the_seed_codes(demo_db: Path) -> None:
    project = open_project(str(demo_db))
    try:
        with project.read() as session:
            found = suggest_all(session)
            seed: dict[int, set[str]] = {}
            for quote_id, code in session.execute(text(
                "SELECT c.quote_id, d.name FROM coding c JOIN code d ON d.id = c.code_id "
                "JOIN coder k ON k.id = c.coder_id WHERE k.name = 'seed'"
            )).all():
                seed.setdefault(quote_id, set()).add(code)
    finally:
        project.close()
    tp = fp = fn = 0
    for quote_id in set(found) | set(seed):
        got = {s.code for s in found.get(quote_id, []) if s.score >= APPLY_THRESHOLD}
        want = seed.get(quote_id, set())
        tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"suggestions at score >= {APPLY_THRESHOLD:g}: precision {precision:.3f}, "
          f"recall {recall:.3f} ({tp} right, {fp} wrong, {fn} missed)")
    assert precision >= 0.8
    assert recall >= 0.75
