"""Near-duplicate quotes: the same verbatim imported twice with small differences.

Comparing every pair is quadratic, so quotes are first grouped by what two copies
of one verbatim almost surely share — their first words, or their last words (a
retyped comma or accent rarely touches both ends) — and only quotes sharing a group
are compared, on their folded texts. Short turns ("Oui.", "D'accord") are left out:
two people saying the same short thing is not a duplicate.
"""

from __future__ import annotations

from itertools import combinations

from rapidfuzz import fuzz
from sqlmodel import Session, col, select

from qualcode.db.models import Quote
from qualcode.search.normalise import WORD, fold

MIN_WORDS = 6
"""Quotes shorter than this are never flagged."""
KEY_WORDS = 3
"""How many words at each end make a comparison group."""
MAX_GROUP = 200
"""A group this large is a common opening ("oui je pense que"), not a duplicate hint."""


def near_duplicate_pairs(ids: list[int], texts: list[str], *,
                         threshold: float = 92.0) -> list[tuple[int, int, float]]:
    """Pairs `(a, b, similarity)` with `a < b` and `fuzz.ratio` of the folded texts at or
    above `threshold` (0-100), most similar first."""
    folded = [fold(t) for t in texts]
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, text in enumerate(folded):
        words = WORD.findall(text)
        if len(words) < MIN_WORDS:
            continue
        groups.setdefault(("^", *words[:KEY_WORDS]), []).append(i)
        groups.setdefault(("$", *words[-KEY_WORDS:]), []).append(i)
    found: dict[tuple[int, int], float] = {}
    for members in groups.values():
        if len(members) > MAX_GROUP:
            continue
        for i, j in combinations(members, 2):
            pair = (min(ids[i], ids[j]), max(ids[i], ids[j]))
            if pair in found:
                continue
            score = fuzz.ratio(folded[i], folded[j], score_cutoff=threshold)
            if score:
                found[pair] = score
    return sorted(((a, b, s) for (a, b), s in found.items()), key=lambda t: (-t[2], t[0], t[1]))


def near_duplicates(session: Session, *, threshold: float = 92.0) -> list[tuple[int, int, float]]:
    """Near-duplicate quotes of the project: `(quote id, quote id, similarity 0-100)`."""
    rows = session.exec(select(Quote.id, Quote.text).order_by(col(Quote.id))).all()
    return near_duplicate_pairs([int(r[0] or 0) for r in rows], [r[1] for r in rows],
                                threshold=threshold)
