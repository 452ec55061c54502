"""Importers are plug-in modules, one a format, loaded only when used.

Each module exposes `parse(path: Path) -> ParsedSource`. `--format auto` picks by
extension first, then by content.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from qualcode.errors import UserError
from qualcode.importers.base import ParsedSource

FORMATS: dict[str, str] = {
    "csv": "qualcode.importers.quote_table_csv",
    "qdpx": "qualcode.importers.qdpx",
}
"""Format name → module. A new format is one module and one line here."""

EXTENSIONS: dict[str, str] = {".csv": "csv", ".tsv": "csv", ".qdpx": "qdpx"}


def detect_format(path: Path) -> str:
    fmt = EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise UserError(f"cannot tell the format from the name; use --format ({known})",
                        path=str(path))
    return fmt


def parser_for(fmt: str) -> Callable[[Path], ParsedSource]:
    module = FORMATS.get(fmt)
    if module is None:
        raise UserError(f"unknown format {fmt!r} (known: {', '.join(sorted(FORMATS))})")
    parse: Callable[[Path], ParsedSource] = importlib.import_module(module).parse
    return parse
