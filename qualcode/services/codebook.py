"""The codebook inside a project: import from a `Codebook`, read back as a tree.

Import merges by name: a code already in the project is updated in place (its
codings stay attached), a new one is added, and nothing is deleted behind the
user's back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from qualcode.db.reader import json_value
from qualcode.db.writer import Writer, writer_of
from qualcode.domain.codebook import Codebook, CodeSpec
from qualcode.domain.names import normalise_name
from qualcode.errors import UserError
from qualcode.i18n import _

if TYPE_CHECKING:
    from sqlmodel import Session

FIELDS = ("description", "include", "exclude", "example", "color", "key", "keywords",
          "exclusive")
PLACE = ("parent_id", "position")
_COLUMNS = ", ".join(f'"{name}"' for name in ("id", "name", *PLACE, *FIELDS))


def import_codebook(source: Writer | Session, book: Codebook) -> tuple[int, int]:
    """Add and update what the file states, keep what it does not; returns (added,
    updated). A whole codebook (YAML) states every field of its codes and their places;
    a partial one (REFI-QDA) only what it carries, and moves an existing code only when
    it nests it under a parent. Codes the file does not name keep everything, their
    hotkeys too; a hotkey that would end up on two codes refuses the import."""
    db = writer_of(source)
    existing = {normalise_name(row[1]): _code(row)
                for row in db.rows(f"SELECT {_COLUMNS} FROM code")}  # noqa: S608
    added = updated = 0

    def put(spec: CodeSpec, parent_id: int | None, position: int, nested: bool) -> None:
        nonlocal added, updated
        code = existing.get(normalise_name(spec.name))
        whole = spec.stated is None
        stated = {name: _field(spec, name) for name in FIELDS
                  if code is None or whole or name in (spec.stated or ())}
        if code is None or whole or nested:
            stated |= {"parent_id": parent_id, "position": position}
        if code is None:
            code = {"name": spec.name, **stated}
            code["id"] = db.insert(_inserting(code), _values(db, code))
            existing[normalise_name(spec.name)] = code
            added += 1
        else:
            code.update(stated)
            if stated:
                db.execute(_updating(stated), (*_values(db, stated), code["id"]))
            updated += 1
        for pos, child in enumerate(spec.children):
            put(child, code["id"], pos, True)

    for pos, spec in enumerate(book.codes):
        put(spec, None, pos, False)
    _refuse_shared_hotkeys(existing.values())
    _set_meta(db, "codebook.name", book.name)
    _set_meta(db, "codebook.version", book.version)
    return added, updated


def _field(spec: CodeSpec, name: str) -> Any:
    value = getattr(spec, name)
    return list(value) if name == "keywords" else value


def _code(row: tuple[Any, ...]) -> dict[str, Any]:
    code = dict(zip(("id", "name", *PLACE, *FIELDS), row, strict=True))
    code["keywords"] = json_value(code["keywords"])
    return code


def _values(db: Writer, code: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(db.json(value) if name == "keywords" else value
                 for name, value in code.items())


def _inserting(code: dict[str, Any]) -> str:
    columns = ", ".join(f'"{name}"' for name in code)
    return f"INSERT INTO code ({columns}) VALUES ({', '.join('?' * len(code))})"  # noqa: S608


def _updating(stated: dict[str, Any]) -> str:
    columns = ", ".join(f'"{name}" = ?' for name in stated)
    return f"UPDATE code SET {columns} WHERE id = ?"  # noqa: S608


def _refuse_shared_hotkeys(codes: Iterable[dict[str, Any]]) -> None:
    holder: dict[str, str] = {}
    for code in sorted(codes, key=lambda c: c["id"]):
        if code["key"] is None:
            continue
        if code["key"] in holder:
            raise UserError(_("hotkey {key} would be both « {holder} »'s and « {name} »'s: give "
                              "one of them another key in the file, or none").format(
                                key=code["key"], holder=holder[code["key"]], name=code["name"]))
        holder[code["key"]] = code["name"]


def _set_meta(db: Writer, key: str, value: str) -> None:
    db.execute('INSERT INTO meta ("key", value) VALUES (?, ?) '
               'ON CONFLICT ("key") DO UPDATE SET value = excluded.value', (key, value))
