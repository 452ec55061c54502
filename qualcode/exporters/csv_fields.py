"""CSV fields made as strings, for a writer that makes each distinct cell once.

`csv.writer` looks at every character of every row twice, through a call per character:
for the coded-segment table, where the same verbatim and the same head of cells repeat
over a million rows, joining fields written once is several times faster.
"""

from __future__ import annotations

import re

_QUOTED = re.compile('[,"\r\n]')


def csv_field(value: object) -> str:
    """`value` as `csv.writer` writes a field of a row of several (the excel dialect:
    comma, double quotes doubled, CRLF, quoted only when needed; None as nothing). A
    test holds it to `csv.writer`."""
    text = "" if value is None else str(value)
    if _QUOTED.search(text) is None:
        return text
    return '"' + text.replace('"', '""') + '"'
