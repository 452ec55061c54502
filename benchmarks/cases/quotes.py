"""`qualcode quotes --group G1 --json`: one group's quotes with every coder's codes.

The floor produces the same JSON from two bare SELECTs (the group's quotes; the codings
and review marks of those quotes) assembled in plain Python.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from benchmarks.floors import tree_order
from benchmarks.harness import Case, Corpus, read_project

GROUP = "G1"


def run(corpus: Corpus) -> str:
    from qualcode.services.quotes import QuoteFilter, list_quotes

    views = read_project(corpus.db, lambda s: list_quotes(s, QuoteFilter(group=GROUP)))
    return json.dumps(views, default=vars, ensure_ascii=False)


def floor(corpus: Corpus) -> str:
    conn = sqlite3.connect(corpus.db)
    try:
        quotes: dict[int, dict[str, Any]] = {
            qid: {"id": qid, "group": group, "speaker": speaker, "moderator": bool(moderator),
                  "text": text, "codes": {}, "reviewed_by": [], "segments": [], "memos": []}
            for qid, group, speaker, moderator, text in conn.execute(
                "SELECT q.id, g.name, p.label, p.is_moderator, q.text FROM quote q "
                "JOIN study_group g ON g.id = q.group_id "
                "JOIN participant p ON p.id = q.participant_id WHERE g.name = ? "
                "ORDER BY q.position", (GROUP,))
        }
        reviewed: dict[int, set[str]] = {}
        rank = {cid: i for i, (cid, *_rest) in enumerate(tree_order(conn))}
        codings = conn.execute(
            "SELECT c.quote_id, k.name, c.code_id, d.name, c.span_start, c.span_end, c.memo "
            "FROM coding c "
            "JOIN coder k ON k.id = c.coder_id JOIN code d ON d.id = c.code_id "
            "JOIN quote q ON q.id = c.quote_id JOIN study_group g ON g.id = q.group_id "
            "WHERE g.name = ?", (GROUP,)).fetchall()
        codings.sort(key=lambda c: (c[1], rank[c[2]], -1 if c[4] is None else c[4]))
        for qid, coder, _code_id, code, start, end, memo in codings:
            quote = quotes[qid]
            names = quote["codes"].setdefault(coder, [])
            if code not in names:
                names.append(code)
            if start is not None:
                quote["segments"].append({"code": code, "coder": coder, "start": start,
                                          "end": end, "text": quote["text"][start:end]})
            if memo:
                quote["memos"].append({"coder": coder, "code": code, "text": memo})
            reviewed.setdefault(qid, set()).add(coder)
        on_quote: dict[int, list[dict[str, Any]]] = {}
        for qid, coder, memo in conn.execute(
                "SELECT m.quote_id, k.name, m.text FROM memo m JOIN coder k ON k.id = m.coder_id "
                "JOIN quote q ON q.id = m.quote_id JOIN study_group g ON g.id = q.group_id "
                "WHERE g.name = ? ORDER BY k.name", (GROUP,)):
            on_quote.setdefault(qid, []).append({"coder": coder, "code": None, "text": memo})
        for qid, notes in on_quote.items():
            quotes[qid]["memos"][:0] = notes
        for qid, coder in conn.execute(
                "SELECT r.quote_id, k.name FROM review r JOIN coder k ON k.id = r.coder_id "
                "JOIN quote q ON q.id = r.quote_id JOIN study_group g ON g.id = q.group_id "
                "WHERE g.name = ?", (GROUP,)):
            reviewed.setdefault(qid, set()).add(coder)
        for qid, coders in reviewed.items():
            quotes[qid]["reviewed_by"] = sorted(coders)
    finally:
        conn.close()
    return json.dumps(list(quotes.values()), ensure_ascii=False)


CASES = [
    Case("quotes --json one group", run, floor,
         notes=f"services.quotes.list_quotes(group={GROUP}) + JSON vs two bare SELECTs "
               "restricted to the group"),
]
