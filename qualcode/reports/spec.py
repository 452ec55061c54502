"""Saved report definitions: `qualcode report --spec synthese.toml`.

A synthesis is re-run many times as the coding grows; a spec file keeps everything that
defines it (scope, theme subtree, attribute, filters, quotes per cell, context, annex,
language, formats and file names) beside the project, so each run is the same report
over the new coding. Files named in it are read and written relative to the spec file.

    [report]
    coder = "alice"            # or consensus = true; default: every coder but auto
    theme = "data security"    # a theme and its sub-themes
    by = "caregiver"           # columns: an attribute's values instead of the groups
    where = ["mes_user=yes"]   # only these participants
    quotes = 3                 # illustrative quotes per cell
    context = true             # each quote with the moderator's question
    all_quotes = true          # the annex (docx, xlsx, json)
    subthemes = false
    indicators = "indicators.yaml"
    lang = "fr"

    [outputs]
    md = "synthese.md"
    docx = "synthese.docx"
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from qualcode.errors import UserError, toml_error
from qualcode.i18n import LANGUAGES, _
from qualcode.settings import line_of

FORMATS = ("md", "csv", "xlsx", "html", "docx", "json")
TYPES: dict[str, type | tuple[type, ...]] = {
    "coder": str, "consensus": bool, "theme": str, "by": str, "where": list, "quotes": int,
    "context": bool, "all_quotes": bool, "subthemes": bool, "indicators": str, "lang": str}


class ReportSpec(NamedTuple):
    """What `report` needs, as the spec file gives it."""

    outputs: dict[str, Path]
    coder: str | None = None
    consensus: bool = False
    theme: str | None = None
    by: str | None = None
    where: tuple[str, ...] = ()
    quotes: int = 3
    context: bool = False
    all_quotes: bool = False
    subthemes: bool = False
    indicators: Path | None = None
    lang: str | None = None


def load_spec(path: Path) -> ReportSpec:
    """The spec in `path`; anything wrong is one line naming the file and the line."""
    import tomllib

    where = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise UserError(_("cannot read the report spec: {strerror}").format(
            strerror=exc.strerror), path=where) from None
    except UnicodeDecodeError:
        raise UserError(_("the report spec is not UTF-8 text"), path=where) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise toml_error(exc, where) from None
    unknown = sorted(set(data) - {"report", "outputs"})
    if unknown:
        raise UserError(_("unknown table [{name}] (a spec has [report] and [outputs])").format(
            name=unknown[0]), path=where, line=_table_line(text, unknown[0]))
    report = data.get("report", {})
    outputs = data.get("outputs", {})
    if not isinstance(report, dict) or not isinstance(outputs, dict):
        raise UserError(_("[report] and [outputs] must be tables"), path=where)
    values: dict[str, Any] = {}
    for key, value in report.items():
        if key not in TYPES:
            raise UserError(_("unknown key {key!r} in [report] (known: {items})").format(
                key=key, items=", ".join(TYPES)), path=where, line=line_of(text, key))
        kind = TYPES[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise UserError(_("{key} has the wrong type ({value!r})").format(
                key=key, value=value), path=where, line=line_of(text, key))
        values[key] = value
    if isinstance(values.get("where"), list) and not all(
            isinstance(w, str) for w in values["where"]):
        raise UserError(_("where is a list of \"ATTRIBUTE=VALUE\" texts"), path=where,
                        line=line_of(text, "where"))
    if not outputs:
        raise UserError(_("the spec writes nothing: add [outputs] with a file per format "
                          "(md = \"synthese.md\")"), path=where)
    files: dict[str, Path] = {}
    for fmt, name in outputs.items():
        if fmt not in FORMATS:
            raise UserError(_("unknown format {fmt!r} in [outputs] (available: {items})").format(
                fmt=fmt, items=", ".join(FORMATS)), path=where, line=line_of(text, fmt))
        if not isinstance(name, str) or not name.strip():
            raise UserError(_("{fmt} needs a file name").format(fmt=fmt), path=where,
                            line=line_of(text, fmt))
        files[fmt] = path.parent / name
    if values.get("all_quotes") and set(files) == {"csv"}:
        raise UserError(_("all_quotes has no place in a csv output"), path=where,
                        line=line_of(text, "all_quotes"))
    if values.get("lang") not in (None, *LANGUAGES):
        raise UserError(_("lang is fr or en, not {value!r}").format(value=values["lang"]),
                        path=where, line=line_of(text, "lang"))
    if "where" in values:
        values["where"] = tuple(values["where"])
    if "indicators" in values:
        values["indicators"] = path.parent / values["indicators"]
    return ReportSpec(outputs=files, **values)


def _table_line(text: str, name: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith(f"[{name}]"):
            return number
    return None
