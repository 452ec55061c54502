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
from typing import TYPE_CHECKING

from qualcode.db.reader import Reader, reader_of
from qualcode.domain.attributes import flat_value
from qualcode.domain.repeated_texts import once_per_text
from qualcode.services.code_tree import code_tree

if TYPE_CHECKING:
    from sqlmodel import Session

COLUMNS = ("id", "group", "speaker", "text", "coder", "codes", "moderator")


@dataclass(frozen=True)
class CodedTable:
    header: list[str]
    rows: list[list[str]]
    segments_left_out: int


def coded_table(source: Reader | Session, quote_ids: list[int] | None = None) -> CodedTable:
    """The table of `quote_ids` (every quote when None). Each quote's whole-quote codes
    come joined per coder from SQL, a row per quote and coder, where a row per coding
    (a million at 100,000 quotes) took a third of the export; a participant's attributes
    are read once per distinct value, not once per quote."""
    db = reader_of(source)
    tree = code_tree(db)
    order = {node.id: i for i, node in enumerate(tree)}
    names = {node.id: node.name for node in tree}
    wanted = None if quote_ids is None else set(quote_ids)
    quotes = [r for r in db.rows(
        "SELECT q.id, q.external_id, g.name, p.label, p.is_moderator, p.attributes, q.text "
        "FROM quote q JOIN study_group g ON g.id = q.group_id "
        "JOIN participant p ON p.id = q.participant_id ORDER BY q.id")
        if wanted is None or r[0] in wanted]
    work: dict[int, dict[str, set[int]]] = {}
    segments = 0
    for quote_id, coder, listed, spans in db.rows(
            f"SELECT c.quote_id, k.name, {db.joined('c.code_id')} FILTER "  # noqa: S608
            "(WHERE c.span_start IS NULL), count(c.span_start) FROM coding c "
            "JOIN coder k ON k.id = c.coder_id GROUP BY c.quote_id, k.name"):
        if wanted is not None and quote_id not in wanted:
            continue
        segments += spans
        held = work.setdefault(quote_id, {}).setdefault(coder, set())
        if listed:
            held.update(map(int, listed.split(",")))
    for quote_id, coder in db.rows(
            "SELECT r.quote_id, k.name FROM review r JOIN coder k ON k.id = r.coder_id"):
        work.setdefault(quote_id, {}).setdefault(coder, set())
    attributes_of = once_per_text(_attributes)  # JSON text, as SQLite gives it
    attributes: list[str] = []
    for row in quotes:
        attributes += [key for key in attributes_of(row[5])
                       if key not in attributes and key not in COLUMNS]
    out = []
    for quote_id, external, group, speaker, moderator, attrs, text in quotes:
        plain = attributes_of(attrs)
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
