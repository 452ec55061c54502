"""The project's human coding as examples to learn from.

A quote is an example when a person in the scope coded it, or marked it reviewed with
no code ("none applies"): it then says, for every code, whether the code applies.
Quotes nobody looked at say nothing and are left out. Moderator turns are never coded,
and the reserved coder `auto` (suggestions applied in bulk) never teaches: a model
learning from its own guesses would only grow surer of them.

A quote carrying a sub-code also carries its parents here, as in the reports, so a
theme learns from every quote coded under it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import text as sql
from sqlmodel import Session

from qualcode.reports.counts import Scope
from qualcode.services.codebook import CodeNode

EVERY_CODER = Scope()
"""The default scope: every coder but `auto`, as the reports count."""


@dataclass(frozen=True)
class Examples:
    ids: list[int]
    texts: list[str]
    groups: list[int]
    """Each example's focus group: cross-validation keeps a group's turns together."""
    labels: list[frozenset[int]]
    """Code ids each example carries, with their ancestors."""

    def __len__(self) -> int:
        return len(self.ids)

    def subset(self, rows: Iterable[int]) -> Examples:
        keep = list(rows)
        return Examples([self.ids[i] for i in keep], [self.texts[i] for i in keep],
                        [self.groups[i] for i in keep], [self.labels[i] for i in keep])


def with_ancestors(codes: list[CodeNode]) -> dict[int, frozenset[int]]:
    """Each code id with the ids of its ancestors, itself included."""
    parents = {c.id: c.parent_id for c in codes}
    out: dict[int, frozenset[int]] = {}
    for code in codes:
        chain: list[int] = []
        node: int | None = code.id
        while node is not None and node not in chain:
            chain.append(node)
            node = parents.get(node)
        out[code.id] = frozenset(chain)
    return out


def _teaches(scope: Scope, coder: str | None) -> bool:
    return coder is not None and coder != "auto" and scope.counts(coder)


_QUOTES = """
    SELECT q.id, q.text, q.group_id FROM quote q
    JOIN participant p ON p.id = q.participant_id
    WHERE p.is_moderator = :no ORDER BY q.id
"""


def load_examples(session: Session, codes: list[CodeNode], scope: Scope = EVERY_CODER) -> Examples:
    """Every quote a person in `scope` coded or reviewed, with the codes it carries."""
    closure = with_ancestors(codes)
    coders = dict(session.execute(sql("SELECT id, name FROM coder")).all())
    carried: dict[int, set[int]] = {}
    rows = session.execute(sql("SELECT quote_id, code_id, coder_id FROM coding")).all()
    for quote, code, coder in rows:
        if _teaches(scope, coders.get(coder)):
            carried.setdefault(quote, set()).add(code)
    for quote, coder in session.execute(sql("SELECT quote_id, coder_id FROM review")):
        if _teaches(scope, coders.get(coder)):
            carried.setdefault(quote, set())
    if scope.consensus:  # and what the coders agreed on where nobody adjudicated
        from qualcode.services.agreed import agreed

        for quote, code_ids in agreed(session).items():
            carried.setdefault(quote, set()).update(code_ids)
    examples = Examples([], [], [], [])
    for quote, text, group in session.execute(sql(_QUOTES), {"no": False}):
        if quote in carried:
            examples.ids.append(int(quote))
            examples.texts.append(str(text))
            examples.groups.append(int(group))
            examples.labels.append(frozenset().union(
                *(closure.get(code, frozenset()) for code in carried[quote])))
    return examples
