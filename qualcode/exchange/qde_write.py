"""`RProject` → `project.qde`, and codes → `.qdc`, in the order the schemas enforce.

Empty wrappers are invalid (`<Codes/>`, `<Users/>`…), so a wrapper is written only
when it has children. Plain-text sources point at `internal://<GUID>.txt` and never
carry a `richTextPath` (ATLAS.ti rejects a `.txt` there).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import BinaryIO

from qualcode.exchange.qde_read import CODEBOOK_NS, PROJECT_NS
from qualcode.exchange.refi_model import (
    RCode,
    RCoding,
    RProject,
    RSelection,
    RTextSource,
    Value,
)
from qualcode.exchange.xml_write import Node, serialise, write_xml


def stamp(value: datetime | None) -> str | None:
    if value is None:
        return None
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


def _coding(parent: Node, coding: RCoding) -> None:
    node = parent.add("Coding", {"guid": coding.guid, "creatingUser": coding.user,
                                 "creationDateTime": stamp(coding.created)})
    node.add("CodeRef", {"targetGUID": coding.code})
    for note in coding.notes:
        node.add("NoteRef", {"targetGUID": note})


def _selection(parent: Node, sel: RSelection) -> None:
    node = parent.add("PlainTextSelection", {
        "guid": sel.guid, "name": sel.name, "startPosition": str(sel.start),
        "endPosition": str(sel.end), "creatingUser": sel.user,
        "creationDateTime": stamp(sel.created)})
    if sel.description:
        node.add("Description", text=sel.description)
    for coding in sel.codings:
        _coding(node, coding)
    for note in sel.notes:
        node.add("NoteRef", {"targetGUID": note})


def project_xml(project: RProject) -> bytes:
    out = io.BytesIO()
    write_project_xml(project, out)
    return out.getvalue()


def _source(source: RTextSource) -> Node:
    node = Node("TextSource", {
        "guid": source.guid, "name": source.name,
        "plainTextPath": "internal://" + source_file(source.guid),
        "creatingUser": source.user, "creationDateTime": stamp(source.created)})
    if source.description:
        node.add("Description", text=source.description)
    for sel in source.selections:
        _selection(node, sel)
    for ref in source.notes:
        node.add("NoteRef", {"targetGUID": ref})
    return node


def _sources(project: RProject) -> Iterator[Node]:
    return (_source(source) for source in project.sources)


def write_project_xml(project: RProject, sink: BinaryIO) -> None:
    """`project.qde` written to `sink` as it is made: each source's tree (its selections
    and codings, most of a large project) is built when the writer reaches it and dropped
    after, so the XML never sits whole in memory."""
    root = Node("Project", {"name": project.name, "origin": project.origin})
    if project.users:
        users = root.add("Users")
        for user in project.users:
            users.add("User", {"guid": user.guid, "name": user.name})
    if project.codes:
        _codes(root.add("CodeBook").add("Codes"), project.codes)
    kinds = {v.guid: v.kind for v in project.variables}
    if project.variables:
        variables = root.add("Variables")
        for var in project.variables:
            node = variables.add("Variable", {"guid": var.guid, "name": var.name,
                                              "typeOfVariable": var.kind})
            if var.description:
                node.add("Description", text=var.description)
    if project.cases:
        cases = root.add("Cases")
        for case in project.cases:
            node = cases.add("Case", {"guid": case.guid, "name": case.name})
            if case.description:
                node.add("Description", text=case.description)
            for var_guid, value in case.values:
                vv = node.add("VariableValue")
                vv.add("VariableRef", {"targetGUID": var_guid})
                _value(vv, kinds[var_guid], value)
            for ref in case.source_refs:
                node.add("SourceRef", {"targetGUID": ref})
            for ref in case.selection_refs:
                node.add("SelectionRef", {"targetGUID": ref})
    if project.sources:
        root.add("Sources").later = lambda: _sources(project)
    if project.notes:
        notes = root.add("Notes")
        for note in project.notes:
            node = notes.add("Note", {"guid": note.guid, "name": note.name,
                                      "creatingUser": note.user,
                                      "creationDateTime": stamp(note.created)})
            node.add("PlainTextContent", text=note.text)
            if note.anchor is not None:
                _selection(node, note.anchor)
    if project.description:
        root.add("Description", text=project.description)
    write_xml(root, PROJECT_NS, sink)


def codebook_xml(codes: list[RCode], origin: str) -> bytes:
    root = Node("CodeBook", {"origin": origin})
    _codes(root.add("Codes"), codes)
    return serialise(root, CODEBOOK_NS)
