"""A project → `project.qde`, and codes → `.qdc`, in the order the schemas enforce.

Empty wrappers are invalid (`<Codes/>`, `<Users/>`…), so a wrapper is written only
when it has children. Plain-text sources point at `internal://<GUID>.txt` and never
carry a `richTextPath` (ATLAS.ti rejects a `.txt` there).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from itertools import repeat
from typing import BinaryIO

from qualcode.exchange.qde_read import CODEBOOK_NS, PROJECT_NS
from qualcode.exchange.refi_model import RCase, RCode, RProject, Value
from qualcode.exchange.xml_write import Node, attribute, escape_text, pad, serialise, write_xml


def stamp(value: datetime | str | None) -> str | None:
    """To the second, in UTC. SQLite hands back the stored text (`2023-11-21 09:00:07.000000`,
    UTC): sliced, not parsed, on the export's path."""
    if value is None:
        return None
    if isinstance(value, str):
        if len(value) in (19, 26) and value[10] in " T":
            return f"{value[:10]}T{value[11:19]}Z"
        value = datetime.fromisoformat(value)
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return aware.strftime("%Y-%m-%dT%H:%M:%SZ")


def source_file(guid: str) -> str:
    return f"{guid}.txt"


def _codes(parent: Node, codes: list[RCode]) -> None:
    for code in codes:
        node = parent.add("Code", {"guid": code.guid, "name": code.name,
                                   "isCodable": "true" if code.codable else "false",
                                   "color": code.color})
        if code.description:
            node.add("Description", text=code.description)
        _codes(node, code.children)


def _value(node: Node, kind: str, value: Value) -> None:
    if kind == "Boolean":
        node.add("BooleanValue", text="true" if value else "false")
    elif kind == "Integer":
        node.add("IntegerValue", text=str(value))
    elif kind == "Float":  # xsd:decimal: no exponent, so not repr()
        node.add("FloatValue", text=format(Decimal(repr(float(value))), "f"))
    else:
        node.add("TextValue", text=str(value))


SELECTION = pad(3)
"""Project > Sources > TextSource > PlainTextSelection, as Project > Notes > Note > it."""
_INSIDE = pad(4)
_DEEPER = pad(5)


def who(user: str | None, created: str | None) -> str:
    """The `creatingUser` and `creationDateTime` attributes (`created` stamped already),
    made once per coder and time and shared by the selections and codings that have
    them; a GUID and a stamp hold nothing XML escapes."""
    return (f' creatingUser="{user}"' if user is not None else "") + (
        f' creationDateTime="{created}"' if created is not None else "")


def place(name: str, start: int, end: int) -> str:
    """A selection's `name` and range attributes: made once for the selections of one
    stretch (a quote and its whole-quote codings)."""
    return f'{attribute("name", name)} startPosition="{start}" endPosition="{end}"'


def coding_xml(guid: str, code: str, by: str, note: str | None = None) -> str:
    """A selection's `Coding`, `by` from `who`, with its memo's note if it has one."""
    ref = f'{_DEEPER}<NoteRef targetGUID="{note}"/>\n' if note is not None else ""
    return (f'{_INSIDE}<Coding guid="{guid}"{by}>\n{_DEEPER}<CodeRef targetGUID="{code}"/>\n'
            f"{ref}{_INSIDE}</Coding>\n")


def selection_xml(guid: str, where: str, by: str, body: str = "") -> str:
    """A `PlainTextSelection`: `where` from `place`, `by` from `who`, `body` its
    description, codings and note references (`description_xml`, `coding_xml`,
    `note_refs_xml`, in that order). Strings, not nodes: a large project has a million."""
    head = f'{SELECTION}<PlainTextSelection guid="{guid}"{where}{by}'
    return f"{head}>\n{body}{SELECTION}</PlainTextSelection>\n" if body else head + "/>\n"


_CODED = (f'{SELECTION}<PlainTextSelection guid="%s"%s%s>\n{_INSIDE}<Coding guid="%s"%s>\n'
          f'{_DEEPER}<CodeRef targetGUID="%s"/>\n{_INSIDE}</Coding>\n'
          f"{SELECTION}</PlainTextSelection>\n").encode()


def coded_selections(guids: Sequence[bytes], where: bytes, bys: Sequence[bytes],
                     codings: Sequence[bytes], codes: Sequence[bytes]) -> Iterator[bytes]:
    """`selection_xml(guid, where, by, coding_xml(coding, code, by))` of each, encoded:
    selections holding one coding and nothing else, which a large project has a million
    times, made by `map` over the columns (no Python frame per selection, no text to
    encode). Every item is UTF-8 already (`where` and `by` encoded once a stretch and a
    coder's second)."""
    return map(_CODED.__mod__, zip(guids, repeat(where), bys, codings, bys, codes))


def description_xml(text: str) -> str:
    """A selection's `Description` (nothing when empty)."""
    return f"{_INSIDE}<Description>{escape_text(text)}</Description>\n" if text else ""


def note_refs_xml(notes: Iterable[str], depth: int = 4) -> str:
    return "".join(f'{pad(depth)}<NoteRef targetGUID="{n}"/>\n' for n in notes)


_REF = f'{SELECTION}<SelectionRef targetGUID="'.encode()
_REF_END = b'"/>\n'


def selection_refs(guids: bytes) -> bytes:
    """A case's `SelectionRef`s to `guids`, one a line, in one step."""
    return _REF + guids.replace(b"\n", _REF_END + _REF) + _REF_END if guids else b""


def source_head(guid: str, name: str, by: str, description: str = "") -> str:
    """A `TextSource` opened; its selections follow, then `source_tail`."""
    described = (f"{SELECTION}<Description>{escape_text(description)}</Description>\n"
                 if description else "")
    return (f'{pad(2)}<TextSource guid="{guid}"{attribute("name", name)} '
            f'plainTextPath="internal://{source_file(guid)}"{by}>\n{described}')


def source_tail(notes: Iterable[str]) -> str:
    return f"{note_refs_xml(notes, 3)}{pad(2)}</TextSource>\n"


def note_xml(guid: str, name: str, by: str, text: str, anchor: str = "") -> str:
    """A `Note`; `anchor` is the `selection_xml` of the stretch it is about, if any."""
    return (f'{pad(2)}<Note guid="{guid}"{attribute("name", name)}{by}>\n'
            f"{SELECTION}<PlainTextContent>{escape_text(text)}</PlainTextContent>\n"
            f"{anchor}{pad(2)}</Note>\n")


@dataclass
class ProjectStream:
    """A `project.qde` written as the database is read: the head (users, codes,
    variables, cases) is small and held; what grows with the quotes (the cases'
    selection references, the sources, the notes) comes from functions the writer
    calls when it reaches them, one piece at a time, already serialised and encoded."""

    head: RProject
    selection_refs: Callable[[RCase], Iterable[bytes]]
    """The references to the selections a case claims (`selection_refs`)."""
    sources: Callable[[], Iterable[bytes]]
    notes: Callable[[], Iterable[bytes]]


def write_project_xml(project: ProjectStream, sink: BinaryIO) -> None:
    """`project.qde` written to `sink` as it is made (see `ProjectStream`)."""
    head = project.head
    root = Node("Project", {"name": head.name, "origin": head.origin})
    if head.users:
        users = root.add("Users")
        for user in head.users:
            users.add("User", {"guid": user.guid, "name": user.name})
    if head.codes:
        _codes(root.add("CodeBook").add("Codes"), head.codes)
    kinds = {v.guid: v.kind for v in head.variables}
    if head.variables:
        variables = root.add("Variables")
        for var in head.variables:
            node = variables.add("Variable", {"guid": var.guid, "name": var.name,
                                              "typeOfVariable": var.kind})
            if var.description:
                node.add("Description", text=var.description)
    if head.cases:
        cases = root.add("Cases")
        for case in head.cases:
            node = cases.add("Case", {"guid": case.guid, "name": case.name})
            if case.description:
                node.add("Description", text=case.description)
            for var_guid, value in case.values:
                vv = node.add("VariableValue")
                vv.add("VariableRef", {"targetGUID": var_guid})
                _value(vv, kinds[var_guid], value)
            for ref in case.source_refs:
                node.add("SourceRef", {"targetGUID": ref})
            node.later = partial(project.selection_refs, case)
    root.add("Sources").later = project.sources
    root.add("Notes").later = project.notes
    if head.description:
        root.add("Description", text=head.description)
    write_xml(root, PROJECT_NS, sink)


def codebook_xml(codes: list[RCode], origin: str) -> bytes:
    root = Node("CodeBook", {"origin": origin})
    _codes(root.add("Codes"), codes)
    return serialise(root, CODEBOOK_NS)
