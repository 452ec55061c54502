"""Editing the codebook inside a project: add, edit, move and merge codes.

Each function is one user action (the caller wraps it in `Project.write()`) and writes
its event. Codings point at codes by id, so renaming never touches them; merging moves
every coding of the source onto the target (dropping exact duplicates) before the
source goes, so no coder's work is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult
from sqlalchemy import text as sql
from sqlmodel import Session, col, select

from qualcode.db.models import Code
from qualcode.domain.codebook import COLOR, HOTKEYS, MAX_NAME, MIN_NAME
from qualcode.domain.names import normalise_name
from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.services import events


@dataclass(frozen=True)
class CodeFields:
    """What the codebook screen edits on one code."""

    name: str
    description: str = ""
    include: str = ""
    exclude: str = ""
    example: str = ""
    color: str | None = None
    key: str | None = None
    keywords: tuple[str, ...] = ()


def _code(session: Session, code_id: int) -> Code:
    code = session.get(Code, code_id)
    if code is None:
        raise UserError(_("no code with id {code_id}").format(code_id=code_id))
    return code


def _check(session: Session, fields: CodeFields, code_id: int | None, *,
           take_key: bool = False, coder: str = "") -> str:
    """The cleaned name, once nothing contradicts the fields. With `take_key`, a code
    holding the wanted hotkey gives it up (the workbench asked first), as its own edit."""
    name = " ".join(fields.name.split())
    if len(name) < MIN_NAME or not any(ch.isalnum() for ch in name):
        raise UserError(_("code name {name!r} is empty or too short").format(name=fields.name))
    if len(name) > MAX_NAME:
        raise UserError(_("code name {name!r}… is longer than {MAX_NAME} characters").format(
                            name=name[:30], MAX_NAME=MAX_NAME))
    for other in session.exec(select(Code)).all():
        if other.id == code_id:
            continue
        if normalise_name(other.name) == normalise_name(name):
            raise UserError(_("a code named {name!r} already exists").format(name=other.name))
        if fields.key and other.key == fields.key:
            if not take_key:
                raise UserError(_("hotkey {key} is already {name!r}'s").format(
                                    key=fields.key, name=other.name))
            events.record(session, coder=coder, action="codebook.edit", code_id=other.id,
                          before={"key": other.key})
            other.key = None
            session.add(other)
            session.flush()
    if fields.key is not None and fields.key not in HOTKEYS:
        raise UserError(_("hotkey {key!r} must be one digit 1-9").format(key=fields.key))
    if fields.color is not None and not COLOR.match(fields.color):
        raise UserError(_("colour {color!r} must look like #1f77b4").format(color=fields.color))
    return name


def _assign(code: Code, name: str, fields: CodeFields) -> None:
    code.name = name
    code.description, code.include = fields.description.strip(), fields.include.strip()
    code.exclude, code.example = fields.exclude.strip(), fields.example.strip()
    code.color, code.key = fields.color, fields.key
    code.keywords = [k.strip() for k in fields.keywords if k.strip()]


def add_code(session: Session, *, fields: CodeFields, parent_id: int | None, coder: str,
             take_key: bool = False) -> int:
    """A new code, last among its siblings; returns its id."""
    name = _check(session, fields, None, take_key=take_key, coder=coder)
    if parent_id is not None:
        _code(session, parent_id)
    siblings = session.exec(select(Code.position).where(Code.parent_id == parent_id)).all()
    code = Code(name=name, parent_id=parent_id, position=max(siblings, default=-1) + 1)
    _assign(code, name, fields)
    session.add(code)
    session.flush()
    assert code.id is not None
    events.record(session, coder=coder, action="codebook.add", code_id=code.id, name=name,
                  parent_id=parent_id)
    return code.id


def update_code(session: Session, *, code_id: int, fields: CodeFields, coder: str,
                take_key: bool = False) -> None:
    """Rename or edit a code in place; its codings follow it (they hold its id)."""
    code = _code(session, code_id)
    before = {"name": code.name, "description": code.description, "include": code.include,
              "exclude": code.exclude, "example": code.example, "color": code.color,
              "key": code.key, "keywords": list(code.keywords)}
    name = _check(session, fields, code_id, take_key=take_key, coder=coder)
    _assign(code, name, fields)
    session.add(code)
    session.flush()
    events.record(session, coder=coder, action="codebook.edit", code_id=code_id, before=before)


def move_code(session: Session, *, code_id: int, parent_id: int | None, position: int,
              coder: str) -> None:
    """Put a code under `parent_id` (None: top level) at `position` among its siblings."""
    code = _code(session, code_id)
    ancestor = parent_id
    while ancestor is not None:
        if ancestor == code_id:
            raise UserError(_("cannot move {name!r} under itself or one of its sub-codes").format(
                                name=code.name))
        ancestor = _code(session, ancestor).parent_id
    before = (code.parent_id, code.position)
    siblings = [c for c in session.exec(select(Code).where(Code.parent_id == parent_id)
                                        .order_by(col(Code.position), col(Code.id))).all()
                if c.id != code_id]
    position = max(0, min(position, len(siblings)))
    siblings.insert(position, code)
    code.parent_id = parent_id
    for pos, sibling in enumerate(siblings):
        sibling.position = pos
        session.add(sibling)
    session.flush()
    events.record(session, coder=coder, action="codebook.move", code_id=code_id,
                  before={"parent_id": before[0], "position": before[1]},
                  after={"parent_id": parent_id, "position": position})


def merge_codes(session: Session, *, source_id: int, target_id: int, coder: str) -> int:
    """Fold `source` into `target`: its codings and sub-codes move over, then it goes.

    Returns how many codings moved (a coding the target already has is not doubled).
    """
    if source_id == target_id:
        raise UserError(_("a code cannot be merged into itself"))
    source, target = _code(session, source_id), _code(session, target_id)
    ancestor = target.parent_id
    while ancestor is not None:
        if ancestor == source_id:
            raise UserError(_("cannot merge {name!r} into its own sub-code").format(
                                name=source.name))
        ancestor = _code(session, ancestor).parent_id
    moved = cast(CursorResult[Any], session.execute(sql(
        "UPDATE coding SET code_id = :t WHERE code_id = :s AND NOT EXISTS ("
        "SELECT 1 FROM coding o WHERE o.code_id = :t AND o.quote_id = coding.quote_id "
        "AND o.coder_id = coding.coder_id "
        "AND coalesce(o.span_start, -1) = coalesce(coding.span_start, -1) "
        "AND coalesce(o.span_end, -1) = coalesce(coding.span_end, -1))"
    ), {"s": source_id, "t": target_id})).rowcount
    session.execute(sql("DELETE FROM coding WHERE code_id = :s"), {"s": source_id})
    children = session.exec(select(Code).where(Code.parent_id == source_id)
                            .order_by(col(Code.position), col(Code.id))).all()
    last = max(session.exec(select(Code.position).where(Code.parent_id == target_id)).all(),
               default=-1)
    for offset, child in enumerate(children, start=1):
        child.parent_id, child.position = target_id, last + offset
        session.add(child)
    session.flush()
    events.record(session, coder=coder, action="codebook.merge", source_id=source_id,
                  source=source.name, target_id=target_id, target=target.name,
                  codings_moved=int(moved or 0))
    session.delete(source)
    session.flush()
    return int(moved or 0)
