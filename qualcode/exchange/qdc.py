"""REFI-QDA codebooks (`.qdc`): the project's codebook out, another tool's in.

Import goes through the same merge as a YAML codebook (`import_codebook`: matched by
name, nothing deleted). `Sets` (ATLAS.ti code groups) have no place in qualcode and
are reported.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from qualcode.db.models import Code
from qualcode.domain.codebook import Codebook
from qualcode.errors import UserError
from qualcode.exchange import safe_xml
from qualcode.exchange.codes import from_refi, to_refi
from qualcode.exchange.guids import make_guid, project_namespace
from qualcode.exchange.qde_read import CODEBOOK_NS, check_namespace, read_codes
from qualcode.exchange.qde_write import codebook_xml
from qualcode.exchange.qdpx_export import ORIGIN
from qualcode.exchange.safe_zip import MAX_TOTAL
from qualcode.i18n import _
from qualcode.importers.base import read_bytes
from qualcode.services.codebook_export import export_codebook


def export_qdc(session: Session) -> bytes:
    """Needs a write session the first time (the project's GUID namespace)."""
    ns = project_namespace(session)
    book = export_codebook(session)
    if not book.codes:
        raise UserError(_("the project has no codes: a .qdc needs at least one"))
    ids = {c.name: make_guid(ns, "code", c.id) for c in session.exec(select(Code)).all()}
    return codebook_xml(to_refi(book, ids), ORIGIN)


def read_qdc(path: Path) -> tuple[Codebook, list[str]]:
    """The codebook, and what was skipped or renamed on the way."""
    if path.is_file() and path.stat().st_size > MAX_TOTAL:
        raise UserError(_("refused: the file is larger than any codebook"), path=str(path))
    root, namespace = safe_xml.parse(read_bytes(path), str(path))
    if root.tag != "CodeBook":
        hint = _("; a project is imported with `qualcode import`") if root.tag == "Project" else ""
        raise UserError(_("the root element is <{tag}>, not <CodeBook>{hint}").format(
                            tag=root.tag, hint=hint), path=str(path))
    skipped: list[str] = []
    check_namespace(namespace, CODEBOOK_NS, skipped)
    try:
        codes = read_codes(root.find("Codes"))
    except ValueError as exc:
        raise UserError(str(exc), path=str(path)) from None
    if not codes:
        raise UserError(_("the codebook has no codes"), path=str(path))
    specs, _codes = from_refi(codes, set(), skipped)
    sets = root.find("Sets")
    if sets is not None and len(sets):
        skipped.append(
            _("{count} set(s) of codes (e.g. {example!r}): qualcode has no code sets").format(
                count=len(sets), example=sets[0].get("name")
            )
        )
    return Codebook(name=path.stem, version="1", codes=specs), skipped
