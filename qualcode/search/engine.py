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
A phrase in double quotes must appear as typed, from the start of a word (accents
and case still forgiven).
Each quote's words are kept in the project (`qualcode.search.kept`), so loading the
index reads them instead of folding every text again; the texts themselves are read
only for the quotes a search compares or shows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from rapidfuzz import fuzz, process

from qualcode.db.batches import BATCH
from qualcode.db.reader import Reader, reader_of
from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.search import kept
from qualcode.search.hits import Hit
from qualcode.search.normalise import WORD, fold, fold_with_offsets, original_span
from qualcode.search.stemming import stemmer

if TYPE_CHECKING:
    from sqlmodel import Session

STEM_SCORE = 90.0
"""A word of the same stem ("hospitalisée" for "hospitalisation", "assurances" for
"assurance") ranks with a one-letter typo: the same word, in another form."""
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
Scores = np.ndarray[Any, np.dtype[np.float64]]
"""One score (0-100) per quote of the index, in index order."""
_PHRASE = re.compile(r'"([^"]*)"?')


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


def _pool_size(limit: int) -> int:
    return max(limit * RERANK_POOL, 100)


@lru_cache(maxsize=64)
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A folded phrase starting at a word's start."""
    return re.compile(r"(?<!\w)" + re.escape(phrase))


class _Texts:
    """Quote texts by index position, read (when not given) and folded on first need."""

    def __init__(self, ids: list[int], texts: list[str] | None = None,
                 fetch: Callable[[Sequence[int]], dict[int, str]] | None = None) -> None:
        self._ids = ids
        self._texts: list[str | None] = list(texts) if texts is not None else [None] * len(ids)
        self._folded: list[str | None] = [None] * len(ids)
        self._fetch = fetch

    def need(self, positions: Sequence[int]) -> None:
        """Read these texts at once (one query per `BATCH` ids), before asking for each."""
        missing = [self._ids[i] for i in positions if self._texts[i] is None]
        if missing and self._fetch is not None:
            found = self._fetch(missing)
            for i in positions:
                if self._texts[i] is None:
                    self._texts[i] = found[self._ids[i]]

    def text(self, i: int) -> str:
        text = self._texts[i]
        if text is None:
            self.need([i])
            text = self._texts[i]
        assert text is not None
        return text

    def folded(self, i: int) -> str:
        folded = self._folded[i]
        if folded is None:
            folded = self._folded[i] = fold(self.text(i))
        return folded

    def blocks(self, positions: Sequence[int]) -> Iterator[int]:
        """`positions`, their texts read a chunk ahead: a loop that stops early reads
        only what it looked at."""
        for start in range(0, len(positions), BATCH):
            block = positions[start:start + BATCH]
            self.need(block)
            yield from block


class SearchIndex:
    """The folded words of a project's quotes and their vocabulary, built once."""

    def __init__(self, ids: list[int], texts: list[str], language: str | None = None) -> None:
        """An index of these texts, made in memory; `language`: the study's, whose stemmer
        relates the forms of a word."""
        source = _Texts(ids, texts)
        number: dict[str, int] = {}
        words = [kept.stored([number.setdefault(w, len(number))
                              for w in kept.words_of(source.folded(i))])
                 for i in range(len(ids))]
        vocabulary: list[str | None] = list(number)
        self._start(ids, kept.postings(words, vocabulary), source, language)
        self.fresh = kept.Fresh(vocabulary, [])

    def _start(self, ids: list[int], postings: dict[str, np.ndarray[Any, np.dtype[np.int32]]],
               texts: _Texts, language: str | None) -> None:
        self.language = language
        self._by_stem: dict[str, list[str]] | None = None
        self.ids = ids
        self._texts = texts
        self._position = {qid: i for i, qid in enumerate(ids)}
        self._postings = postings
        self._vocab = list(postings)
        self._prefixes: dict[int, list[str]] = {}
        self._terms_cache: dict[str, dict[str, float]] = {}

    @classmethod
    def load(cls, source: Reader | Session, *, read_texts: bool = True) -> SearchIndex:
        """The index kept in the project, with the quotes written since indexed again in
        memory (`fresh`, for `kept.keep`). `read_texts`: read every text now, so that the
        index outlives `source` (the workbench keeps it); otherwise a search reads the
        texts it shows or compares from `source`, which must then stay open."""
        from qualcode.services.design import study_language

        reader = reader_of(source)
        found = kept.read(reader)
        if read_texts:
            every = dict(reader.rows("SELECT id, text FROM quote"))
            texts = _Texts(found.ids, [every[qid] for qid in found.ids])
        else:
            texts = _Texts(found.ids, fetch=lambda ids: kept.texts(reader, ids))
        index = cls.__new__(cls)
        index._start(found.ids, kept.postings(found.words, found.vocabulary), texts,
                     study_language(reader))
        index.fresh = found.fresh
        return index

    def search(self, query: str, *, limit: int = 50,
               within: Collection[int] | None = None) -> list[Hit]:
        """Best first; `within` restricts to these quote ids (e.g. a filter's result)."""
        parsed = Query.parse(query)
        if limit <= 0 or not (parsed.words or parsed.phrases):
            return []
        terms = [self._terms(w) for w in parsed.words]
        scores = self._word_scores(terms)
        if within is not None:
            keep = np.zeros(len(self.ids), dtype=bool)
            keep[[self._position[q] for q in within if q in self._position]] = True
            scores[~keep] = 0.0
        if parsed.phrases:
            scores = self._phrase_scores(scores, parsed, _pool_size(limit))
        ranked = self._rerank(scores, parsed, limit)
        self._texts.need([i for i, _ in ranked])
        matched = sorted({t for found in terms for t in found}, key=lambda t: (-len(t), t))
        words = (re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, matched)) + r")(?!\w)")
                 if matched else None)
        return [Hit(self.ids[i], score, self._spans(i, words, parsed.phrases))
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
            raise UserError(_("invalid regular expression {pattern!r}: {exc}").format(
                                pattern=pattern, exc=exc)) from None
        positions = (range(len(self.ids)) if within is None
                     else sorted(self._position[q] for q in within if q in self._position))
        hits: list[Hit] = []
        for i in self._texts.blocks(positions):
            text = self._texts.text(i)
            spans = [m.span() for m in rx.finditer(text) if m.end() > m.start()]
            if not spans and rx.search(self._texts.folded(i)):
                folded, offsets = fold_with_offsets(text, self._texts.folded(i))
                spans = [original_span(offsets, *m.span()) for m in rx.finditer(folded)
                         if m.end() > m.start()]
            if spans:
                hits.append(Hit(self.ids[i], 100.0, tuple(spans)))
                if len(hits) == limit:
                    break
        return hits

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
        if cutoff < 100.0:
            for term in self._same_stem(word):
                found[term] = max(found.get(term, 0.0), STEM_SCORE)
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

    def _same_stem(self, word: str) -> list[str]:
        """Vocabulary words of the word's stem; the vocabulary is stemmed on first use."""
        stem = stemmer(self.language)
        if self._by_stem is None:
            self._by_stem = {}
            for term in self._vocab:
                self._by_stem.setdefault(stem(term), []).append(term)
        return self._by_stem.get(stem(word), [])

    def _prefix_list(self, length: int) -> list[str]:
        prefixes = self._prefixes.get(length)
        if prefixes is None:
            prefixes = self._prefixes[length] = [t[:length] if len(t) > length else ""
                                                 for t in self._vocab]
        return prefixes

    def _word_scores(self, terms: list[dict[str, float]]) -> Scores:
        """Each quote's mean similarity to the query words, weighted by their rarity
        (100 for every quote when the query is only phrases)."""
        total = len(self.ids)
        if not terms:
            return np.full(total, 100.0)
        scores = np.zeros(total)
        weight_sum = 0.0
        for found in terms:
            best = np.zeros(total)
            for term, score in sorted(found.items(), key=lambda kv: kv[1]):
                best[self._postings[term]] = score  # the best term of a quote is set last
            weight = math.log(1.0 + total / (1.0 + np.count_nonzero(best)))
            scores += weight * best
            weight_sum += weight
        scores /= weight_sum
        return scores

    def _phrase_scores(self, scores: Scores, parsed: Query, size: int) -> Scores:
        """Scores kept only where every phrase appears (the rest drop to 0).

        A phrase's words are whole words of the text except the last, which may be the
        start of one (it may still be being typed), so the quotes to read are those
        holding all the whole words, found in the posting lists.
        """
        keep = scores >= MIN_SCORE
        for phrase in parsed.phrases:
            words = WORD.findall(phrase)
            if not words:
                continue
            has = np.zeros(len(self.ids), dtype=bool)
            for term in self._vocab if len(words) == 1 else ():
                if term.startswith(words[0]):
                    has[self._postings[term]] = True
            for word in words[:-1]:
                found = np.zeros(len(self.ids), dtype=bool)
                if word in self._postings:
                    found[self._postings[word]] = True
                has = found if word == words[0] else has & found
            keep &= has
        out = np.zeros(len(self.ids))
        patterns = [_phrase_pattern(p) for p in parsed.phrases]
        candidates = np.flatnonzero(keep)
        kept = 0
        # Best first, so reading stops once the reranking pool is full.
        best_first = candidates[np.lexsort((candidates, -scores[candidates]))].tolist()
        for i in self._texts.blocks(best_first):
            if all(rx.search(self._texts.folded(i)) for rx in patterns):
                out[i] = scores[i]
                kept += 1
                if kept == size:
                    break
        return out

    def _rerank(self, scores: Scores, parsed: Query, limit: int) -> list[tuple[int, float]]:
        """The best `limit`, after nudging the leading candidates by alignment."""
        size = _pool_size(limit)
        candidates = np.flatnonzero(scores >= MIN_SCORE)
        if len(candidates) > size:
            kth = np.partition(scores[candidates], len(candidates) - size)[-size]
            candidates = candidates[scores[candidates] >= kth]
        order = np.lexsort((candidates, -scores[candidates]))
        pool = [(int(i), float(scores[i])) for i in candidates[order[:size]]]
        whole = " ".join(parsed.words + parsed.phrases)
        if len(parsed.words) + len(parsed.phrases) > 1:
            self._texts.need([i for i, _ in pool])
            pool = [(i, (1 - ALIGNMENT_WEIGHT) * score
                     + ALIGNMENT_WEIGHT * fuzz.partial_ratio(whole, self._texts.folded(i)))
                    for i, score in pool]
            pool.sort(key=lambda kv: (-kv[1], kv[0]))
        return pool[:limit]

    def _spans(self, i: int, words: re.Pattern[str] | None,
               phrases: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
        found: list[tuple[int, int]] = []
        if words is not None and words.search(self._texts.folded(i)) or phrases:
            folded, offsets = fold_with_offsets(self._texts.text(i), self._texts.folded(i))
            patterns = [_phrase_pattern(p) for p in phrases]
            for rx in ([words] if words is not None else []) + patterns:
                found += [original_span(offsets, *m.span()) for m in rx.finditer(folded)]
        merged: list[tuple[int, int]] = []
        for start, end in sorted(found):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return tuple(merged)
