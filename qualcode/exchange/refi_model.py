"""The part of a REFI-QDA project qualcode reads and writes, as plain data.

Both directions go through these classes: export builds them from a project and
serialises them; import parses a `.qde` into them and maps them onto a project.
GUIDs are kept in canonical form (upper case, no braces).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

Value = str | bool | int | float


@dataclass
class RUser:
    guid: str
    name: str


@dataclass
class RCode:
    guid: str
    name: str
    description: str = ""
    color: str | None = None
    codable: bool = True
    children: list[RCode] = field(default_factory=list)


@dataclass
class RVariable:
    guid: str
    name: str
    kind: str  # typeOfVariable: Text, Boolean, Integer, Float, Date, DateTime
    description: str = ""


@dataclass
class RCase:
    guid: str
    name: str
    description: str = ""
    values: list[tuple[str, Value]] = field(default_factory=list)  # (variable guid, value)
    source_refs: list[str] = field(default_factory=list)
    selection_refs: list[str] = field(default_factory=list)


@dataclass
class RCoding:
    guid: str
    code: str
    user: str | None = None
    created: datetime | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class RSelection:
    guid: str
    start: int
    end: int
    name: str | None = None
    user: str | None = None
    created: datetime | None = None
    codings: list[RCoding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    description: str = ""
    """ATLAS.ti's quotation comment, MAXQDA's comment on a coded segment."""


@dataclass
class RTextSource:
    guid: str
    name: str
    text: str
    description: str = ""
    user: str | None = None
    created: datetime | None = None
    selections: list[RSelection] = field(default_factory=list)
    codings: list[RCoding] = field(default_factory=list)  # whole-document codings
    notes: list[str] = field(default_factory=list)
    """Notes on the source; QualCoder reads a quote's memo (its "annotation") only from
    here, with the range in the note's own `PlainTextSelection`."""


@dataclass
class RNote:
    guid: str
    name: str
    text: str
    user: str | None = None
    created: datetime | None = None
    anchor: RSelection | None = None
    """The stretch an annotation is about (`Note/PlainTextSelection`, as QualCoder
    writes and reads it), positioned in `anchor_source`."""
    anchor_source: str = ""


@dataclass
class RProject:
    name: str
    origin: str = ""
    description: str = ""
    users: list[RUser] = field(default_factory=list)
    codes: list[RCode] = field(default_factory=list)
    variables: list[RVariable] = field(default_factory=list)
    cases: list[RCase] = field(default_factory=list)
    sources: list[RTextSource] = field(default_factory=list)
    notes: list[RNote] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """What the file holds that qualcode has no place for, one line each."""
