"""Quote tables (CSV, Excel): rows of `group`, `speaker`, `text`, optional `id` and
participant attribute columns. Shared by the CSV and XLSX importers."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.importers.base import (
    ParsedSource,
    ParsedTurn,
    is_moderator_label,
    without_controls,
)

REQUIRED = ("speaker", "text")
RESERVED = ("group", "speaker", "text", "id", "moderator", "codes", "coder")
_NEUTRALISED = ("'=", "'+", "'-", "'@", "'\t", "'\n", "''")
"""How our CSV writer keeps a spreadsheet from running a cell (see exporters.quote_table)."""
TRUE_WORDS = frozenset({"1", "true", "yes", "oui", "vrai", "x"})


def _clean(cell: object) -> str:
    return _clean_text("" if cell is None else str(cell))


def _unescaped(cell: object) -> str:
    """A CSV cell as written before our exporter kept a spreadsheet from running it."""
    return _unescaped_text("" if cell is None else str(cell))


@lru_cache(maxsize=1 << 16)  # groups, speakers, codes and a coded table's texts repeat
def _clean_text(cell: str) -> str:
    text = cell.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", without_controls(text, "", None)).strip()


@lru_cache(maxsize=1 << 16)
def _unescaped_text(cell: str) -> str:
    text = unicodedata.normalize("NFC", without_controls(
        cell.replace("\r\n", "\n").replace("\r", "\n"), "", None))
    return (text[1:] if text.startswith(_NEUTRALISED) else text).strip()


def rows_to_source(path: Path, fmt: str, header: list[str],
                   rows: Iterable[tuple[int, list[object]]], digest: str, *,
                   header_line: int = 1) -> ParsedSource:
    """Turn a header and (line, cells) rows into turns, checking every row."""
    names = [_clean(h).lstrip("\ufeff").casefold() for h in header]
    for required in REQUIRED:
        if required not in names:
            columns = ", ".join(n for n in names if n) or "none"
            raise UserError(_("the table has no `{required}` column (columns: {columns})").format(
                                required=required, columns=columns),
                            path=str(path), line=header_line)
    dupes = sorted({n for n in names if n and names.count(n) > 1})
    if dupes:
        raise UserError(
            _("column {dupes!r} appears twice").format(dupes=dupes[0]),
            path=str(path),
            line=header_line,
        )
    index = {name: i for i, name in enumerate(names)}
    clean = _unescaped if fmt == "csv" else _clean
    attrs = [(i, _clean(header[i])) for i, n in enumerate(names) if n and n not in RESERVED]
    turns: list[ParsedTurn] = []
    by_id: dict[str, ParsedTurn] = {}  # a coded table has one row per quote and coder
    for line, cells in rows:
        if all(_clean(c) == "" for c in cells):
            continue
        if len(cells) > len(names) and any(_clean(c) for c in cells[len(names):]):
            raise UserError(_("row has {count} fields, the header {expected}").format(
                                count=len(cells), expected=len(names)),
                            path=str(path), line=line)
        cells = list(cells) + [""] * (len(names) - len(cells))

        def get(col: str, row: list[object] = cells) -> str:
            return clean(row[index[col]]) if col in index else ""

        speaker, text = get("speaker"), get("text")
        if not text:
            raise UserError(_("row has no text"), path=str(path), line=line)
        if not speaker:
            raise UserError(_("row has no speaker"), path=str(path), line=line)
        moderator = (get("moderator").casefold() in TRUE_WORDS) or is_moderator_label(speaker)
        key, coder = get("id"), get("coder") or None
        codes = [c.strip() for c in get("codes").split(";") if c.strip()]
        earlier = by_id.get(key) if key else None
        if earlier is not None:
            if (earlier.speaker, earlier.text, earlier.group) != (speaker, text,
                                                                  get("group") or None):
                raise UserError(
                    _(
                        "id {key!r} was row {line} with other words or another speaker or group"
                    ).format(key=key, line=earlier.line),
                    path=str(path),
                    line=line,
                )
            _add_codings(earlier, coder, codes, "codes" in index, line)
            continue
        turn = ParsedTurn(
            speaker=speaker, text=text, is_moderator=moderator, group=get("group") or None,
            external_id=get("id") or None, line=line,
            attributes={name: value for i, name in attrs if (value := clean(cells[i]))},
        )
        _add_codings(turn, coder, codes, "codes" in index, line)
        turns.append(turn)
        if key:
            by_id[key] = turn
    if not turns:
        raise UserError(_("the table has a header but no rows"), path=str(path))
    return ParsedSource(name=path.name, format=fmt, kind="table", content_hash=digest,
                        turns=turns)


def _add_codings(turn: ParsedTurn, coder: str | None, codes: list[str], coded: bool,
                 line: int) -> None:
    """A row's codes for its coder; a coder's row with none is "none applies"."""
    if not coded or (coder is None and not codes):
        return
    turn.coded_by.setdefault(coder or "", line)
    turn.codings += [(coder, code) for code in codes] or [(coder, None)]
