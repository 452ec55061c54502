"""Codes suggested for a quote by the codebook's keywords.

A keyword matches whole words of the quote, in order, without accents or case, and
forgives French plural and feminine endings ("donnée" finds "données", "connecté"
finds "connectées", "normal" finds "normaux") and one typo in longer words. Each
matching keyword adds evidence for its code, a phrase more than a single word, and
words already counted in a longer keyword add nothing. A parent is not proposed when
one of its children is (the codebook asks for the most specific code), and an
`exclusive` parent's children compete: only the best one is proposed. Suggestions
applied in bulk are always recorded as the reserved coder `auto`, never as a person,
so reports leave them out by default.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlmodel import Session, col, select

from qualcode.db.models import Participant, Quote
from qualcode.errors import UserError
from qualcode.search.normalise import WORD, fold_with_offsets, original_span
from qualcode.services.codebook import CodeNode, code_tree

AUTO_CODER = "auto"
APPLY_THRESHOLD = 70.0
"""Least score `suggest --apply` codes (two single-word keywords, or one phrase)."""
WORD_EVIDENCE = 0.5
PHRASE_EVIDENCE = 0.75
TYPO_CUTOFF = 85.0
"""Least `fuzz.ratio` between two stems of five letters or more to count as a typo."""
TYPO_MIN_LENGTH = 5


@dataclass(frozen=True)
class Suggestion:
    code: str
    score: float
    matched: tuple[str, ...]
    """The quote's words that matched the code's keywords, as written in the quote."""


MAX_TEXT = 100_000
"""Characters of a turn that suggestions read (a 3-hour focus group is about 200 KB)."""


def stem(word: str) -> str:
    """A folded word without its French plural or feminine ending."""
    if len(word) > 4 and word.endswith("aux"):
        return word[:-3] + "al"
    if len(word) > 3 and word[-1] in "sx":
        word = word[:-1]
    while len(word) > 3 and word[-1] == "e":  # "connectée" and "connecté" alike
        word = word[:-1]
    return word


@dataclass(frozen=True)
class _Keyword:
    code: str
    stems: tuple[str, ...]


class KeywordMatcher:
    """The codebook's keywords, ready to match any number of quotes.

    Each distinct word of the quotes is compared once with every keyword word;
    quotes then only look their words up.
    """

    def __init__(self, codes: list[CodeNode]) -> None:
        self._codes = codes
        self._keywords: list[_Keyword] = []
        for node in codes:
            for keyword in node.keywords:
                folded, _ = fold_with_offsets(keyword)
                stems = tuple(stem(w) for w in WORD.findall(folded))
                if stems and _Keyword(node.name, stems) not in self._keywords:
                    self._keywords.append(_Keyword(node.name, stems))
        self._starts: dict[str, list[_Keyword]] = {}
        for kw in self._keywords:
            self._starts.setdefault(kw.stems[0], []).append(kw)
        self._stems = sorted({s for kw in self._keywords for s in kw.stems})
        self._stem_set = set(self._stems)
        self._long_stems = [s for s in self._stems if len(s) >= TYPO_MIN_LENGTH]
        self._near_cache: dict[str, dict[str, float]] = {}

    def _near(self, word_stem: str) -> dict[str, float]:
        """Keyword stems this stem of a quote's word matches, with their similarity."""
        near = self._near_cache.get(word_stem)
        if near is None:
            near = {word_stem: 100.0} if word_stem in self._stem_set else {}
            if len(word_stem) >= TYPO_MIN_LENGTH:
                for other, score, _ in process.extract(word_stem, self._long_stems,
                                                       scorer=fuzz.ratio,
                                                       score_cutoff=TYPO_CUTOFF, limit=None):
                    near.setdefault(other, score)
            self._near_cache[word_stem] = near
        return near

    def match(self, text: str) -> list[Suggestion]:
        """Suggestions for one turn, read up to `MAX_TEXT` characters: a real turn is far
        shorter, and a 50 MB one (a transcript pasted as a single turn) took 35 s and
        3.2 GB; its first 100,000 characters say enough of what it is about."""
        text = text[:MAX_TEXT]
        folded, offsets = fold_with_offsets(text)
        tokens = list(WORD.finditer(folded))
        near = [self._near(stem(t.group())) for t in tokens]
        found: dict[str, dict[_Keyword, tuple[float, int, int]]] = {}
        for j, starts in enumerate(near):
            for kw_stem, first_score in starts.items():
                for kw in self._starts.get(kw_stem, ()):
                    n = len(kw.stems)
                    if j + n > len(tokens):
                        continue
                    scores = [first_score] + [near[j + k].get(kw.stems[k], 0.0)
                                              for k in range(1, n)]
                    if min(scores) <= 0.0:
                        continue
                    quality = sum(scores) / n
                    best = found.setdefault(kw.code, {}).get(kw)
                    if best is None or quality > best[0]:
                        found[kw.code][kw] = (quality, j, j + n - 1)
        suggestions = []
        for code, keywords in found.items():
            doubt = 1.0
            words: list[str] = []
            covered: set[int] = set()
            # Longest keywords first: "données sensibles" then "sensibles" adds nothing.
            for kw, (quality, first, last) in sorted(keywords.items(),
                                                     key=lambda kv: (-len(kv[0].stems),
                                                                     -kv[1][0])):
                if covered.issuperset(range(first, last + 1)):
                    continue
                covered.update(range(first, last + 1))
                weight = PHRASE_EVIDENCE if len(kw.stems) > 1 else WORD_EVIDENCE
                doubt *= 1.0 - weight * quality / 100.0
                start, end = original_span(offsets, tokens[first].start(), tokens[last].end())
                words.append(text[start:end])
            suggestions.append(Suggestion(code, 100.0 * (1.0 - doubt), tuple(words)))
        return self._most_specific(suggestions)

    def _most_specific(self, suggestions: list[Suggestion]) -> list[Suggestion]:
        by_name = {s.code: s for s in suggestions}
        nodes = {n.name: n for n in self._codes}
        ids = {n.id: n for n in self._codes}
        keep: dict[str, Suggestion] = dict(by_name)
        for name in by_name:
            parent = ids.get(nodes[name].parent_id or -1)
            while parent is not None:
                keep.pop(parent.name, None)
                parent = ids.get(parent.parent_id or -1)
        for parent in (n for n in self._codes if n.exclusive):
            rivals = sorted((s for s in keep.values()
                             if nodes[s.code].parent_id == parent.id),
                            key=lambda s: -s.score)
            for loser in rivals[1:]:
                keep.pop(loser.code)
        return sorted(keep.values(), key=lambda s: (-s.score, s.code))


def suggest(session: Session, quote_id: int) -> list[Suggestion]:
    """Suggestions for one quote, best first."""
    quote = session.get(Quote, quote_id)
    if quote is None:
        raise UserError(f"no quote with id {quote_id}; `qualcode quotes` lists them")
    return KeywordMatcher(code_tree(session)).match(quote.text)


def suggest_all(session: Session) -> dict[int, list[Suggestion]]:
    """Suggestions for every participant's quote (moderator turns are never coded)."""
    matcher = KeywordMatcher(code_tree(session))
    rows = session.exec(
        select(Quote.id, Quote.text).join(Participant, col(Participant.id) == Quote.participant_id)
        .where(col(Participant.is_moderator).is_(False)).order_by(col(Quote.id))
    ).all()
    return {int(qid or 0): matcher.match(text) for qid, text in rows}


def apply_suggestions(session: Session, suggestions: dict[int, list[Suggestion]], *,
                      threshold: float = APPLY_THRESHOLD) -> int:
    """Code every suggestion at or above `threshold` as `auto`; returns codings added."""
    from qualcode.services.coding import apply_codes

    added = 0
    for quote_id, found in suggestions.items():
        codes = [s.code for s in found if s.score >= threshold]
        if codes:
            added += len(apply_codes(session, quote_id=quote_id, codes=codes,
                                     coder=AUTO_CODER).added)
    return added
