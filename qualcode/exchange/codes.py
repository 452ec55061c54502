"""Codes across the standard: what REFI-QDA has no field for rides in the description.

A REFI `Code` has a name, a colour, a description and children. qualcode's include /
exclude criteria, example, keywords, hotkey and the `exclusive` flag are appended to
the description as labelled lines, readable in any tool:

    Mentions of leaks or hacking.

    Include: fear of a data leak
    Exclude: general distrust of the State
    Keywords: piratage; fuite
    Hotkey: 2
    Exclusive: yes

and read back from there on import (from any tool: a description without such lines
is kept whole). Colours from other tools come as `#RGB`, with alpha, or `rgb(…)`:
they are read leniently and always written `#RRGGBB`.
"""

from __future__ import annotations

import re
from itertools import chain, count

from qualcode.domain.codebook import COLOR, HOTKEYS, Codebook, CodeSpec
from qualcode.domain.names import normalise_name
from qualcode.exchange.markers import GROUPING
from qualcode.exchange.refi_model import RCode
from qualcode.i18n import _

_LABELS = ("Include", "Exclude", "Example", "Keywords", "Hotkey", "Exclusive")
_ALT = "|".join(_LABELS)
_TRAILER = re.compile(rf"(?:^|\n\n)(?=(?:{_ALT}): )")
_SECTION = re.compile(rf"\n(?=(?:{_ALT}): )")
_RGB = re.compile(r"^rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(?:,[^)]*)?\)$")
_HEX = re.compile(r"^#?([0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")


def pack_description(spec: CodeSpec) -> str:
    lines = [f"{label}: {value}" for label, value in
             (("Include", spec.include), ("Exclude", spec.exclude), ("Example", spec.example))
             if value]
    if spec.keywords:
        lines.append("Keywords: " + "; ".join(spec.keywords))
    if spec.key:
        lines.append(f"Hotkey: {spec.key}")
    if spec.exclusive:
        lines.append("Exclusive: yes")
    trailer = "\n".join(lines)
    if not trailer:
        return spec.description
    return f"{spec.description}\n\n{trailer}" if spec.description else trailer


def unpack_description(text: str, spec: CodeSpec) -> None:
    """Fill `spec` from a description, splitting off the labelled lines if well-formed."""
    match = _TRAILER.search(text)
    if match is None:
        spec.description = text.strip()
        return
    sections: dict[str, str] = {}
    for part in _SECTION.split(text[match.end():]):
        label, _, value = part.partition(": ")
        if label in sections or label not in _LABELS:
            spec.description = text.strip()
            return
        sections[label] = value.strip()
    order = [label for label in _LABELS if label in sections]
    if list(sections) != order:
        spec.description = text.strip()
        return
    spec.description = text[:match.start()].strip()
    spec.include = sections.get("Include", "")
    spec.exclude = sections.get("Exclude", "")
    spec.example = sections.get("Example", "")
    spec.keywords = [k.strip() for k in sections.get("Keywords", "").split(";") if k.strip()]
    key = sections.get("Hotkey")
    spec.key = key if key in HOTKEYS else None
    spec.exclusive = sections.get("Exclusive", "").lower().startswith("yes")


def parse_color(raw: str | None) -> str | None:
    """`#RRGGBB` from what tools write; None when it is not a colour at all."""
    if not raw:
        return None
    raw = raw.strip()
    rgb = _RGB.match(raw)
    if rgb:
        parts = [min(int(v), 255) for v in rgb.groups()]
        return "#" + "".join(f"{v:02X}" for v in parts)
    hexa = _HEX.match(raw)
    if hexa is None:
        return None
    digits = hexa.group(1)
    if len(digits) in (3, 4):  # #RGB, #RGBA
        digits = "".join(ch * 2 for ch in digits)
    return "#" + digits[:6]


def export_color(color: str | None) -> str | None:
    return color if color and COLOR.match(color) else None


def to_refi(book: Codebook, guid_of: dict[str, str]) -> list[RCode]:
    """The codebook tree as REFI codes; `guid_of` maps each code name to its GUID."""

    def node(spec: CodeSpec) -> RCode:
        return RCode(guid=guid_of[spec.name], name=spec.name,
                     description=pack_description(spec), color=export_color(spec.color),
                     codable=not spec.description.startswith(GROUPING),
                     children=[node(c) for c in spec.children])

    return [node(c) for c in book.codes]


PARTIAL_FIELDS = ("description", "include", "exclude", "example", "keywords", "color")
"""What a REFI-QDA code can state; a field it leaves empty is not a statement."""


def from_refi(codes: list[RCode], taken: set[str], skipped: list[str]) -> tuple[
    list[CodeSpec], dict[str, str]
]:
    """REFI codes as a qualcode tree, and GUID → code name.

    Names must be unique in qualcode, not in other tools (NVivo repeats them across
    branches): a repeated name gets its parent's name, then a number, and the renaming
    is reported. `taken` holds normalised names already used by this import.
    A code that is not codable (a folder or category in NVivo, ATLAS.ti, MAXQDA) keeps
    its place as a parent, with `markers.GROUPING` opening its description, and is
    reported: qualcode has no such flag, so nothing stops it being applied.
    """
    guid_to_name: dict[str, str] = {}
    grouping: list[str] = []

    after: dict[str, int] = {}
    """The last number given to each repeated name: numbering goes on from it, so
    20,000 codes of one name cost 20,000 steps, not 200 million."""

    def unique(name: str, parent: str | None) -> str:
        numbered = (f"{name} ({n})" for n in count(after.get(name, 1) + 1))
        for candidate in chain([name], [f"{name} ({parent})"] if parent else [], numbered):
            if normalise_name(candidate) not in taken:
                taken.add(normalise_name(candidate))
                if candidate.endswith(")") and candidate.startswith(f"{name} ("):
                    number = candidate[len(name) + 2:-1]
                    if number.isdigit():
                        after[name] = int(number)
                return candidate
        raise AssertionError("unreachable: the numbering never ends")

    def node(code: RCode, parent: str | None) -> CodeSpec:
        base = " ".join(code.name.split()) or f"code {code.guid[:8]}"
        name = unique(base, parent)
        if name != code.name:
            skipped.append(_("note: code {name!r} renamed {name2!r} (names are unique in "
                             "qualcode)").format(name=code.name, name2=name))
        spec = CodeSpec(name=name, color=parse_color(code.color))
        if code.color and spec.color is None:
            skipped.append(_("colour {color!r} of code {name!r} is not a colour; dropped").format(
                               color=code.color, name=name))
        unpack_description(code.description, spec)
        if not code.codable:
            grouping.append(name)
            if not spec.description.startswith(GROUPING):
                spec.description = f"{GROUPING}\n\n{spec.description}".strip()
        spec.stated = frozenset(f for f in PARTIAL_FIELDS if getattr(spec, f))
        guid_to_name[code.guid] = name
        spec.children = [node(child, base) for child in code.children]
        return spec

    specs = [node(c, None) for c in codes]
    if grouping:
        skipped.append(_("note: {count} grouping code(s) (isCodable false, e.g. {grouping!r}) "
                         "kept as parent codes, marked in their description; qualcode does not "
                         "stop them being applied").format(
                           count=len(grouping), grouping=grouping[0]))
    return specs, guid_to_name
