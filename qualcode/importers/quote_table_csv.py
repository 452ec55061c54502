"""CSV quote tables, as written by French Excel (`;`, Windows-1252) or by anything else.

Excel's `sep=;` first line (which it writes and reads to pick the delimiter) is
honoured; otherwise the delimiter is the most frequent of `;`, `,` and tab in the
header line. Line numbers in errors are the file's physical lines, so a quoted field
holding line breaks does not shift them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.importers.base import ParsedSource, content_hash, decode_text, read_bytes
from qualcode.importers.quote_table import rows_to_source


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def parse(path: Path) -> ParsedSource:
    data = read_bytes(path)
    text = decode_text(data, path)
    first, _newline, rest = text.partition("\n")
    skipped = 0
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        delimiter, text, skipped = first.strip()[4], rest, 1
    else:
        delimiter = _delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise UserError(_("the table has no header line"), path=str(path))
        start = reader.line_num + 1 + skipped
        records = list(reader)
    except csv.Error as exc:
        raise UserError(_("malformed CSV: {exc}").format(exc=exc), path=str(path),
                        line=reader.line_num + skipped) from None
    one_line_each = reader.line_num + skipped - start + 1 == len(records)
    rows = (zip(range(start, start + len(records)), records, strict=True) if one_line_each
            else _numbered(start, records))
    return rows_to_source(path, "csv", header, rows, content_hash(data), header_line=1 + skipped)


def _numbered(first: int, records: list[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """Each record with the physical line it starts on, when some span several: a line
    break can only be inside a quoted cell, where the reader keeps it (the text's line
    ends are all LF by then)."""
    line = first
    for record in records:
        yield line, record
        line += 1 + sum(cell.count("\n") for cell in record)
