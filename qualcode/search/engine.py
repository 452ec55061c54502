"""Forgiving, ranked search over quote texts, fast enough to run on every keystroke.

Scanning 100,000 quotes with a fuzzy scorer costs about a second, so the index
matches each query word against the *vocabulary* of the folded quotes instead (tens
of thousands of distinct words: `fuzz.ratio` for typos, and the same on word
prefixes for words still being typed) and reaches quotes through posting lists.
A quote's score is the mean of its best similarity to each query word, weighted by
how rare each word is, so `securite donees` ranks "sécurité des données" first
while a stray "des" counts for little; the best candidates are then reordered a
little by how well the whole query aligns with the text, so words found together
and in order come before words scattered through a long turn.
A phrase in double quotes must appear as typed (accents and case still forgiven).
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlmodel import Session, col, select

from qualcode.db.models import Quote
from qualcode.errors import UserError
from qualcode.search.normalise import WORD, fold, fold_with_offsets, original_span

PREFIX_WEIGHT = 0.9
"""A word matching only the start of a longer word ("secur" → "sécurité") ranks below
the word itself: it may be a word still being typed, or a different word."""
MIN_SCORE = 25.0
"""Below this a quote shares only common or far-fetched words with the query."""
ALIGNMENT_WEIGHT = 0.1
"""Share of the final score given to how the whole query aligns with the text."""
RERANK_POOL = 4
"""Candidates re-examined per requested hit, to reorder by alignment."""
_CACHE_SIZE = 512
_PHRASE = re.compile(r'"([^"]*)"?')


@dataclass(frozen=True)
class Hit:
    quote_id: int
    score: float
    spans: tuple[tuple[int, int], ...]
    """Character spans to highlight, in the original quote text."""


@dataclass(frozen=True)
class Query:
    """A query as typed, folded: loose words and exact phrases (in double quotes)."""

    words: tuple[str, ...]
    phrases: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Query:
        phrases = tuple(p for p in (fold(m) for m in _PHRASE.findall(text)) if p)
        rest = _PHRASE.sub(" ", text)
        return cls(tuple(WORD.findall(fold(rest))), phrases)


def _cutoff(word: str) -> float:
    """Least `fuzz.ratio` a vocabulary word needs: one typo in a short word, two in a
    long one, none in words of three letters or fewer (they would match half the
    language)."""
    return 100.0 if len(word) <= 3 else 80.0


class SearchIndex:
    """The folded texts of a project's quotes and their vocabulary, built once."""

    def __init__(self, ids: list[int], texts: list[str]) -> None:
        self.ids = ids
        self.texts = texts
        self.folded = [fold(t) for t in texts]
        self._position = {qid: i for i, qid in enumerate(ids)}
        postings: dict[str, list[int]] = {}
        for i, folded in enumerate(self.folded):
            for word in set(WORD.findall(folded)):
                postings.setdefault(word, []).append(i)
        self._postings = postings
        self._vocab = list(postings)
        self._prefixes: dict[int, list[str]] = {}
        self._terms_cache: dict[str, dict[str, float]] = {}

    @classmethod
    def load(cls, session: Session) -> SearchIndex:
        rows = session.exec(select(Quote.id, Quote.text).order_by(col(Quote.id))).all()
        return cls([int(r[0] or 0) for r in rows], [r[1] for r in rows])

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, query: str, *, limit: int = 50,
               within: Collection[int] | None = None) -> list[Hit]:
        """Best first; `within` restricts to these quote ids (e.g. a filter's result)."""
        parsed = Query.parse(query)
        if limit <= 0 or not (parsed.words or parsed.phrases):
            return []
        allowed = self._allowed(within)
        terms = [self._terms(w) for w in parsed.words]
        base = self._word_scores(terms, allowed)
        if parsed.phrases:
            pool: Iterable[int] = base if parsed.words else (allowed or range(len(self.ids)))
            base = {i: base.get(i, 100.0) for i in pool
                    if all(p in self.folded[i] for p in parsed.phrases)}
        ranked = self._rerank(base, parsed, limit)
        matched = {t for found in terms for t in found}
        return [Hit(self.ids[i], score, self._spans(i, matched, parsed.phrases))
                for i, score in ranked]

    def search_regex(self, pattern: str, *, limit: int = 50,
                     within: Collection[int] | None = None) -> list[Hit]:
        """Quotes matching a regular expression (case-insensitive), in quote order.

        The pattern is tried on the text as stored, then without accents, so
        `donn[ée]es` and `securite.*donnees` both find "sécurité des données".
        """
        try:
            rx = re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            raise UserError(f"invalid regular expression {pattern!r}: {exc}") from None
        allowed = self._allowed(within)
        hits: list[Hit] = []
        for i in sorted(allowed) if allowed is not None else range(len(self.ids)):
            spans = [m.span() for m in rx.finditer(self.texts[i]) if m.end() > m.start()]
            if not spans and rx.search(self.folded[i]):
                folded, offsets = fold_with_offsets(self.texts[i])
                spans = [original_span(offsets, *m.span()) for m in rx.finditer(folded)
                         if m.end() > m.start()]
            if spans:
                hits.append(Hit(self.ids[i], 100.0, tuple(spans)))
                if len(hits) == limit:
                    break
        return hits

    def _allowed(self, within: Collection[int] | None) -> set[int] | None:
        if within is None:
            return None
        return {self._position[q] for q in within if q in self._position}

    def _terms(self, word: str) -> dict[str, float]:
        """Vocabulary words similar to a query word, with their similarity (0-100)."""
        found = self._terms_cache.get(word)
        if found is not None:
            return found
        cutoff = _cutoff(word)
        found = {}
        if cutoff >= 100.0:
            if word in self._postings:
                found[word] = 100.0
        else:
            for term, score, _ in process.extract(word, self._vocab, scorer=fuzz.ratio,
                                                  score_cutoff=cutoff, limit=None):
                found[term] = score
        if len(word) >= 3:
            for _, score, index in process.extract(word, self._prefix_list(len(word)),
                                                   scorer=fuzz.ratio, score_cutoff=cutoff,
                                                   limit=None):
                term = self._vocab[index]
                found[term] = max(found.get(term, 0.0), score * PREFIX_WEIGHT)
        if len(self._terms_cache) >= _CACHE_SIZE:
            self._terms_cache.clear()
        self._terms_cache[word] = found
        return found

    def _prefix_list(self, length: int) -> list[str]:
        prefixes = self._prefixes.get(length)
        if prefixes is None:
            prefixes = self._prefixes[length] = [t[:length] if len(t) > length else ""
                                                 for t in self._vocab]
        return prefixes

    def _word_scores(self, terms: list[dict[str, float]],
                     allowed: set[int] | None) -> dict[int, float]:
        """Each quote's weighted mean similarity to the query words."""
        if not terms:
            return {}
        total = len(self.ids)
        per_word: list[dict[int, float]] = []
        for found in terms:
            best: dict[int, float] = {}
            for term, score in sorted(found.items(), key=lambda kv: kv[1]):
                best.update(dict.fromkeys(self._postings[term], score))
            per_word.append(best)
        weights = [math.log(1.0 + total / (1.0 + len(best))) for best in per_word]
        weight_sum = sum(weights)
        selective = [b for b in per_word if len(b) * 2 <= total] or per_word
        candidates: set[int] = set().union(*selective)
        if allowed is not None:
            candidates &= allowed
        scores: dict[int, float] = {}
        for i in candidates:
            score = sum(w * b.get(i, 0.0) for w, b in zip(weights, per_word, strict=True))
            scores[i] = score / weight_sum
        return scores

    def _rerank(self, base: dict[int, float], parsed: Query,
                limit: int) -> list[tuple[int, float]]:
        pool = heapq.nsmallest(max(limit * RERANK_POOL, 100), base.items(),
                               key=lambda kv: (-kv[1], kv[0]))
        whole = " ".join(parsed.words + parsed.phrases)
        ranked: list[tuple[int, float]] = []
        for i, score in pool:
            if score < MIN_SCORE:
                continue
            if len(parsed.words) + len(parsed.phrases) > 1:
                aligned = fuzz.partial_ratio(whole, self.folded[i])
                score = (1 - ALIGNMENT_WEIGHT) * score + ALIGNMENT_WEIGHT * aligned
            ranked.append((i, score))
        ranked.sort(key=lambda kv: (-kv[1], kv[0]))
        return ranked[:limit]

    def _spans(self, i: int, matched: set[str],
               phrases: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
        folded, offsets = fold_with_offsets(self.texts[i])
        found = [m.span() for m in WORD.finditer(folded) if m.group() in matched]
        for phrase in phrases:
            start = folded.find(phrase)
            while start >= 0:
                found.append((start, start + len(phrase)))
                start = folded.find(phrase, start + 1)
        merged: list[tuple[int, int]] = []
        for start, end in sorted(found):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return tuple(original_span(offsets, s, e) for s, e in merged)
