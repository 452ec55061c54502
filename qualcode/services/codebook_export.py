"""The whole codebook as a `Codebook` (every field of every code), as `codebook export`,
the workbench and the REFI-QDA exports write it: plain SQL through a `Reader`, so that
`export FILE.qdpx` reads it without SQLAlchemy, and through a Session's connection
elsewhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualcode.db.reader import Reader, json_value, reader_of
from qualcode.domain.codebook import Codebook, CodeSpec

if TYPE_CHECKING:
    from sqlmodel import Session


def export_codebook(source: Reader | Session) -> Codebook:
    db = reader_of(source)
    rows = db.rows("SELECT id, parent_id, name, description, include, exclude, example, color, "
                   "key, keywords, exclusive FROM code ORDER BY position, id")
    specs = {
        cid: CodeSpec(name=name, description=description, include=include, exclude=exclude,
                      example=example, color=color, key=key,
                      keywords=list(json_value(keywords) or []), exclusive=bool(exclusive))
        for cid, _parent, name, description, include, exclude, example, color, key, keywords,
        exclusive in rows
    }
    roots: list[CodeSpec] = []
    for cid, parent, *_rest in rows:
        (specs[parent].children if parent is not None else roots).append(specs[cid])
    meta = dict(db.rows("SELECT key, value FROM meta WHERE key IN (?, ?)",
                        ("codebook.name", "codebook.version")))
    return Codebook(name=meta.get("codebook.name", "codebook"),
                    version=meta.get("codebook.version", "1"), codes=roots)
