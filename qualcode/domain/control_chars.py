"""Control characters no export format may hold, removed from the words they cut.

Apart from the importers' decoding, so that an export (`segments`, the coded table)
cleans its cells without loading what reading a file needs (`hashlib`'s OpenSSL).
"""

from __future__ import annotations

import re

from qualcode.i18n import _

STRAY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Characters no export format may hold (XLSX, DOCX and REFI-QDA's XML forbid them, form
feed and vertical tab included): a page break becomes a line break, the rest go."""
PAGE_BREAKS = "\x0b\x0c"
_AS_LINES = str.maketrans(dict.fromkeys(PAGE_BREAKS, "\n"))


def without_controls(text: str, where: str, notes: list[str] | None, *,
                     keep_page_breaks: bool = False) -> str:
    """`text` without stray control characters, each line that held some noted; page
    breaks become line breaks, or stay for the caller to place them."""
    if not STRAY.search(text):
        return text
    lines = sorted({text.count("\n", 0, m.start()) + 1 for m in STRAY.finditer(text)})
    if notes is not None:
        shown = ", ".join(map(str, lines[:10])) + (" …" if len(lines) > 10 else "")
        notes.append(_("{where}:{lines}: control characters removed (lines {shown})").format(
                         where=where, lines=lines[0], shown=shown))
    page_break = None if keep_page_breaks else "\n"  # None: the character itself

    def replaced(found: re.Match[str]) -> str:
        if found.group() in PAGE_BREAKS:
            return page_break or found.group()
        return ""

    return STRAY.sub(replaced, text)


def has_page_breaks(text: str) -> bool:
    return any(c in text for c in PAGE_BREAKS)


def page_breaks_as_lines(text: str) -> str:
    """A vertical tab or form feed kept by `decode_text` as a line break (FileMaker writes
    a line break inside a field as a vertical tab)."""
    return text.translate(_AS_LINES)
