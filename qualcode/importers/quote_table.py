"""Quote tables (CSV, Excel): rows of `group`, `speaker`, `text`, optional `id` and
participant attribute columns. Shared by the CSV and XLSX importers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from qualcode.domain.control_chars import without_controls
from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.importers.base import ParsedSource, ParsedTurn
from qualcode.importers.moderators import is_moderator_label

REQUIRED = ("speaker", "text")
RESERVED = ("group", "speaker", "text", "id", "moderator", "codes", "coder")
_NEUTRALISED = ("'=", "'+", "'-", "'@", "'\t", "'\n", "''")
"""How our CSV writer keeps a spreadsheet from running a cell (see exporters.quote_table)."""
TRUE_WORDS = frozenset({"1", "true", "yes", "oui", "vrai", "x"})


def _clean(cell: object) -> str:
    return _clean_text("" if cell is None else str(cell))


@lru_cache(maxsize=1 << 16)  # groups, speakers, codes and a coded table's texts repeat
def _clean_text(cell: str) -> str:
    text = cell.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", without_controls(text, "", None)).strip()


_NEUTRALISING = re.compile("'[" + re.escape("".join(m[1] for m in _NEUTRALISED)) + "]")
"""Where a text may hold a cell our CSV writer neutralised: one search of the whole
text (14 ms at 100,000 rows) instead of a test of each of its cells (40 ms)."""


def _csv_cell(cell: str) -> str:
    """A cell of `decode_text`'s text (line ends, control characters and NFC done already
    for the whole text, and a cell begins and ends beside ASCII punctuation, so it is in
    NFC too), as written before our exporter kept a spreadsheet from running it."""
    return (cell[1:] if cell.startswith(_NEUTRALISED) else cell).strip()


def csv_cleaner(text: str) -> Callable[[str], str]:
    """How the cells of the CSV `text` are cleaned: as `_csv_cell`, or, when no cell of
    it can begin with a neutralising apostrophe, by `str.strip` alone."""
    return _csv_cell if _NEUTRALISING.search(text) else str.strip


def rows_to_source(path: Path, fmt: str, header: list[str],
                   rows: Iterable[tuple[int, Sequence[Any]]], digest: str, *,
                   header_line: int = 1, clean: Callable[[Any], str] | None = None
                   ) -> ParsedSource:
    """Turn a header and (line, cells) rows into turns, checking every row. `clean`
    makes a cell's text, `_clean` (for any value) unless the caller knows better."""
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
    clean = clean or _clean
    width = len(names)
    attrs = [(i, _clean(header[i])) for i, n in enumerate(names) if n and n not in RESERVED]
    at_speaker, at_text = index["speaker"], index["text"]
    at_group, at_id, at_moderator = index.get("group"), index.get("id"), index.get("moderator")
    at_coder, at_codes = index.get("coder"), index.get("codes")
    turns: list[ParsedTurn] = []
    by_id: dict[str, ParsedTurn] = {}  # a coded table has one row per quote and coder
    label_says: dict[str, bool] = {}  # whether a speaker's label names a moderator
    padding = [""] * width
    for line, cells in rows:
        values = list(map(clean, cells[:width]))
        # A cell with text once unescaped has text as written: the exact test (every
        # cell as written) only for the rows that look empty.
        if not any(values) and all(_clean(c) == "" for c in cells):
            continue
        if len(cells) > width and any(_clean(c) for c in cells[width:]):
            raise UserError(_("row has {count} fields, the header {expected}").format(
                                count=len(cells), expected=width),
                            path=str(path), line=line)
        if len(values) < width:
            values += padding[len(values):]
        speaker, text = values[at_speaker], values[at_text]
        if not text:
            raise UserError(_("row has no text"), path=str(path), line=line)
        if not speaker:
            raise UserError(_("row has no speaker"), path=str(path), line=line)
        if (moderator := label_says.get(speaker)) is None:
            moderator = label_says[speaker] = is_moderator_label(speaker)
        if at_moderator is not None and values[at_moderator].casefold() in TRUE_WORDS:
            moderator = True
        key = values[at_id] if at_id is not None else ""
        group = (values[at_group] if at_group is not None else "") or None
        coder = (values[at_coder] if at_coder is not None else "") or None
        codes = [] if at_codes is None else [
            c.strip() for c in values[at_codes].split(";") if c.strip()]
        earlier = by_id.get(key) if key else None
        if earlier is not None:
            if (earlier.speaker, earlier.text, earlier.group) != (speaker, text, group):
                raise UserError(
                    _(
                        "id {key!r} was row {line} with other words or another speaker or group"
                    ).format(key=key, line=earlier.line),
                    path=str(path),
                    line=line,
                )
            if at_codes is not None:
                _add_codings(earlier, coder, codes, line)
            continue
        turn = ParsedTurn(
            speaker=speaker, text=text, is_moderator=moderator, group=group,
            external_id=key or None, line=line,
            attributes={name: value for i, name in attrs if (value := values[i])}
            if attrs else {},
        )
        if at_codes is not None:
            _add_codings(turn, coder, codes, line)
        turns.append(turn)
        if key:
            by_id[key] = turn
    if not turns:
        raise UserError(_("the table has a header but no rows"), path=str(path))
    # Each text is NFC: `_clean` makes it so, and a CSV cell is a piece of `decode_text`'s
    # NFC text cut beside ASCII punctuation (`_csv_cell`); a property test holds both.
    return ParsedSource(name=path.name, format=fmt, kind="table", content_hash=digest,
                        turns=turns, nfc=True)


def _add_codings(turn: ParsedTurn, coder: str | None, codes: list[str], line: int) -> None:
    """A coded table's row's codes for its coder; a coder's row with none is "none
    applies"."""
    if coder is None and not codes:
        return
    turn.coded_by.setdefault(coder or "", line)
    turn.codings += [(coder, code) for code in codes] or [(coder, None)]
