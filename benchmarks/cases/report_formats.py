"""The report: its JSON against one bare GROUP BY, and each file format.

The floor is what a researcher would type in sqlite3 for the same table: quotes,
participants and codings per (code, group), moderators and `auto` left out, with no
roll-up into parent themes, no flags, quotes or co-occurrence. The report must stay
within 1.5× of it; file formats are timed on their own (no floor), in seconds.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from benchmarks.harness import Case, Corpus

FLOOR_SQL = (
    "SELECT c.code_id, q.group_id, COUNT(DISTINCT c.quote_id), COUNT(DISTINCT q.participant_id),"
    " COUNT(*) FROM coding c JOIN coder k ON k.id = c.coder_id JOIN quote q ON q.id = c.quote_id"
    " JOIN participant p ON p.id = q.participant_id WHERE NOT p.is_moderator AND k.name <> 'auto'"
    " GROUP BY c.code_id, q.group_id"
)


def _report(corpus: Corpus) -> dict[str, Any]:
    from qualcode.db.engine import open_project
    from qualcode.reports.counts import compute

    project = open_project(str(corpus.db), warn=False)
    try:
        with project.read() as session:
            return compute(session)
    finally:
        project.close()


def _json(corpus: Corpus) -> str:
    from qualcode.cli.report_cmds import render

    out = render(_report(corpus), "json")
    assert isinstance(out, str)
    return out


def _floor(corpus: Corpus) -> list[Any]:
    conn = sqlite3.connect(corpus.db)
    try:
        return conn.execute(FLOOR_SQL).fetchall()
    finally:
        conn.close()


def _format(fmt: str) -> Any:
    def run(corpus: Corpus) -> object:
        from qualcode.cli.report_cmds import render

        return render(_report(corpus), fmt)

    return run


CASES: list[Case] = [
    Case("report json", _json, _floor,
         notes="JSON report (counts, flags, levels, quotes, co-occurrence) vs one GROUP BY"),
    *(Case(f"report {fmt}", _format(fmt), repeat=3, notes=f"the whole report as {fmt}")
      for fmt in ("md", "csv", "html", "xlsx", "docx")),
]
