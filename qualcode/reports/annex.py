"""The report's annex: every coded segment behind its counts, and the memos.

Researchers paste the coded retrieval into their writing, so the annex holds the same
codings the counts read: the report's scope (everyone but `auto`, one coder, or the
consensus), its theme subtree, its `--where` participants, and never a moderator's turn.
Each segment keeps its words (a segment's, or the whole quote's), the speaker's
attributes and the coder. Memos, on quotes and on codings, come in a list of their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qualcode.db.reader import Reader, reader_of
from qualcode.reports.counts import Scope
from qualcode.services.segments import segment_rows

if TYPE_CHECKING:
    from sqlmodel import Session


def annex(source: Reader | Session, scope: Scope, *, theme: str | None = None,
          where: tuple[tuple[str, str], ...] = ()) -> dict[str, Any]:
    """{"columns", "segments": by theme (codebook order), then group and transcript order,
    "memos": in transcript order}: the JSON the formats lay out."""
    db = reader_of(source)
    kept = _participants(db, where)
    coder = "consensus" if scope.consensus else scope.coder
    table = segment_rows(db, code=theme, coder=coder)
    segments = [row for row in table.records()
                if not row["moderator"] and scope.counts(str(row["coder"]))
                and (kept is None or (row["group"], row["speaker"]) in kept)]
    where_said = {int(qid): (int(gpos), int(qpos)) for qid, gpos, qpos in db.rows(
        "SELECT q.id, g.position, q.position FROM quote q "
        "JOIN study_group g ON g.id = q.group_id")}
    themes = {name: i for i, name in enumerate(dict.fromkeys(r["theme"] for r in segments))}
    codes = {name: i for i, name in enumerate(dict.fromkeys(r["code"] for r in segments))}
    segments.sort(key=lambda r: (themes[r["theme"]], where_said[int(r["quote"])],
                                 codes[r["code"]], r["start"] or 0))
    quotes = {row["quote"] for row in segments}
    memos = [{"group": row["group"], "speaker": row["speaker"], "quote": row["quote"],
              "coder": row["coder"], "on": row["code"], "text": row["memo"],
              "words": row["text"]} for row in segments if row["memo"]]
    for group, speaker, qid, who, text, said in db.rows(
            "SELECT g.name, p.label, q.id, k.name, m.text, q.text FROM memo m "
            "JOIN quote q ON q.id = m.quote_id JOIN coder k ON k.id = m.coder_id "
            "JOIN study_group g ON g.id = q.group_id "
            "JOIN participant p ON p.id = q.participant_id "
            "ORDER BY g.position, q.position, k.name"):
        if qid in quotes and scope.counts(str(who)):
            memos.append({"group": group, "speaker": speaker, "quote": qid, "coder": who,
                          "on": None, "text": text, "words": said})
    memos.sort(key=lambda m: (where_said[int(m["quote"])], m["on"] is not None,
                              str(m["coder"])))
    return {"columns": [c for c in table.columns if c != "moderator"],
            "segments": [{k: v for k, v in row.items() if k != "moderator"}
                         for row in segments], "memos": memos}


def _participants(db: Reader,
                  where: tuple[tuple[str, str], ...]) -> set[tuple[str, str]] | None:
    """(group, speaker) of the participants `--where` keeps; None when it keeps all."""
    if not where:
        return None
    from qualcode.reports.columns import participants_where
    from qualcode.services.design import load_design

    kept = participants_where(db, load_design(db), where)
    return {(group, label) for pid, group, label in db.rows(
        "SELECT p.id, g.name, p.label FROM participant p "
        "JOIN study_group g ON g.id = p.group_id") if int(pid) in kept}
