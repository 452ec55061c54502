"""CSV quote tables, as written by French Excel (`;`, Windows-1252) or by anything else."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from qualcode.errors import UserError
from qualcode.importers.base import ParsedSource, content_hash, decode_text, read_bytes
from qualcode.importers.quote_table import rows_to_source


def _delimiter(text: str) -> str:
    """The delimiter of the header line: French Excel writes `;`, others `,` or tab."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def parse(path: Path) -> ParsedSource:
    data = read_bytes(path)
    text = decode_text(data, path).lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    try:
        header = next(reader)
        rows: list[tuple[int, list[object]]] = []
        start = reader.line_num + 1
        for record in reader:
            rows.append((start, list(record)))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise UserError(f"malformed CSV: {exc}", path=str(path), line=reader.line_num) from None
    return rows_to_source(path, "csv", header, rows, content_hash(data))
