"""The codebook as the rest of the program reads it: a tree of plain records, from one
query that a read command sends without SQLAlchemy and the workbench through its Session."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from qualcode.db.reader import Reader, json_value, reader_of
from qualcode.domain.names import normalise_name
from qualcode.errors import UserError
from qualcode.i18n import _

if TYPE_CHECKING:
    from sqlmodel import Session


class CodeNode(NamedTuple):
    """A code as the rest of the program sees it: no ORM object leaves a session. A
    NamedTuple: read commands build the tree without paying for `dataclasses`."""

    id: int
    name: str
    parent_id: int | None
    depth: int
    key: str | None
    color: str | None
    exclusive: bool
    keywords: tuple[str, ...]


def code_tree(source: Reader | Session) -> list[CodeNode]:
    """Every code in tree order (parents before children, siblings by position)."""
    rows = reader_of(source).rows(
        "SELECT id, name, parent_id, key, color, exclusive, keywords FROM code "
        "ORDER BY position, id")
    children: dict[int | None, list[tuple[int, str, int | None, str | None, str | None,
                                         bool, tuple[str, ...]]]] = {}
    for cid, name, parent, key, color, exclusive, keywords in rows:
        children.setdefault(parent, []).append(
            (cid, name, parent, key, color, bool(exclusive), tuple(json_value(keywords) or ())))
    out: list[CodeNode] = []

    def walk(parent: int | None, depth: int) -> None:
        for cid, name, parent_id, key, color, exclusive, keywords in children.get(parent, []):
            out.append(CodeNode(cid, name, parent_id, depth, key, color, exclusive, keywords))
            walk(cid, depth + 1)

    walk(None, 0)
    return out


def resolve_codes(source: Reader | Session, names: list[str]) -> list[CodeNode]:
    """Code names as typed (case and spacing forgiven) to codes; unknown ones are an error."""
    by_name = {normalise_name(n.name): n for n in code_tree(source)}
    found: list[CodeNode] = []
    for name in names:
        node = by_name.get(normalise_name(name))
        if node is None:
            raise UserError(_("unknown code {name!r}; `qualcode codebook show` lists them").format(
                                name=name))
        found.append(node)
    return found


def subtree(tree: list[CodeNode], root: CodeNode) -> list[CodeNode]:
    """`root` and its descendants, in tree order: `code_tree` lists a subtree contiguously."""
    start = next(i for i, n in enumerate(tree) if n.id == root.id)
    out = [tree[start]]
    for node in tree[start + 1:]:
        if node.depth <= root.depth:
            break
        out.append(node)
    return out
