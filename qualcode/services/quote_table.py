"""The project as a coded quote table: what `quotes --format csv|xlsx` writes.

One row per quote and coder (SPEC): `id, group, speaker, text, coder, codes`, codes
joined by `;` in codebook order, then `moderator` and the participants' attributes. A
quote nobody has looked at is one row with no coder; a coder who marked it "none
applies" has a row with no codes. Read back by `import`, rows sharing an id are one
turn, so a colleague can code the table in a spreadsheet and hand it back. Segments
cannot live in a cell: only whole-quote codings are written (the summary says how many
segment codings were left out). Rows follow the quotes' ids, the order they were
imported in, so a round trip into a fresh project gives every quote its old id.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text as sql
from sqlmodel import Session

from qualcode.domain.attributes import flat_value
from qualcode.services.code_tree import code_tree

COLUMNS = ("id", "group", "speaker", "text", "coder", "codes", "moderator")


@dataclass(frozen=True)
class CodedTable:
    header: list[str]
    rows: list[list[str]]
    segments_left_out: int


def coded_table(session: Session, quote_ids: list[int] | None = None) -> CodedTable:
    order = {node.id: i for i, node in enumerate(code_tree(session))}
    names = {node.id: node.name for node in code_tree(session)}
    wanted = None if quote_ids is None else set(quote_ids)
    quotes = [r for r in session.execute(sql(
        "SELECT q.id, q.external_id, g.name, p.label, p.is_moderator, p.attributes, q.text "
        "FROM quote q JOIN study_group g ON g.id = q.group_id "
        "JOIN participant p ON p.id = q.participant_id ORDER BY q.id")).all()
        if wanted is None or r[0] in wanted]
    work: dict[int, dict[str, set[int]]] = {}
    segments = 0
    for quote_id, coder, code_id, span in session.execute(sql(
            "SELECT c.quote_id, k.name, c.code_id, c.span_start FROM coding c "
            "JOIN coder k ON k.id = c.coder_id")).all():
        if span is not None:
            segments += 1
            work.setdefault(quote_id, {}).setdefault(coder, set())
            continue
        work.setdefault(quote_id, {}).setdefault(coder, set()).add(code_id)
    for quote_id, coder in session.execute(sql(
            "SELECT r.quote_id, k.name FROM review r JOIN coder k ON k.id = r.coder_id")).all():
        work.setdefault(quote_id, {}).setdefault(coder, set())
    attributes: list[str] = []
    for row in quotes:
        for key in _attributes(row[5]):
            if key not in attributes and key not in COLUMNS:
                attributes.append(key)
    out = []
    for quote_id, external, group, speaker, moderator, attrs, text in quotes:
        plain = _attributes(attrs)
        tail = ["oui" if moderator else "",
                *(str(flat_value(plain.get(a, ""))) for a in attributes)]
        base = [external or str(quote_id), group, speaker, text]
        coders = work.get(quote_id) or {"": set()}
        for coder in sorted(coders):
            codes = ";".join(names[c] for c in sorted(coders[coder], key=order.__getitem__))
            out.append([*base, coder, codes, *tail])
    return CodedTable([*COLUMNS, *attributes], out, segments)


def _attributes(raw: object) -> dict[str, object]:
    if isinstance(raw, str):
        import json

        raw = json.loads(raw)
    return dict(raw) if isinstance(raw, dict) else {}
