"""Codings that arrive with a quote table coded elsewhere (a spreadsheet, a colleague).

Two shapes, as SPEC says: a `codes` column (names joined by `;`, with an optional
`coder` column), or one column per code holding a mark. This is also the bulk path for
codings: a few statements for a whole table, not one action per coding, so 100,000
coded rows import at the speed of their quotes. A code the codebook lacks stops the
import with the row and the code named, unless `add_codes` asks to add it, under a
parent code named after the file, for the team to place later.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from qualcode.db.reader import Reader, reader_of
from qualcode.db.writer import Writer, writer_of
from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.importers.base import ParsedSource, ParsedTurn
from qualcode.importers.quote_table import TRUE_WORDS
from qualcode.search.normalise import fold
from qualcode.services.bulk_insert import insert_rows

if TYPE_CHECKING:
    from sqlmodel import Session


def mark_columns(db: Reader | Session, src: ParsedSource) -> dict[str, str]:
    """A table's columns named like a code, each with that code's name."""
    if src.kind != "table":
        return {}
    codes = {fold(name): name for name, in reader_of(db).rows("SELECT name FROM code")}
    columns = {k for turn in src.turns for k in turn.attributes}
    return {k: codes[fold(k)] for k in columns if fold(k) in codes}


def take_mark_columns(db: Reader | Session, src: ParsedSource) -> None:
    """Columns named like a code are that code's marks, not participant attributes."""
    marks = mark_columns(db, src)
    if not marks:
        return
    for turn in src.turns:
        for column in [k for k in turn.attributes if k in marks]:
            value = turn.attributes.pop(column)
            if value.casefold() in TRUE_WORDS:
                turn.codings.append((None, marks[column]))
                turn.coded_by.setdefault("", turn.line or 0)


def lacks_codes(db: Reader, src: ParsedSource) -> bool:
    """Whether a table's codes name one the codebook lacks: the import then stops, or
    adds it (`add_codes`) through the ORM; every other coded table is plain SQL."""
    named = {name for turn in src.turns for _who, name in turn.codings if name is not None}
    if not named:
        return False
    known, folded = _codes(db)
    return any(name not in known and fold(name) not in folded for name in named)


def _codes(db: Reader) -> tuple[dict[str, int], dict[str, int]]:
    """The codebook's ids by name, and by folded name."""
    known = {str(name): int(cid) for name, cid in db.rows("SELECT name, id FROM code")}
    return known, {fold(name): cid for name, cid in known.items()}


def apply_codings(source: Writer | Session, path: str, turns: Sequence[ParsedTurn],
                  quote_ids: Sequence[int], *, coder: str, add_codes: bool) -> int:
    """Store the turns' codings and "none applies" marks; how many codings."""
    if not any(t.codings for t in turns):
        return 0
    from qualcode.services.coders import coder_id

    db = writer_of(source)
    known, folded = _codes(db)
    coders: dict[str, int] = {}
    codings: dict[tuple[int, int, int], None] = {}
    reviews: dict[tuple[int, int], None] = {}
    for turn, quote_id in zip(turns, quote_ids, strict=True):
        for who, name in turn.codings:
            person = who or coder
            if person not in coders:
                coders[person] = coder_id(db, person)
            if name is None:
                reviews[(quote_id, coders[person])] = None
                continue
            code = known.get(name) or folded.get(fold(name))
            if code is None:
                if not add_codes:
                    raise UserError(_("unknown code {name!r} (add it to the codebook, or import "
                                      "with --add-codes)").format(name=name), path=path,
                                    line=turn.coded_by.get(who or "", turn.line or 0))
                code = known[name] = folded[fold(name)] = _added(db.session, path, name)
            codings[(quote_id, code, coders[person])] = None
    now = db.now()  # once, not once a row; stored as the ORM stores it
    insert_rows(db, "coding", ("quote_id", "code_id", "coder_id", "created_at"),
                [(q, c, k, now) for q, c, k in codings])
    insert_rows(db, "review", ("quote_id", "coder_id", "created_at"),
                [(q, k, now) for q, k in reviews])
    return len(codings)


def _added(session: Session, path: str, name: str) -> int:
    """A new code under the parent named after the file (created on first need)."""
    from pathlib import Path

    from sqlmodel import col, select

    from qualcode.db.models import Code

    parent_name = f"from {Path(path).name}"
    parent = session.exec(select(Code).where(Code.name == parent_name)).first()
    if parent is None:
        top = session.exec(select(Code.position).where(col(Code.parent_id).is_(None))).all()
        parent = Code(name=parent_name, position=max(top, default=-1) + 1,
                      description=_("Codes a coded table brought that the codebook lacked."))
        session.add(parent)
        session.flush()
    siblings = session.exec(select(Code.position).where(Code.parent_id == parent.id)).all()
    code = Code(name=name, parent_id=parent.id, position=max(siblings, default=-1) + 1)
    session.add(code)
    session.flush()
    assert code.id is not None
    return code.id
