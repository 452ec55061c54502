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
from qualcode.services.code_tree import CodeNode

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

    def sample(self, size: int, seed: int = 0) -> Examples:
        """At most `size` examples, drawn at random (the same for the same examples), in
        their order."""
        if len(self) <= size:
            return self
        import random

        return self.subset(sorted(random.Random(seed).sample(range(len(self)), size)))

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


AGREED = -1
"""Stands for the team's agreements among a quote's coders (consensus scope)."""
_MODERATORS = "SELECT id FROM participant WHERE is_moderator = :yes"
_CHUNK = 5_000
"""Quote ids asked of the database at once (well under SQLite's limit on parameters)."""


def load_examples(session: Session, codes: list[CodeNode], scope: Scope = EVERY_CODER,
                  *, limit: int | None = None) -> Examples:
    """Every quote a person in `scope` coded or reviewed (at most `limit`, drawn at
    random, the same each time), with the codes it carries: those at least half of the
    coders who looked at it gave. With one coder, or the consensus, that is their codes;
    with a team, one coder's slip does not teach the models (nor count as a miss when
    they are measured) as if it were the team's reading.

    Only the chosen quotes' codings and texts are read: a project of 100,000 quotes
    coded three times over holds nearly two million codings.
    """
    closure = with_ancestors(codes)
    coders = [cid for cid, name in session.execute(sql("SELECT id, name FROM coder"))
              if _teaches(scope, name)]
    params: dict[str, object] = {"yes": True}
    params.update({f"c{i}": cid for i, cid in enumerate(coders)})
    among = ", ".join(f":c{i}" for i in range(len(coders))) or "NULL"
    found = {int(q) for (q,) in session.execute(sql(
        f"SELECT quote_id FROM coding WHERE coder_id IN ({among}) UNION "
        f"SELECT quote_id FROM review WHERE coder_id IN ({among})"), params)}
    agreed_codes: dict[int, frozenset[int]] = {}
    if scope.consensus:  # and what the coders agreed on where nobody adjudicated
        from qualcode.services.agreed import agreed

        agreed_codes = agreed(session)
        found.update(agreed_codes)
    moderators = {int(p) for (p,) in session.execute(sql(_MODERATORS), params)}
    chosen = sorted(found)
    if limit is not None and len(chosen) > limit:
        import random

        chosen = sorted(random.Random(0).sample(chosen, limit))
    looked: dict[int, set[int]] = {q: set() for q in chosen}
    votes: dict[int, dict[int, set[int]]] = {q: {} for q in chosen}
    for quote, codes_agreed in agreed_codes.items():
        if quote in looked:
            looked[quote].add(AGREED)
            for code in codes_agreed:
                votes[quote].setdefault(code, set()).add(AGREED)
    rows: list[tuple[int, str, int, int]] = []
    for start in range(0, len(chosen), _CHUNK):
        chunk = chosen[start:start + _CHUNK]
        ids = {f"q{i}": q for i, q in enumerate(chunk)}
        listed = ", ".join(f":q{i}" for i in range(len(chunk)))
        for quote, code, coder in session.execute(sql(
                f"SELECT quote_id, code_id, coder_id FROM coding WHERE coder_id IN ({among}) "
                f"AND quote_id IN ({listed}) UNION SELECT quote_id, NULL, coder_id FROM review "
                f"WHERE coder_id IN ({among}) AND quote_id IN ({listed})"), {**params, **ids}):
            looked[int(quote)].add(int(coder))
            if code is not None:
                votes[int(quote)].setdefault(int(code), set()).add(int(coder))
        rows += [(int(q), str(t), int(g), int(p)) for q, t, g, p in session.execute(sql(
            f"SELECT id, text, group_id, participant_id FROM quote WHERE id IN ({listed}) "
            "ORDER BY id"), ids)]
    carried = {q: {code for code, by in votes[q].items() if 2 * len(by) >= len(looked[q])}
               for q in chosen}
    examples = Examples([], [], [], [])
    for quote, text, group, speaker in rows:
        if speaker in moderators:
            continue
        examples.ids.append(quote)
        examples.texts.append(text)
        examples.groups.append(group)
        examples.labels.append(frozenset().union(
            *(closure.get(code, frozenset()) for code in carried[quote])))
    return examples
