"""Codes suggested for a quote: by the codebook's keywords, and by the team's own coding.

A keyword matches whole words of the quote, in order, without accents or case, stem
for stem in the study's language ("donnée" finds "données", "connecté" finds
"connectées", "assurance" finds "assurances"), forgiving one typo in longer words.
Each matching keyword adds evidence for its code, a phrase more than a single word,
and words already counted in a longer keyword add nothing. Keywords are the cold
start: once people have coded quotes, what they coded weighs in (`learning`), and
each suggestion says which of the two, or both, proposed it.

A parent is not proposed when one of its children is at least as likely (the codebook
asks for the most specific code), and an `exclusive` parent's children compete: only
the best one is proposed. Suggestions applied in bulk are always recorded as the
reserved coder `auto`, never as a person, so reports leave them out by default, and
they never teach the models.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz, process
from sqlalchemy import text as sql
from sqlmodel import Session, col, select

from qualcode.db.models import Participant, Quote
from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.reports.counts import Scope
from qualcode.search.examples import EVERY_CODER, Examples, load_examples
from qualcode.search.normalise import WORD, fold_with_offsets, original_span
from qualcode.search.stemming import stemmer
from qualcode.services.code_tree import CodeNode, code_tree
from qualcode.services.design import study_language

if TYPE_CHECKING:
    from qualcode.search.learning import Evidence, LearnedCodes

AUTO_CODER = "auto"
APPLY_THRESHOLD = 70.0
"""Least score `suggest --apply` codes (two single-word keywords, or one phrase)."""
WORD_EVIDENCE = 0.5
PHRASE_EVIDENCE = 0.75
TYPO_CUTOFF = 85.0
"""Least `fuzz.ratio` between two stems of six letters or more to count as a typo (a
shorter stem is too near others: "assur" and "rassur")."""
TYPO_MIN_LENGTH = 6


@dataclass(frozen=True)
class Suggestion:
    code: str
    score: float
    matched: tuple[str, ...]
    """The quote's words that matched the code's keywords, as written in the quote."""
    similar: tuple[int, ...] = ()
    """The most similar quotes people coded with this code."""
    words: tuple[str, ...] = ()
    """The quote's words that weighed most in the coded quotes' evidence."""
    learned: bool = False
    """Whether a model trained on the project's coding scored it (else keywords and,
    for a code with few codings, the similar quotes' vote)."""

    @property
    def reason(self) -> str:
        """Why, in a few words: the keywords found, the words that weighed most in the
        coded quotes' evidence, and the most similar coded quotes."""
        parts = []
        if self.matched:
            parts.append(_("keywords {words}").format(
                words=", ".join(f"« {w} »" for w in self.matched)))
        if self.words:
            parts.append(_("weighing {words}").format(
                words=", ".join(f"« {w} »" for w in self.words)))
        if self.similar:
            parts.append(_("like {quotes}").format(quotes=", ".join(f"#{q}" for q in self.similar)))
        if self.learned and not self.words:
            parts.append(_("the model of the coded quotes"))
        return "; ".join(parts) or _("similar coded quotes")

    @property
    def why(self) -> dict[str, object]:
        """The reason, as `suggest --json` gives it."""
        return {"keywords": list(self.matched), "similar_quotes": list(self.similar),
                "words": list(self.words),
                "by": "model" if self.learned else ("coded quotes" if self.similar
                                                    else "keywords")}


MAX_TEXT = 100_000
"""Characters of a turn that suggestions read (a 3-hour focus group is about 200 KB)."""


@dataclass(frozen=True)
class _Keyword:
    code: str
    stems: tuple[str, ...]


class KeywordMatcher:
    """The codebook's keywords, ready to match any number of quotes.

    Each distinct word of the quotes is compared once with every keyword word;
    quotes then only look their words up.
    """

    def __init__(self, codes: list[CodeNode], language: str | None = None) -> None:
        self._codes = codes
        self._stem = stemmer(language)
        self._keywords: list[_Keyword] = []
        for node in codes:
            for keyword in node.keywords:
                folded, _offsets = fold_with_offsets(keyword)
                stems = tuple(self._stem(w) for w in WORD.findall(folded))
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
                for other, score, _index in process.extract(word_stem, self._long_stems,
                                                       scorer=fuzz.ratio,
                                                       score_cutoff=TYPO_CUTOFF, limit=None):
                    near.setdefault(other, score)
            self._near_cache[word_stem] = near
        return near

    def match(self, text: str) -> list[Suggestion]:
        """The codes proposed for one turn by keywords alone, best first."""
        return most_specific(self.evidence(text), self._codes)

    def evidence(self, text: str) -> list[Suggestion]:
        """Every code a keyword of which is in the turn, read up to `MAX_TEXT`
        characters: a real turn is far shorter, and a 50 MB one (a transcript pasted as
        a single turn) took 35 s and 3.2 GB; its first 100,000 characters say enough
        of what it is about."""
        text = text[:MAX_TEXT]
        folded, offsets = fold_with_offsets(text)
        tokens = list(WORD.finditer(folded))
        near = [self._near(self._stem(t.group())) for t in tokens]
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
        return suggestions


def most_specific(suggestions: list[Suggestion], codes: list[CodeNode], *,
                  threshold: float = APPLY_THRESHOLD) -> list[Suggestion]:
    """Best first, without the parents whose evidence a child matches (a child as likely,
    or likely enough to apply), and with only the best child of an exclusive parent."""
    nodes = {n.name: n for n in codes}
    ids = {n.id: n for n in codes}
    keep = {s.code: s for s in suggestions if s.code in nodes}
    for s in list(keep.values()):
        parent = ids.get(nodes[s.code].parent_id or -1)
        while parent is not None:
            rival = keep.get(parent.name)
            if rival is not None and (s.score >= rival.score or s.score >= threshold):
                keep.pop(parent.name)
            parent = ids.get(parent.parent_id or -1)
    for parent in (n for n in codes if n.exclusive):
        rivals = sorted((s for s in keep.values() if nodes[s.code].parent_id == parent.id),
                        key=lambda s: -s.score)
        for loser in rivals[1:]:
            keep.pop(loser.code)
    return sorted(keep.values(), key=lambda s: (-s.score, s.code))


LEAST_SCORE = 20.0
"""Weaker suggestions are not listed: a code one coded quote in five sharing a word or two
would vote for is noise beside the rest."""
NEIGHBOUR_WEIGHT = 0.6
"""How far the similar coded quotes' vote counts for a code with too few codings for a
model of its own (the vote of quotes sharing only a word or two is weak evidence)."""


class Suggester:
    """Keywords and the project's coding together, trained once for many quotes."""

    def __init__(self, codes: list[CodeNode], examples: Examples | None = None,
                 language: str | None = None) -> None:
        self.codes = codes
        self.keywords = KeywordMatcher(codes, language)
        self.learned: LearnedCodes | None = None
        if examples is not None and len(examples):
            from qualcode.search.learning import LearnedCodes

            self.learned = LearnedCodes(examples, codes, language, self._keyword_scores)

    def _keyword_scores(self, text: str) -> dict[str, float]:
        return {s.code: s.score / 100.0 for s in self.keywords.evidence(text)}

    def scores(self, text: str) -> list[Suggestion]:
        """Every code with any evidence, with its reasons, before the most specific are
        chosen."""
        learned = self.learned.evidence(text) if self.learned is not None else {}
        return self._combine(self.keywords.evidence(text), learned)

    def suggest(self, text: str) -> list[Suggestion]:
        """The codes proposed for one turn, best first, each with its reasons."""
        return most_specific(self.scores(text), self.codes)

    def suggest_many(self, texts: list[str]) -> list[list[Suggestion]]:
        """`suggest` for many turns at once; the reasons are the keywords and the weighing
        words, not the similar quotes (looking for them costs a pass over the examples
        per turn)."""
        learned = (self.learned.evidence_many(texts) if self.learned is not None
                   else [{} for _ in texts])
        return [most_specific(self._combine(self.keywords.evidence(text), found), self.codes)
                for text, found in zip(texts, learned, strict=True)]

    def _combine(self, keywords: list[Suggestion], learned: dict[int, Evidence]
                 ) -> list[Suggestion]:
        by_keyword = {s.code: s for s in keywords}
        out: list[Suggestion] = []
        for code in self.codes:
            keyword = by_keyword.get(code.name)
            evidence = learned.get(code.id)
            if evidence is None:
                if keyword:
                    out.append(keyword)
                continue
            k = keyword.score / 100.0 if keyword else 0.0
            if evidence.learned:
                score = evidence.score
            else:
                score = 1.0 - (1.0 - k) * (1.0 - NEIGHBOUR_WEIGHT * evidence.score)
            if 100.0 * score < LEAST_SCORE:
                continue
            out.append(Suggestion(code.name, 100.0 * score, keyword.matched if keyword else (),
                                  evidence.similar, evidence.words, evidence.learned))
        return out


def suggester(session: Session, scope: Scope = EVERY_CODER) -> Suggester:
    """Keywords, and models trained on the coding of `scope` (everyone but `auto`)."""
    codes = code_tree(session)
    from qualcode.search.learning import MAX_EXAMPLES

    return Suggester(codes, load_examples(session, codes, scope, limit=MAX_EXAMPLES),
                     study_language(session))


def suggest(session: Session, quote_id: int, scope: Scope = EVERY_CODER) -> list[Suggestion]:
    """Suggestions for one quote, best first."""
    quote = session.get(Quote, quote_id)
    if quote is None:
        raise UserError(_("no quote with id {quote_id}; `qualcode quotes` lists them").format(
                            quote_id=quote_id))
    return suggester(session, scope).suggest(quote.text)


def suggest_all(session: Session, scope: Scope = EVERY_CODER) -> dict[int, list[Suggestion]]:
    """Suggestions for every participant's quote (moderator turns are never coded)."""
    model = suggester(session, scope)
    rows = session.exec(
        select(Quote.id, Quote.text).join(Participant, col(Participant.id) == Quote.participant_id)
        .where(col(Participant.is_moderator).is_(False)).order_by(col(Quote.id))
    ).all()
    found = model.suggest_many([text for _, text in rows])
    return {int(qid or 0): sugg for (qid, _), sugg in zip(rows, found, strict=True)}


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


def coding_version(session: Session) -> tuple[object, ...]:
    """What the models learn from, summed up: it changes whenever a coding, a review or
    the codebook changes (a coding removed lowers the count, one added raises the
    highest id)."""
    counts = session.execute(sql(
        "SELECT (SELECT count(*) FROM coding), (SELECT coalesce(max(id), 0) FROM coding), "
        "(SELECT count(*) FROM review)")).one()
    return (*counts, tuple(code_tree(session)))


class KeptSuggester:
    """A suggester trained once and kept while the coding stays the same: the workbench
    asks for suggestions quote after quote, and training at 100,000 quotes takes
    seconds. Thread-safe: workers share it."""

    def __init__(self, scope: Scope = EVERY_CODER) -> None:
        self.scope = scope
        self._lock = threading.Lock()
        self._version: tuple[object, ...] | None = None
        self._model: Suggester | None = None

    def get(self, session: Session) -> Suggester:
        """The suggester for the project as it is now, trained again if it changed."""
        version = coding_version(session)
        with self._lock:
            if self._model is None or version != self._version:
                self._model = suggester(session, self.scope)
                self._version = version
            return self._model

    def current(self, session: Session) -> Suggester | None:
        """The kept suggester if the coding has not changed since it was trained."""
        version = coding_version(session)
        with self._lock:
            return self._model if version == self._version else None

    @property
    def last(self) -> Suggester | None:
        """The suggester trained last, however old: what a screen shows at once while a
        newer one is trained (a coding more changes a model's figures very little)."""
        return self._model


def most_informative(model: Suggester, ids: list[int], texts: list[str]) -> list[int]:
    """`ids` ordered so the quotes the models are least sure of come first: for each, the
    code whose probability is nearest one half. A person's decision on such a quote
    teaches the models most (uncertainty sampling). Before any code has a model, the
    order stays as it was."""
    if model.learned is None or not ids:
        return list(ids)
    probabilities = list(model.learned.probabilities(texts).values())
    if not probabilities:
        return list(ids)
    doubt = np.max(1.0 - np.abs(2.0 * np.vstack(probabilities) - 1.0), axis=0)
    order = sorted(range(len(ids)), key=lambda i: (-float(doubt[i]), i))
    return [ids[i] for i in order]
