"""A small XML writer that keeps every character: `\\r` in a quote or memo survives.

ElementTree leaves a carriage return in element text as is, and any XML parser then
folds `\\r\\n` into `\\n`; writing `&#13;` keeps the text exactly. Characters XML 1.0
cannot carry at all are refused with a clear message rather than dropped.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import BinaryIO

from qualcode.errors import UserError
from qualcode.i18n import _

_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TEXT = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}
_ATTR = {**_TEXT, '"': "&quot;", "\n": "&#10;", "\t": "&#9;"}
_TEXT_RE = re.compile("[&<>\r]")
_ATTR_RE = re.compile('[&<>\r"\n\t]')


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)
    text: str | None = None
    later: Callable[[], Iterable[bytes]] | None = None
    """Children already serialised and encoded (indented to their depth), made only when the writer
    reaches them, after `children`: a project's sources and notes, streamed from the
    database. A node with no other content whose `later` yields nothing is left out,
    as an empty wrapper (`<Notes/>`) is invalid."""

    def add(self, tag: str, attrs: dict[str, str | None] | None = None,
            text: str | None = None) -> Node:
        child = Node(tag, attrs or {}, [], text)
        self.children.append(child)
        return child


def _check(value: str) -> str:
    bad = _INVALID.search(value)
    if bad:
        raise UserError(
            _("cannot export the character U+{ord:04X} (XML forbids it) in {value!r}").format(
                ord=ord(bad.group()), value=value[:40]
            )
        )
    return value


def escape_text(value: str) -> str:
    return _TEXT_RE.sub(lambda m: _TEXT[m.group()], _check(value))


def escape_attr(value: str) -> str:
    return _ATTR_RE.sub(lambda m: _ATTR[m.group()], _check(value))


def attribute(name: str, value: str | None) -> str:
    """` name="value"` as written in a start tag; nothing for None."""
    return "" if value is None else f' {name}="{escape_attr(value)}"'


def pad(depth: int) -> str:
    return "  " * depth


FLUSH = 1 << 20
"""Bytes gathered before they are written."""


def serialise(root: Node, namespace: str) -> bytes:
    """The document as bytes (see `write_xml`)."""
    out = io.BytesIO()
    write_xml(root, namespace, out)
    return out.getvalue()


def write_xml(root: Node, namespace: str, sink: BinaryIO) -> None:
    """UTF-8, no BOM (a QualCoder fix), the namespace as the default one on the root;
    written to `sink` as it goes, a megabyte at a time (a larger streamed piece at
    once)."""
    out: list[bytes] = [b'<?xml version="1.0" encoding="utf-8"?>\n']
    size = 0

    def emit(piece: bytes) -> None:
        nonlocal size
        out.append(piece)
        size += len(piece)
        if size >= FLUSH:
            sink.write(piece if len(out) == 1 else b"".join(out))
            out.clear()
            size = 0

    def write(node: Node, depth: int, extra: str = "") -> None:
        indent = pad(depth)
        attrs = "".join(attribute(k, v) for k, v in node.attrs.items())
        head = f"{indent}<{node.tag}{extra}{attrs}"
        streamed = iter(node.later()) if node.later is not None else iter(())
        first = next(streamed, None)
        if not node.children and first is None:
            if node.later is None:
                emit((head + "/>\n" if node.text is None else
                      f"{head}>{escape_text(node.text)}</{node.tag}>\n").encode())
            return
        emit((head + ">\n").encode())
        for child in node.children:
            write(child, depth + 1)
        if first is not None:
            emit(first)
            for piece in streamed:
                emit(piece)
        emit(f"{indent}</{node.tag}>\n".encode())

    write(root, 0, f' xmlns="{namespace}"')
    sink.write(b"".join(out))
