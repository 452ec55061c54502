"""How good the suggestions are, measured on the project's own coding.

Cross-validation over the coded quotes, grouped by focus group: the suggestions for a
group's turns are made by models trained on the other groups only, so a turn never
meets a neighbour of its own conversation in training (turns of one group echo each
other, and would flatter the figures). The keyword-only baseline is scored on the
same turns. A quote carrying a sub-code carries its parents too, in the truth and in
the suggestions alike, as in the reports.

Per code: precision, recall and F1 of the suggestions at the apply threshold (what
`suggest --apply` would code), and recall@3 (whether the code is among the first three
proposed: what a researcher sees first on the suggestions screen).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.reports.counts import Scope
from qualcode.search.examples import EVERY_CODER, load_examples, with_ancestors
from qualcode.search.learning import MIN_CODINGS
from qualcode.search.suggest import (
    APPLY_THRESHOLD,
    KeywordMatcher,
    Suggester,
    Suggestion,
)
from qualcode.services.code_tree import code_tree
from qualcode.services.design import study_language

FOLDS = 5
TOP = 3


@dataclass
class Tally:
    """One code's outcomes over the held-out quotes."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    in_top: int = 0

    @property
    def precision(self) -> float | None:
        proposed = self.true_positives + self.false_positives
        return self.true_positives / proposed if proposed else None

    @property
    def recall(self) -> float | None:
        carried = self.true_positives + self.false_negatives
        return self.true_positives / carried if carried else None

    @property
    def f1(self) -> float:
        """0 when nothing was right (no proposal, or none correct)."""
        both = 2 * self.true_positives + self.false_positives + self.false_negatives
        return 2 * self.true_positives / both if both else 0.0

    @property
    def recall_at_top(self) -> float | None:
        carried = self.true_positives + self.false_negatives
        return self.in_top / carried if carried else None

    def as_dict(self) -> dict[str, float | int | None]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1,
                f"recall_at_{TOP}": self.recall_at_top, "true_positives": self.true_positives,
                "false_positives": self.false_positives,
                "false_negatives": self.false_negatives}


@dataclass
class CodeResult:
    code: str
    examples: int
    """Held-out quotes carrying the code (all of them, over the folds)."""
    learned: Tally = field(default_factory=Tally)
    keywords: Tally = field(default_factory=Tally)

    @property
    def enough(self) -> bool:
        """Whether the code has enough codings for a model of its own."""
        return self.examples >= MIN_CODINGS


@dataclass
class Evaluation:
    scope: str
    quotes: int
    groups: int
    folds: int
    threshold: float
    codes: list[CodeResult]

    def as_dict(self) -> dict[str, object]:
        enough = [c for c in self.codes if c.enough]
        return {
            "scope": self.scope, "quotes": self.quotes, "groups": self.groups,
            "folds": self.folds, "threshold": self.threshold,
            "min_codings": MIN_CODINGS,
            "learned_beats_keywords": sum(1 for c in enough if c.learned.f1 > c.keywords.f1),
            "codes_with_enough_codings": len(enough),
            "codes": [{"code": c.code, "examples": c.examples, "enough_codings": c.enough,
                       "learned": c.learned.as_dict(), "keywords": c.keywords.as_dict()}
                      for c in self.codes],
        }


def evaluate(session: Session, scope: Scope = EVERY_CODER, *, folds: int = FOLDS,
             threshold: float = APPLY_THRESHOLD) -> Evaluation:
    """Cross-validated figures of learned and keyword suggestions, per code."""
    from sklearn.model_selection import GroupKFold

    codes = code_tree(session)
    language = study_language(session)
    examples = load_examples(session, codes, scope)
    groups = sorted(set(examples.groups))
    if len(groups) < 2:
        raise UserError(_("evaluating suggestions needs coded quotes in two groups or more "
                          "({count} coded quotes in {groups} group(s) for {label})").format(
                            count=len(examples), groups=len(groups), label=scope.label))
    closure = with_ancestors(codes)
    by_name = {c.name: c.id for c in codes}
    names = {c.id: c.name for c in codes}
    results = {c.id: CodeResult(c.name, sum(1 for labels in examples.labels if c.id in labels))
               for c in codes}
    keywords = KeywordMatcher(codes, language)
    splits = min(folds, len(groups))
    for train, test in GroupKFold(n_splits=splits).split(examples.texts,
                                                         groups=examples.groups):
        held_out = examples.subset(test.tolist())
        learned = Suggester(codes, examples.subset(train.tolist()), language)
        proposals = learned.suggest_many(held_out.texts)
        for i, truth in enumerate(held_out.labels):
            _tally(proposals[i], truth, results, "learned", closure, by_name, threshold)
            _tally(keywords.match(held_out.texts[i]), truth, results, "keywords", closure,
                   by_name, threshold)
    kept = [results[c] for c in names if results[c].examples]
    return Evaluation(scope.label, len(examples), len(groups), splits, threshold, kept)


def _tally(proposed: list[Suggestion], truth: frozenset[int], results: dict[int, CodeResult],
           which: str, closure: dict[int, frozenset[int]], by_name: dict[str, int],
           threshold: float) -> None:
    def carried(suggestions: list[Suggestion]) -> set[int]:
        return set().union(*(closure[by_name[s.code]] for s in suggestions))

    applied = carried([s for s in proposed if s.score >= threshold])
    top = carried(proposed[:TOP])
    for code, result in results.items():
        tally: Tally = getattr(result, which)
        if code in truth:
            if code in applied:
                tally.true_positives += 1
            else:
                tally.false_negatives += 1
            if code in top:
                tally.in_top += 1
        elif code in applied:
            tally.false_positives += 1
