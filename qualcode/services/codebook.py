"""The codebook inside a project: import from a `Codebook`, read back as a tree.

Import merges by name: a code already in the project is updated in place (its
codings stay attached), a new one is added, and nothing is deleted behind the
user's back.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, select

from qualcode.db.models import Code, Meta
from qualcode.domain.codebook import Codebook, CodeSpec, normalise_name
from qualcode.errors import UserError
from qualcode.i18n import _

FIELDS = ("description", "include", "exclude", "example", "color", "key", "keywords",
          "exclusive")


def import_codebook(session: Session, book: Codebook) -> tuple[int, int]:
    """Add and update what the file states, keep what it does not; returns (added,
    updated). A whole codebook (YAML) states every field of its codes and their places;
    a partial one (REFI-QDA) only what it carries, and moves an existing code only when
    it nests it under a parent. Codes the file does not name keep everything, their
    hotkeys too; a hotkey that would end up on two codes refuses the import."""
    existing = {normalise_name(c.name): c for c in session.exec(select(Code)).all()}
    added = updated = 0

    def put(spec: CodeSpec, parent_id: int | None, position: int, nested: bool) -> None:
        nonlocal added, updated
        code = existing.get(normalise_name(spec.name))
        whole = spec.stated is None
        if code is None:
            code = Code(name=spec.name)
            existing[normalise_name(spec.name)] = code
            added += 1
        else:
            updated += 1
        if code.id is None or whole or nested:
            code.parent_id, code.position = parent_id, position
        for name in FIELDS:
            if code.id is None or whole or name in (spec.stated or ()):
                value = getattr(spec, name)
                setattr(code, name, list(value) if name == "keywords" else value)
        session.add(code)
        session.flush()
        for pos, child in enumerate(spec.children):
            put(child, code.id, pos, True)

    for pos, spec in enumerate(book.codes):
        put(spec, None, pos, False)
    _refuse_shared_hotkeys(existing.values())
    _set_meta(session, "codebook.name", book.name)
    _set_meta(session, "codebook.version", book.version)
    session.flush()
    return added, updated


def _refuse_shared_hotkeys(codes: Iterable[Code]) -> None:
    holder: dict[str, str] = {}
    for code in sorted(codes, key=lambda c: c.id or 0):
        if code.key is None:
            continue
        if code.key in holder:
            raise UserError(_("hotkey {key} would be both « {holder} »'s and « {name} »'s: give "
                              "one of them another key in the file, or none").format(
                                key=code.key, holder=holder[code.key], name=code.name))
        holder[code.key] = code.name


def _set_meta(session: Session, key: str, value: str) -> None:
    row = session.get(Meta, key) or Meta(key=key, value=value)
    row.value = value
    session.add(row)
