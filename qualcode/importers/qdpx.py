"""REFI-QDA projects (`.qdpx`): the archive read safely into `RProject`.

A `.qdpx` is a whole project (codebook, coders, codings, memos), not one source of
turns, so it does not fit `ParsedSource`: `qualcode import` sends it to
`qualcode.exchange.qdpx_import` instead, and `parse` says so if reached otherwise.
"""

from __future__ import annotations

from pathlib import Path

from qualcode.errors import UserError
from qualcode.exchange import safe_xml
from qualcode.exchange.qde_read import PROJECT_NS, check_namespace, read_project
from qualcode.exchange.refi_model import RProject
from qualcode.exchange.safe_zip import SafeArchive
from qualcode.exchange.schema_check import schema_errors
from qualcode.i18n import _
from qualcode.importers.base import ParsedSource


def parse(path: Path) -> ParsedSource:
    raise UserError(_("a REFI-QDA project is imported on its own: `qualcode import FILE.qdpx`"),
                    path=str(path))


def _project_entry(archive: SafeArchive) -> str:
    """`project.qde` at the root; ATLAS.ti sometimes names it after the project."""
    roots = [n for n in archive.names() if "/" not in n.replace("\\", "/")
             and n.lower().endswith(".qde")]
    for name in roots:
        if name.lower() == "project.qde":
            return name
    if len(roots) == 1:
        return roots[0]
    found = "none" if not roots else ", ".join(roots)
    raise UserError(_("the archive needs one project.qde at its root (found: {found})").format(
                        found=found),
                    path=str(archive.path))


CHECK_UP_TO = 20_000_000
"""Bytes of `project.qde` checked against the schema (2.6 MB a second: 8 s at most)."""


def schema_warning(data: bytes, entry: str) -> list[str]:
    """Real exports often break the schema in harmless ways (requal #176), so a violation
    is a warning and the import goes on; the user learns the file is not clean."""
    if len(data) > CHECK_UP_TO:
        return [_("note: {entry} ({value} MB) not checked against the REFI-QDA schema").format(
                    entry=entry, value=len(data) // 1_000_000)]
    errors = schema_errors(data, "project")
    if not errors:
        return []
    return [_("warning: {entry} breaks the REFI-QDA schema in {count} place(s), e.g. {errors}; "
              "imported as far as it can be read").format(
                entry=entry, count=len(errors), errors=errors[0])]


def read(path: Path) -> RProject:
    with SafeArchive(path) as archive:
        entry = _project_entry(archive)
        where = f"{path}:{entry}"
        data = archive.read(entry)
        root, namespace = safe_xml.parse(data, where)
        if root.tag != "Project":
            raise UserError(
                _("the root element is <{tag}>, not <Project>").format(tag=root.tag), path=where
            )
        notes: list[str] = []
        check_namespace(namespace, PROJECT_NS, notes)
        notes.extend(schema_warning(data, entry))
        used = {entry.lower()}

        def load_text(ref: str) -> str | None:
            scheme, sep, rest = ref.partition("://")
            if sep and scheme.lower() != "internal":
                notes.append(_("{ref}: an external file, not in the archive").format(ref=ref))
                return None
            name = "sources/" + (rest if sep else ref).lstrip("/")
            if not archive.has(name):
                notes.append(_("{ref}: not in the archive").format(ref=ref))
                return None
            used.add(name.lower())
            data = archive.read(name)
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                notes.append(f"{ref}: not UTF-8 text")
                return None

        project = read_project(root, load_text)
        unread = [n for n in archive.names() if n.lower() not in used
                  and archive.size(n) > 0]
        if unread:
            notes.append(_("{count} file(s) of the archive not read (qualcode reads plain text "
                           "only), e.g. {unread}").format(count=len(unread), unread=unread[0]))
        project.skipped[:0] = notes
    return project
