"""Quote tables (CSV, Excel): rows of `group`, `speaker`, `text`, optional `id` and
participant attribute columns. Shared by the CSV and XLSX importers."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from pathlib import Path

from qualcode.errors import UserError
from qualcode.importers.base import ParsedSource, ParsedTurn, is_moderator_label

REQUIRED = ("speaker", "text")
RESERVED = ("group", "speaker", "text", "id", "moderator")
TRUE_WORDS = frozenset({"1", "true", "yes", "oui", "vrai", "x"})


def _clean(cell: object) -> str:
    if cell is None:
        return ""
    text = str(cell).replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text).strip()


def rows_to_source(path: Path, fmt: str, header: list[str],
                   rows: Iterable[tuple[int, list[object]]], digest: str, *,
                   header_line: int = 1) -> ParsedSource:
    """Turn a header and (line, cells) rows into turns, checking every row."""
    names = [_clean(h).lstrip("\ufeff").casefold() for h in header]
    for required in REQUIRED:
        if required not in names:
            columns = ", ".join(n for n in names if n) or "none"
            raise UserError(f"the table has no `{required}` column (columns: {columns})",
                            path=str(path), line=header_line)
    dupes = sorted({n for n in names if n and names.count(n) > 1})
    if dupes:
        raise UserError(f"column {dupes[0]!r} appears twice", path=str(path), line=header_line)
    index = {name: i for i, name in enumerate(names)}
    attrs = [(i, _clean(header[i])) for i, n in enumerate(names) if n and n not in RESERVED]
    turns: list[ParsedTurn] = []
    for line, cells in rows:
        if all(_clean(c) == "" for c in cells):
            continue
        if len(cells) > len(names) and any(_clean(c) for c in cells[len(names):]):
            raise UserError(f"row has {len(cells)} fields, the header {len(names)}",
                            path=str(path), line=line)
        cells = list(cells) + [""] * (len(names) - len(cells))

        def get(col: str, row: list[object] = cells) -> str:
            return _clean(row[index[col]]) if col in index else ""

        speaker, text = get("speaker"), get("text")
        if not text:
            raise UserError("row has no text", path=str(path), line=line)
        if not speaker:
            raise UserError("row has no speaker", path=str(path), line=line)
        moderator = (get("moderator").casefold() in TRUE_WORDS) or is_moderator_label(speaker)
        turns.append(ParsedTurn(
            speaker=speaker, text=text, is_moderator=moderator, group=get("group") or None,
            external_id=get("id") or None, line=line,
            attributes={name: _clean(cells[i]) for i, name in attrs if _clean(cells[i])},
        ))
    if not turns:
        raise UserError("the table has a header but no rows", path=str(path))
    return ParsedSource(name=path.name, format=fmt, kind="table", content_hash=digest,
                        turns=turns)
