"""Codebooks as plain-text YAML: load with line numbers, validate, write back.

A codebook lives under `codebooks/` and in version control, so errors must point at
the line to fix, and writing it back must keep it readable (block style, UTF-8,
accents as they are, keys in the order SPEC lists them).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from qualcode.domain.names import normalise_name
from qualcode.errors import UserError
from qualcode.i18n import _

CODE_KEYS = (
    "name", "key", "color", "description", "include", "exclude", "example",
    "keywords", "exclusive", "children",
)
TOP_KEYS = ("name", "version", "codes")
HOTKEYS = frozenset("123456789")
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_NAME = 2
MAX_NAME = 200
"""Characters in a code's name at most: a name is a label, and a 5 MB one made a 94 MB
report. Other one-line fields (groups, speakers, coders) share the limit."""
MAX_DEPTH = 30
"""Levels of nesting at most; deeper trees are refused before anything recursive reads
them (500 levels overflowed Python's stack)."""
NEAR_DUPLICATE = 90.0
"""rapidfuzz ratio above which two code names are flagged as probably the same code."""


class CodeSpec:
    """A code as a codebook states it, its sub-codes with it. A class of its own, not a
    dataclass: `init` reads a codebook, and `dataclasses` costs 8 ms of its start-up (it
    imports `inspect`). Equal to another CodeSpec of the same fields, `line` and
    `stated` aside, as the dataclass it was: a codebook written and read back is the
    same codebook."""

    __slots__ = ("name", "description", "include", "exclude", "example", "color", "key",
                 "keywords", "exclusive", "children", "line", "stated")

    def __init__(self, name: str, description: str = "", include: str = "",
                 exclude: str = "", example: str = "", color: str | None = None,
                 key: str | None = None, keywords: list[str] | None = None,
                 exclusive: bool = False, children: list[CodeSpec] | None = None,
                 line: int | None = None, stated: frozenset[str] | None = None) -> None:
        self.name = name
        self.description = description
        self.include = include
        self.exclude = exclude
        self.example = example
        self.color = color
        self.key = key
        self.keywords: list[str] = [] if keywords is None else keywords
        self.exclusive = exclusive
        self.children: list[CodeSpec] = [] if children is None else children
        self.line = line
        """Where the code starts in its file, for messages; not part of its identity."""
        self.stated = stated
        """The fields its file states, when the file is partial (a REFI-QDA codebook
        carries no hotkeys, an empty description may just be absent): an import changes
        only these. None: a whole codebook (our YAML), every field stated."""

    def _identity(self) -> tuple[Any, ...]:
        return (self.name, self.description, self.include, self.exclude, self.example,
                self.color, self.key, self.keywords, self.exclusive, self.children)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CodeSpec) and other.__class__ is self.__class__:
            return self._identity() == other._identity()
        return NotImplemented

    def __repr__(self) -> str:
        return _repr(self)


class Codebook:
    """A codebook's name, version and tree of codes. A class of its own, not a
    dataclass (see `CodeSpec`); equal to a codebook of the same fields."""

    __slots__ = ("name", "version", "codes")

    def __init__(self, name: str, version: str, codes: list[CodeSpec]) -> None:
        self.name = name
        self.version = version
        self.codes = codes

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Codebook) and other.__class__ is self.__class__:
            return (self.name, self.version, self.codes) == (other.name, other.version,
                                                             other.codes)
        return NotImplemented

    def __repr__(self) -> str:
        return _repr(self)

    def walk(self) -> Iterator[tuple[CodeSpec, CodeSpec | None, int]]:
        """Every code in tree order, with its parent and depth."""

        def rec(nodes: list[CodeSpec], parent: CodeSpec | None, depth: int) -> Iterator[
            tuple[CodeSpec, CodeSpec | None, int]
        ]:
            for node in nodes:
                yield node, parent, depth
                yield from rec(node.children, node, depth + 1)

        yield from rec(self.codes, None, 0)


def _repr(record: CodeSpec | Codebook) -> str:
    """`Name(field=value, …)`, as a dataclass shows itself (test failures read it)."""
    fields = ", ".join(f"{name}={getattr(record, name)!r}" for name in record.__slots__)
    return f"{type(record).__name__}({fields})"


class Finding(NamedTuple):
    """One problem found in a codebook; `fatal` ones stop an import."""

    line: int | None
    message: str
    fatal: bool = True


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise UserError(
            _("cannot read the codebook: {strerror}").format(strerror=exc.strerror), path=str(path)
        ) from None
    except UnicodeDecodeError:
        raise UserError(_("the codebook is not UTF-8 text"), path=str(path)) from None


def parse(text: str, where: str) -> tuple[Codebook | None, list[Finding]]:
    """Parse and check a codebook; returns it (None when unusable) and every finding.
    PyYAML is loaded here, not with the module: what only needs the codebook's records
    or limits would pay 10 ms for it."""
    import yaml

    from qualcode.domain.yaml_lines import load_with_lines

    try:
        data = load_with_lines(text)
    except RecursionError:
        return None, [Finding(None, _("codes nested deeper than {MAX_DEPTH} levels").format(
                                        MAX_DEPTH=MAX_DEPTH))]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Finding(line, f"invalid YAML: {problem}")]
    findings: list[Finding] = []
    if not isinstance(data, dict):
        return None, [Finding(1, _("a codebook is a mapping with name, version and codes"))]
    for key in sorted(set(data) - set(TOP_KEYS) - {"__line__", "__dupkeys__"}):
        findings.append(Finding(_key_line(text, key, 1),
                                _("unknown key {key!r} (allowed: {items})").format(
                                    key=key, items=', '.join(TOP_KEYS))))
    codes_raw = data.get("codes")
    if not isinstance(codes_raw, list) or not codes_raw:
        findings.append(Finding(data.get("__line__"), _("`codes` must be a non-empty list")))
        return None, findings
    codes = [_code(raw, findings) for raw in codes_raw]
    book = Codebook(
        name=str(data.get("name") or Path(where).stem),
        version=str(data.get("version") if data.get("version") is not None else "1"),
        codes=[c for c in codes if c is not None],
    )
    findings.extend(_check_tree(book))
    fatal = any(f.fatal for f in findings)
    return (None if fatal else book), findings


def _key_line(text: str, key: str, default: int | None) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(f"{key}:"):
            return number
    return default


def _text(raw: dict[str, Any], key: str, line: int, findings: list[Finding]) -> str:
    value = raw.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        findings.append(Finding(line, _("`{key}` must be text").format(key=key)))
        return ""
    return str(value).strip()


def _code(raw: Any, findings: list[Finding], depth: int = 0) -> CodeSpec | None:
    if depth >= MAX_DEPTH:
        findings.append(Finding(None, _("codes nested deeper than {MAX_DEPTH} levels").format(
                                          MAX_DEPTH=MAX_DEPTH)))
        return None
    if not isinstance(raw, dict):
        findings.append(Finding(None, _("a code must be a mapping, not {raw!r}").format(raw=raw)))
        return None
    line = int(raw.get("__line__", 0)) or None
    for key in raw.get("__dupkeys__", []):
        findings.append(Finding(line, _("key {key!r} appears twice in one code").format(key=key)))
    unknown = sorted(set(raw) - set(CODE_KEYS) - {"__line__", "__dupkeys__"})
    for key in unknown:
        findings.append(Finding(line, _("unknown key {key!r} (allowed: {items})").format(
                                          key=key, items=', '.join(CODE_KEYS))))
    name = raw.get("name")
    if not isinstance(name, str):
        findings.append(Finding(line, _("a code has no name")))
        name = ""
    name = " ".join(name.split())
    key = raw.get("key")
    if key is not None:
        key = str(key)
        if key not in HOTKEYS:
            findings.append(
                Finding(
                    line,
                    _("hotkey {key!r} of {name!r} must be one digit 1-9").format(
                        key=key, name=name
                    ),
                )
            )
    color = raw.get("color")
    if color is not None and (not isinstance(color, str) or not COLOR.match(color)):
        findings.append(
            Finding(
                line,
                _("colour {color!r} of {name!r} must look like #1f77b4").format(
                    color=color, name=name
                ),
            )
        )
        color = None
    keywords = raw.get("keywords") or []
    if not isinstance(keywords, list) or not all(isinstance(k, str | int) for k in keywords):
        findings.append(Finding(line, _("keywords of {name!r} must be a list of words").format(
                                          name=name)))
        keywords = []
    exclusive = raw.get("exclusive", False)
    if not isinstance(exclusive, bool):
        findings.append(Finding(line, _("`exclusive` of {name!r} must be true or false").format(
                                          name=name)))
        exclusive = False
    children_raw = raw.get("children") or []
    if not isinstance(children_raw, list):
        findings.append(Finding(line, _("children of {name!r} must be a list").format(name=name)))
        children_raw = []
    children = [c for c in (_code(child, findings, depth + 1) for child in children_raw)
                if c is not None]
    if exclusive and len(children) < 2:
        findings.append(
            Finding(
                line, _("{name!r} is exclusive but has fewer than two children").format(name=name)
            )
        )
    return CodeSpec(
        name=name,
        description=_text(raw, "description", line or 0, findings),
        include=_text(raw, "include", line or 0, findings),
        exclude=_text(raw, "exclude", line or 0, findings),
        example=_text(raw, "example", line or 0, findings),
        color=color,
        key=key,
        keywords=[str(k).strip() for k in keywords if str(k).strip()],
        exclusive=exclusive,
        children=children,
        line=line,
    )


def _may_be_near(a: str, b: str, a_counts: Counter[str], b_counts: Counter[str]) -> bool:
    """Whether rapidfuzz's `fuzz.ratio(a, b)` may reach NEAR_DUPLICATE, told without
    loading rapidfuzz (13 ms of `init`) for the names that cannot: the ratio is
    `100 * (1 - d / (len(a) + len(b)))`, `d` the insertions and deletions that make one
    the other, and `d` is at least the count of the characters one holds more of than
    the other (the difference of the lengths, first). False only when that bound
    alone keeps the ratio below the threshold, by `1 / (len(a) + len(b))` of a point at
    least (whole numbers compared, far beyond rounding), so asking rapidfuzz about the
    others flags exactly the pairs it always flagged."""
    total = len(a) + len(b)
    room = (100 - NEAR_DUPLICATE) * total  # 100 * d may be this much at most
    if 100 * abs(len(a) - len(b)) > room:
        return False
    if len(a_counts) > len(b_counts):
        a_counts, b_counts = b_counts, a_counts
    shared = sum(min(n, b_counts[ch]) for ch, n in a_counts.items() if ch in b_counts)
    return 100 * (total - 2 * shared) <= room


def _check_tree(book: Codebook) -> list[Finding]:
    from qualcode.search.normalise import fold

    findings: list[Finding] = []
    seen: dict[str, CodeSpec] = {}
    folded: dict[str, tuple[str, Counter[str]]] = {}  # each seen name's, for `_may_be_near`
    keys: dict[str, CodeSpec] = {}
    for code, _parent, _depth in book.walk():
        if len(code.name.strip()) < MIN_NAME or not any(ch.isalnum() for ch in code.name):
            findings.append(Finding(code.line, _("code name {name!r} is empty or too short").format(
                                                   name=code.name)))
            continue
        if len(code.name) > MAX_NAME:
            findings.append(Finding(code.line, _("code name {name!r}… is longer than {MAX_NAME} "
                                                 "characters").format(
                                                   name=code.name[:30], MAX_NAME=MAX_NAME)))
            continue
        norm = normalise_name(code.name)
        if norm in seen:
            first = seen[norm].line
            findings.append(
                Finding(code.line, _("duplicate code name {name!r} (first at line {first})").format(
                                       name=code.name, first=first))
            )
            continue
        mine = fold(norm)
        counts = Counter(mine)
        for other_norm, other in seen.items():
            theirs, their_counts = folded[other_norm]
            if not _may_be_near(mine, theirs, counts, their_counts):
                continue
            from rapidfuzz import fuzz  # 13 ms: only for names that may be near the same

            score = fuzz.ratio(mine, theirs)
            if score >= NEAR_DUPLICATE:
                findings.append(
                    Finding(
                        code.line,
                        _("code name {name!r} is nearly the same as {name2!r} (line {line}, "
                          "similarity {score:.0f})").format(
                            name=code.name, name2=other.name, line=other.line, score=score),
                        fatal=False,
                    )
                )
        seen[norm] = code
        folded[norm] = mine, counts
        if code.key is not None:
            if code.key in keys:
                owner = keys[code.key].name
                findings.append(
                    Finding(code.line, _("hotkey {key} of {name!r} is already {owner!r}'s").format(
                                           key=code.key, name=code.name, owner=owner))
                )
            keys[code.key] = code
    return findings


def load_codebook(path: Path) -> Codebook:
    """Load a YAML codebook or raise the first fatal problem as a one-line error."""
    book, findings = parse(_read(path), str(path))
    for finding in findings:
        if finding.fatal:
            raise UserError(finding.message, path=str(path), line=finding.line)
    assert book is not None
    return book


def validate_file(path: Path) -> list[Finding]:
    return parse(_read(path), str(path))[1]


def to_yaml(book: Codebook) -> str:
    """Block-style YAML with SPEC's key order, accents kept, nothing empty written."""
    import yaml

    def node(code: CodeSpec) -> dict[str, Any]:
        out: dict[str, Any] = {"name": code.name}
        if code.key:
            out["key"] = code.key
        if code.color:
            out["color"] = code.color
        for attr in ("description", "include", "exclude", "example"):
            value = getattr(code, attr)
            if value:
                out[attr] = value
        if code.keywords:
            out["keywords"] = list(code.keywords)
        if code.exclusive:
            out["exclusive"] = True
        if code.children:
            out["children"] = [node(c) for c in code.children]
        return out

    doc = {"name": book.name, "version": book.version, "codes": [node(c) for c in book.codes]}
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=88)
