"""Near-duplicate quotes: the same verbatim imported twice with small differences.

Comparing every pair is quadratic, so quotes are first grouped by what two copies
of one verbatim almost surely share — their first words, or their last words (a
retyped comma or accent rarely touches both ends) — and only quotes sharing a group
are compared, on their folded texts. Short turns ("Oui.", "D'accord") are left out:
two people saying the same short thing is not a duplicate.
"""

from __future__ import annotations

from itertools import combinations, pairwise

from rapidfuzz import fuzz
from sqlmodel import Session, col, select

from qualcode.db.models import Participant, Quote
from qualcode.search.normalise import WORD, fold

MIN_LENGTH = 40
"""Quotes shorter than this (in folded characters) are never flagged: two short
sentences a few letters apart are usually two different things said."""
KEY_WORDS = 5
"""How many words at each end make a comparison group."""
MAX_GROUP = 50
"""A group of distinct texts this large is a common opening ("oui je pense que"), not
a duplicate hint."""


def near_duplicate_pairs(ids: list[int], texts: list[str], *,
                         threshold: float = 92.0) -> list[tuple[int, int, float]]:
    """Pairs `(a, b, similarity)` with `a < b` and `fuzz.ratio` of the folded texts at or
    above `threshold` (0-100), most similar first. Copies of one identical text are
    listed as a chain, each with the next, not every pair of them."""
    copies: dict[str, list[int]] = {}
    words: dict[str, list[str]] = {}
    for qid, text in sorted(zip(ids, texts, strict=True)):
        folded = fold(text)
        if folded not in words:
            words[folded] = WORD.findall(folded)
        if len(folded) >= MIN_LENGTH:
            copies.setdefault(folded, []).append(qid)
    found: dict[tuple[int, int], float] = {}
    for same in copies.values():
        found.update(dict.fromkeys(pairwise(same), 100.0))
    distinct = list(copies)
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, text in enumerate(distinct):
        groups.setdefault(("^", *words[text][:KEY_WORDS]), []).append(i)
        groups.setdefault(("$", *words[text][-KEY_WORDS:]), []).append(i)
    for members in groups.values():
        if len(members) > MAX_GROUP:
            continue
        for i, j in combinations(members, 2):
            a, b = sorted((copies[distinct[i]][0], copies[distinct[j]][0]))
            if (a, b) not in found:
                score = fuzz.ratio(distinct[i], distinct[j], score_cutoff=threshold)
                if score:
                    found[(a, b)] = score
    return sorted(((a, b, s) for (a, b), s in found.items()), key=lambda t: (-t[2], t[0], t[1]))


def near_duplicates(session: Session, *, threshold: float = 92.0) -> list[tuple[int, int, float]]:
    """Near-duplicate participants' quotes: `(quote id, quote id, similarity 0-100)`.

    Moderator turns are left out: a moderator asks the same questions in every group.
    """
    rows = session.exec(
        select(Quote.id, Quote.text).join(Participant, col(Participant.id) == Quote.participant_id)
        .where(col(Participant.is_moderator).is_(False)).order_by(col(Quote.id))
    ).all()
    return near_duplicate_pairs([int(r[0] or 0) for r in rows], [r[1] for r in rows],
                                threshold=threshold)
