"""`project.qde` / `.qdc` XML → `RProject`, leniently: what is readable is read, what
qualcode has no place for is listed in `skipped`, and only unreadable XML stops.

Positions are read as the standard says (code points, half-open); the conventions
of particular tools about line ends are settled later, against the source text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element

from qualcode.domain.codebook import MAX_DEPTH, MAX_NAME
from qualcode.exchange.guids import canonical
from qualcode.exchange.refi_model import (
    RCase,
    RCode,
    RCoding,
    RNote,
    RProject,
    RSelection,
    RTextSource,
    RUser,
    RVariable,
    Value,
)
from qualcode.i18n import _

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
OTHER_SOURCES = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")

_GUIDISH = re.compile(r"^\{?[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\}?$")

TextLoader = Callable[[str], str | None]
"""Reads an internal `plainTextPath` (`internal://x.txt`, or a bare name) from the archive."""


def check_namespace(namespace: str | None, expected: str, skipped: list[str]) -> None:
    prefix = expected.rsplit(":", 1)[0] + ":"
    if namespace is None:
        skipped.append(_("warning: the file declares no namespace (expected {expected})").format(
                           expected=expected))
    elif namespace != expected:
        if namespace.startswith(prefix):
            skipped.append(_("warning: namespace {namespace} read as {expected}").format(
                               namespace=namespace, expected=expected))
        else:
            skipped.append(
                _("warning: unexpected namespace {namespace} (expected {expected})").format(
                    namespace=namespace, expected=expected
                )
            )


def when(raw: str | None) -> datetime | None:
    """A REFI-QDA moment in UTC; None when absent, malformed or out of range (year 1 at
    +14:00 falls before the first representable instant in UTC)."""
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _guid(el: Element, attr: str = "guid") -> str:
    return canonical(el.get(attr)) or ""


def _child_text(el: Element, tag: str) -> str:
    found = el.find(tag)
    return (found.text or "") if found is not None else ""


def read_codes(parent: Element | None, depth: int = 0) -> list[RCode]:
    """The code tree; refused (ValueError, one line) deeper than `MAX_DEPTH` or with a
    name longer than `MAX_NAME`, before anything recursive overflows or a huge name
    reaches every report."""
    if parent is None:
        return []
    if depth >= MAX_DEPTH:
        raise ValueError(_("codes nested deeper than {MAX_DEPTH} levels").format(
                             MAX_DEPTH=MAX_DEPTH))
    out = []
    for code in parent.findall("Code"):
        name = code.get("name") or ""
        if len(name) > MAX_NAME:
            raise ValueError(_("code name {name!r}… is longer than {MAX_NAME} characters").format(
                                 name=name[:30], MAX_NAME=MAX_NAME))
        out.append(RCode(
            guid=_guid(code), name=name, description=_child_text(code, "Description"),
            color=code.get("color"),
            codable=(code.get("isCodable") or "true").strip().lower() in ("true", "1"),
            children=read_codes(code, depth + 1)))
    return out


def read_project(root: Element, load_text: TextLoader) -> RProject:
    if root.tag != "Project":
        raise ValueError(_("the root element is <{tag}>, not <Project>").format(tag=root.tag))
    project = RProject(name=root.get("name") or "", origin=root.get("origin") or "",
                       description=_child_text(root, "Description"))
    skipped = project.skipped
    users = root.find("Users")
    for user in users.findall("User") if users is not None else []:
        project.users.append(RUser(guid=_guid(user),
                                   name=user.get("name") or user.get("id") or ""))
    project.codes = read_codes(root.find("CodeBook/Codes"))
    for code in root.iter("Code"):
        if code.find("NoteRef") is not None:
            skipped.append(_("notes on code {code!r} (qualcode has no code memos)").format(
                               code=code.get('name')))
    variables = root.find("Variables")
    for var in variables.findall("Variable") if variables is not None else []:
        project.variables.append(RVariable(
            guid=_guid(var), name=var.get("name") or "", kind=var.get("typeOfVariable") or "Text",
            description=_child_text(var, "Description")))
    cases = root.find("Cases")
    for case in cases.findall("Case") if cases is not None else []:
        project.cases.append(_case(case, skipped))
    sources = root.find("Sources")
    kinds: Counter[str] = Counter()
    for source in list(sources) if sources is not None else []:
        if source.tag == "TextSource":
            read = _text_source(source, load_text, skipped)
            if read is not None:
                project.sources.append(read)
        else:
            kinds[source.tag] += 1
    for kind, n in sorted(kinds.items()):
        skipped.append(_("{n} {kind} element(s): qualcode codes text only").format(n=n, kind=kind))
    notes = root.find("Notes")
    for note in notes.findall("Note") if notes is not None else []:
        text = _child_text(note, "PlainTextContent")
        if not text and note.get("plainTextPath"):
            text = load_text(note.get("plainTextPath") or "") or ""
        memo = RNote(guid=_guid(note), name=note.get("name") or "", text=text,
                     user=canonical(note.get("creatingUser") or note.get("modifyingUser")),
                     created=when(note.get("creationDateTime") or note.get("modifiedDateTime")))
        anchor = note.find("PlainTextSelection")  # QualCoder's annotation: where it applies
        if anchor is not None:
            try:
                memo.anchor = RSelection(guid=_guid(anchor), start=int(
                    anchor.get("startPosition") or ""), end=int(anchor.get("endPosition") or ""))
            except ValueError:
                skipped.append(_("note {name!r}: its selection has no valid positions").format(
                                   name=memo.name))
        project.notes.append(memo)
    for tag in ("Links", "Sets", "Graphs"):
        wrapper = root.find(tag)
        if wrapper is not None and len(wrapper):
            skipped.append(_("{count} element(s) in <{tag}>: qualcode has no {what}").format(
                               count=len(wrapper), tag=tag, what=tag.lower()))
    if root.findall("NoteRef"):
        skipped.append(_("{count} project-level note reference(s)").format(
                           count=len(root.findall('NoteRef'))))
    return project


def _value(vv: Element) -> Value | None:
    for tag in ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue",
                "DateTimeValue"):
        el = vv.find(tag)
        if el is None:
            continue
        raw = (el.text or "").strip() if tag != "TextValue" else (el.text or "")
        if tag == "BooleanValue":
            return raw.lower() in ("true", "1")
        if tag == "IntegerValue":
            try:
                return int(raw)
            except ValueError:
                return raw
        if tag == "FloatValue":
            try:
                number = Decimal(raw)
            except InvalidOperation:
                return raw
            return float(number)
        return raw
    return None


def _case(case: Element, skipped: list[str]) -> RCase:
    out = RCase(guid=_guid(case), name=case.get("name") or "",
                description=_child_text(case, "Description"))
    for vv in case.findall("VariableValue"):
        ref = vv.find("VariableRef")
        value = _value(vv)
        if ref is not None and value is not None:
            out.values.append((_guid(ref, "targetGUID"), value))
    out.source_refs = [_guid(r, "targetGUID") for r in case.findall("SourceRef")]
    out.selection_refs = [_guid(r, "targetGUID") for r in case.findall("SelectionRef")]
    if case.findall("CodeRef"):
        skipped.append(
            _("codes attached to case {name!r} (qualcode codes quotes, not cases)").format(
                name=out.name
            )
        )
    return out


def _coding(el: Element) -> RCoding | None:
    ref = el.find("CodeRef")
    if ref is None:
        return None
    return RCoding(guid=_guid(el), code=_guid(ref, "targetGUID"),
                   user=canonical(el.get("creatingUser")), created=when(el.get("creationDateTime")),
                   notes=[_guid(n, "targetGUID") for n in el.findall("NoteRef")])


def name_from_path(el: Element) -> str:
    """A source's file name from its paths, when `name` is missing (NVivo and ATLAS.ti
    leave it out at times): `internal://Entretien 3.txt` → `Entretien 3.txt`. A file
    named after a GUID names nothing, so it is not used."""
    for attr in ("currentPath", "plainTextPath", "richTextPath"):
        raw = (el.get(attr) or "").replace("\\", "/")
        base = raw.partition("://")[2] or raw
        file = base.rstrip("/").rsplit("/", 1)[-1].strip()
        stem = file.rsplit(".", 1)[0]
        if file and not _GUIDISH.match(stem):
            return file
    return ""


def _text_source(el: Element, load_text: TextLoader, skipped: list[str]) -> RTextSource | None:
    name = el.get("name") or name_from_path(el)
    inline = el.find("PlainTextContent")
    text: str | None = inline.text or "" if inline is not None else None
    if text is None and el.get("plainTextPath"):
        text = load_text(el.get("plainTextPath") or "")
    if text is None:
        skipped.append(_("text source {name!r}: its plain text is missing; skipped with its "
                         "{count} selection(s)").format(
                           name=name, count=len(el.findall('PlainTextSelection'))))
        return None
    source = RTextSource(guid=_guid(el), name=name, text=text,
                         description=_child_text(el, "Description"),
                         user=canonical(el.get("creatingUser")),
                         created=when(el.get("creationDateTime")))
    for sel in el.findall("PlainTextSelection"):
        try:
            start, end = int(sel.get("startPosition") or ""), int(sel.get("endPosition") or "")
        except ValueError:
            skipped.append(_("a selection in {name!r} has no valid positions; skipped").format(
                               name=name))
            continue
        selection = RSelection(guid=_guid(sel), start=start, end=end, name=sel.get("name"),
                               user=canonical(sel.get("creatingUser")),
                               created=when(sel.get("creationDateTime")),
                               notes=[_guid(n, "targetGUID") for n in sel.findall("NoteRef")],
                               description=_child_text(sel, "Description").strip())
        for coding_el in sel.findall("Coding"):
            coding = _coding(coding_el)
            if coding is not None:
                selection.codings.append(coding)
        source.selections.append(selection)
    source.codings = [c for c in (_coding(x) for x in el.findall("Coding")) if c is not None]
    source.notes = [_guid(n, "targetGUID") for n in el.findall("NoteRef")]
    if el.findall("VariableValue"):
        skipped.append(
            _("variable values on source {name!r} (qualcode keeps them on cases)").format(name=name)
        )
    return source
