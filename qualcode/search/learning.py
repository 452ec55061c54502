"""What the project's own coding says a code means: a model per code, trained on the
quotes people coded, that scores new quotes and says why.

Quotes are bags of stems and of pairs of neighbouring stems (TF-IDF weighted), so
"assureur" and "chez un assureur" count as evidence once some coded quotes have them.
A code with `MIN_CODINGS` examples or more, and some examples without it, gets a
logistic regression (scikit-learn: well kept, and its weights are the explanation: the
words of a quote that weighed most). A code with fewer has no model: its evidence is
the vote of the quote's most similar coded quotes, which needs no training at all and
lets a handful of codings already count. Either way the most similar quotes coded with
the code are given as the reason, as a researcher would justify a code: "like #12".

scikit-learn is imported here only, and this module only by the commands and the
workbench screen that suggest: the rest of the command line never pays for it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from qualcode.search.examples import Examples
from qualcode.search.normalise import WORD, fold, fold_with_offsets, original_span
from qualcode.search.stemming import function_words, stemmer
from qualcode.services.code_tree import CodeNode

if TYPE_CHECKING:
    from collections.abc import Callable

MIN_CODINGS = 8
"""Examples of a code before it gets a model of its own."""
MAX_EXAMPLES = 6_000
"""Coded quotes the models learn from at most, drawn at random beyond: a code's words are
known long before (the cross-validated F1 hardly moves past a few thousand), while
training time and memory grow with every quote (at 85,000 coded quotes, over three
minutes and 700 MB)."""
NEIGHBOURS = 5
"""Coded quotes that vote for a code that has no model yet."""
SHOWN = 3
"""Similar quotes and weighing words given as a suggestion's reason."""
MAX_TEXT = 100_000
"""Characters of a turn read (as the keyword matcher does)."""


class Terms:
    """A quote's stems and pairs of stems: what the models read."""

    def __init__(self, language: str | None) -> None:
        self._stem: Callable[[str], str] = stemmer(language)
        self._common = function_words(language)

    def stem(self, folded_word: str) -> str:
        return self._stem(folded_word)

    def __call__(self, text: str) -> list[str]:
        """The stems of the words that carry meaning, and the pairs of neighbouring
        words with at least one such: "pas activé" is not "activé"."""
        stems = [(self._stem(w), w in self._common) for w in WORD.findall(fold(text[:MAX_TEXT]))]
        terms = [s for s, common in stems if not common]
        terms += [f"{a} {b}" for (a, x), (b, y) in zip(stems, stems[1:], strict=False)
                  if not (x and y)]
        return terms


@dataclass(frozen=True)
class Evidence:
    """What the coded quotes say of one code for one quote."""

    score: float
    """0 to 1: the model's probability, or the similar quotes' vote."""
    similar: tuple[int, ...]
    """The most similar quotes coded with the code, most similar first."""
    words: tuple[str, ...]
    """The quote's words that weighed most for the code (folded, as written)."""
    learned: bool
    """Whether a trained model gave the score (else the neighbours' vote)."""


class LearnedCodes:
    """Every code's evidence from `examples`, trained once."""

    def __init__(self, examples: Examples, codes: list[CodeNode],
                 language: str | None = None,
                 keywords: Callable[[str], dict[str, float]] | None = None) -> None:
        """`keywords` gives a text's keyword evidence per code name (0 to 1): each model
        reads it beside the words, and learns how far the codebook's keywords are to be
        trusted in this project."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        examples = examples.sample(MAX_EXAMPLES)
        self.examples = examples
        self._keywords = keywords
        self.codes = list(codes)
        self.terms = Terms(language)
        self._vectoriser = TfidfVectorizer(analyzer=self.terms, sublinear_tf=True, min_df=2,
                                           dtype=np.float32)
        self._models: dict[int, Any] = {}
        self._weights: tuple[Any, Any, Any] | None = None
        self._column = {c.id: j for j, c in enumerate(self.codes)}
        self.counts: dict[int, int] = {}
        if not len(examples):
            self._matrix = None
            return
        self._matrix = self._vectoriser.fit_transform(examples.texts)
        self._transposed = self._matrix.T.tocsr()
        self._vocabulary = self._vectoriser.get_feature_names_out()
        labels = np.zeros((len(examples), len(self.codes)), dtype=bool)
        column = {c.id: j for j, c in enumerate(self.codes)}
        for i, carried in enumerate(examples.labels):
            for code_id in carried:
                if code_id in column:
                    labels[i, column[code_id]] = True
        self._labels = labels
        present = _present(self._matrix)
        keyword = self._keyword_matrix(examples.texts)
        for j, code in enumerate(self.codes):
            positives = int(labels[:, j].sum())
            self.counts[code.id] = positives
            if MIN_CODINGS <= positives < len(examples):
                self._models[code.id] = _fit(_with_column(present, keyword[:, j]),
                                             labels[:, j])

    def _keyword_matrix(self, texts: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        """Each text's keyword evidence for each code (0 to 1)."""
        out = np.zeros((len(texts), len(self.codes)), dtype=np.float32)
        if self._keywords is not None:
            column = {c.name: j for j, c in enumerate(self.codes)}
            for i, text in enumerate(texts):
                for name, score in self._keywords(text).items():
                    if name in column:
                        out[i, column[name]] = score
        return out

    def has_model(self, code_id: int) -> bool:
        return code_id in self._models

    def evidence(self, text: str) -> dict[int, Evidence]:
        """Each code with any evidence for `text`, by code id, with its reasons."""
        return self.evidence_many([text], explain=True)[0]

    def evidence_many(self, texts: list[str], *, explain: bool = False
                      ) -> list[dict[int, Evidence]]:
        """Each code's evidence for each text; the similar quotes are looked for only
        when `explain` is asked, or for codes that have no model (their vote)."""
        if self._matrix is None or not texts:
            return [{} for _ in texts]
        vectors = self._vectoriser.transform(texts).tocsr()
        present = _present(vectors)
        probabilities, supported = self._probabilities(present, texts)
        voting = [j for j, c in enumerate(self.codes)
                  if c.id not in self._models and self.counts.get(c.id)]
        looked = 50 if explain else NEIGHBOURS
        near, near_sim = (self._nearest(vectors, looked) if explain or voting
                          else (None, None))
        out: list[dict[int, Evidence]] = []
        for i in range(len(texts)):
            found: dict[int, Evidence] = {}
            written: tuple[str, list[tuple[int, int]], list[str]] | None = None
            for j, code in enumerate(self.codes):
                carries = self._labels[:, j]
                best: int | None = None
                if code.id in probabilities:
                    if not supported[code.id][i]:
                        continue
                    score = float(probabilities[code.id][i])
                elif near is not None and near_sim is not None and j in voting:
                    top = [(n, s) for n, s in zip(near[i][:NEIGHBOURS],
                                                  near_sim[i][:NEIGHBOURS], strict=True)
                           if s > 0.0]
                    votes = sum(s for n, s in top if carries[n])
                    if not votes:
                        continue
                    score = float(votes / sum(s for _, s in top))
                    best = next(n for n, _ in top if carries[n])
                else:
                    continue
                similar: tuple[int, ...] = ()
                words: tuple[str, ...] = ()
                if explain and near is not None and near_sim is not None:
                    similar = tuple(self.examples.ids[n] for n, s in zip(
                        near[i], near_sim[i], strict=True) if s > 0.0 and carries[n])[:SHOWN]
                    if best is None:  # the model's weights on the quote's words
                        terms = vectors.indices[vectors.indptr[i]:vectors.indptr[i + 1]]
                        weights = (terms, self._models[code.id].coef_[0][terms])
                    else:  # the words shared with the most similar voter
                        product = vectors[i].multiply(self._matrix[best]).tocsr()
                        weights = (product.indices, product.data)
                    if written is None:
                        written = self._written(texts[i])
                    words = self._weighing(written, weights)
                found[code.id] = Evidence(score, similar, words, best is None)
            out.append(found)
        return out

    def probabilities(self, texts: list[str]) -> dict[int, Any]:
        """Each modelled code's probability for each text, by code id (an array each);
        0 where the text has nothing that speaks for the code."""
        if self._matrix is None or not texts:
            return {}
        found, supported = self._probabilities(_present(self._vectoriser.transform(texts)),
                                               texts)
        return {code: np.where(supported[code], p, 0.0) for code, p in found.items()}

    def _probabilities(self, present: Any, texts: list[str]) -> tuple[dict[int, Any],
                                                                       dict[int, Any]]:
        """The models' probabilities, and whether the text has anything that speaks for
        the code: a text with none of its words gets the model's prior, which says
        nothing, and no model proposes a code on that alone."""
        if not self._models:
            return {}, {}
        if self._weights is None:  # every model's weights side by side, once
            models = list(self._models.values())
            coefficients = np.vstack([m.coef_[0] for m in models]).T
            self._weights = (coefficients[:-1], coefficients[-1],
                             np.array([m.intercept_[0] for m in models]))
        words, keyword_weight, intercept = self._weights
        keyword = self._keyword_matrix(texts)[:, [self._column[c] for c in self._models]]
        # A binary logistic regression's probability is the sigmoid of its decision
        # function: all the models at once, one product, instead of a call each.
        decision = present @ words + keyword * keyword_weight + intercept
        evidence = present @ np.maximum(words, 0.0) + keyword * np.maximum(keyword_weight, 0.0)
        probability = 1.0 / (1.0 + np.exp(-decision))
        codes = list(self._models)
        return ({c: probability[:, j] for j, c in enumerate(codes)},
                {c: evidence[:, j] > 0.0 for j, c in enumerate(codes)})

    def _nearest(self, vectors: Any, count: int) -> tuple[list[list[int]], list[list[float]]]:
        """The `count` most similar examples of each row (cosine: TF-IDF rows have unit
        length), a block of rows at a time so memory stays bounded at 100,000 examples."""
        assert self._matrix is not None
        indices: list[list[int]] = []
        similarities: list[list[float]] = []
        block = max(1, 4_000_000 // max(1, self._matrix.shape[0]))
        for start in range(0, vectors.shape[0], block):
            sims = (vectors[start:start + block] @ self._transposed).toarray()
            sims[sims > 0.999] = 0.0  # the quote itself, when it is an example
            k = min(count, sims.shape[1])
            top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
            for r in range(sims.shape[0]):
                ranked = sorted(top[r].tolist(), key=lambda n: (-sims[r, n], n))
                indices.append(ranked)
                similarities.append([float(sims[r, n]) for n in ranked])
        return indices, similarities

    def _written(self, text: str) -> tuple[str, list[tuple[int, int]], list[str]]:
        """The text, each word's span in it, and each word's stem: to find a term's
        words as written."""
        text = text[:MAX_TEXT]
        folded, offsets = fold_with_offsets(text)
        found = list(WORD.finditer(folded))
        return (text, [original_span(offsets, m.start(), m.end()) for m in found],
                [self.terms.stem(m.group()) for m in found])

    def _weighing(self, written: tuple[str, list[tuple[int, int]], list[str]],
                  weights: Any) -> tuple[str, ...]:
        """The words of the text, as written, behind the features that weighed most
        (positively)."""
        terms, values = weights
        ranked = sorted(zip(terms.tolist(), values.tolist(), strict=True), key=lambda kv: -kv[1])
        text, spans, stems = written
        words: list[str] = []
        for index, weight in ranked:
            if weight <= 0.0 or len(words) == SHOWN:
                break
            term = str(self._vocabulary[index]).split()
            for at in range(len(stems) - len(term) + 1):
                if stems[at:at + len(term)] == term:
                    shown = text[spans[at][0]:spans[at + len(term) - 1][1]]
                    # "médecin" says what "médecin m" or "le médecin" would say again
                    if not any(shown in w or w in shown for w in words):
                        words.append(shown)
                    break
        return tuple(words)


def _present(matrix: Any) -> Any:
    """Which terms a quote has, 1 or 0: a model reads a word's presence the same in a
    turn of five words and in a story of a hundred and fifty (TF-IDF rows, of unit
    length, would drown a long turn's one telling word)."""
    present = matrix.copy()
    present.data[:] = 1.0
    return present


def _with_column(matrix: Any, column: np.ndarray[Any, np.dtype[np.float32]]) -> Any:
    """The matrix with one more column on its right (a code's keyword evidence)."""
    from scipy.sparse import csr_matrix, hstack

    return hstack([matrix, csr_matrix(column.reshape(-1, 1))], format="csr")


def _fit(matrix: Any, carries: np.ndarray[Any, np.dtype[np.bool_]]) -> Any:
    """A logistic regression for one code; classes balanced, since a code is carried by
    a few quotes in a hundred and would otherwise never be proposed; L1, so the few words
    that tell a code remain and the hundreds of others weigh nothing (a long turn would
    otherwise sum their noise); a fixed seed, so the same coding gives the same
    suggestions."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, l1_ratio=1.0, class_weight="balanced",
                               solver="liblinear", max_iter=400, random_state=0, tol=1e-3)
    with warnings.catch_warnings():  # a code that cannot be told apart is no error
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(matrix, carries)
    return model

