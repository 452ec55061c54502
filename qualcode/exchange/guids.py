"""GUIDs: stable across exports of one project, compared loosely on import.

Each project draws one random namespace the first time it is exported (kept in
`meta`); every entity's GUID is `uuid5(namespace, "<kind>:<id>")`, so exporting the
same project twice gives the same GUIDs, and two projects never share them.
Other tools write GUIDs in either case, sometimes in braces: compare them canonical.
"""

from __future__ import annotations

import uuid

from sqlmodel import Session

from qualcode.db.models import Meta

NAMESPACE_KEY = "refi.namespace"


def project_namespace(session: Session) -> uuid.UUID:
    """The project's namespace, drawn and stored on first use (needs a write session)."""
    row = session.get(Meta, NAMESPACE_KEY)
    if row is None:
        row = Meta(key=NAMESPACE_KEY, value=str(uuid.uuid4()))
        session.add(row)
        session.flush()
    return uuid.UUID(row.value)


def make_guid(namespace: uuid.UUID, kind: str, ident: object) -> str:
    return str(uuid.uuid5(namespace, f"{kind}:{ident}")).upper()


def canonical(value: str | None) -> str | None:
    """`{abc…}` and `ABC…` are the same GUID; anything else is kept as an opaque key."""
    if value is None:
        return None
    value = value.strip()
    if value.startswith("{") and value.endswith("}"):
        value = value[1:-1]
    return value.upper() or None
