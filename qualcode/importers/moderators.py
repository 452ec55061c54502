"""Telling a moderator's label from a participant's: importers and the study's roster
(`services.study`, which `init` runs) ask it of every label.

A module of its own, apart from `importers.base`, so that `init` with a study that lists
participants does not load what only parsing files needs (hashlib, 5 ms)."""

from __future__ import annotations

from functools import lru_cache

MODERATOR_LABELS = frozenset(
    {"animateur", "animatrice", "moderateur", "moderatrice", "moderator",
     "interviewer", "intervieweur", "intervieweuse", "facilitator", "facilitatrice",
     "facilitateur", "enqueteur", "enqueteuse", "host"}
)
"""First words (folded) of a moderator's label. Not "interviewé(e)": that is the person
interviewed."""


@lru_cache(maxsize=4096)  # a table asks once a row; its speakers are few
def is_moderator_label(label: str) -> bool:
    from qualcode.search.normalise import fold

    words = fold(label).replace("-", " ").split(" ")
    first = words[0].removeprefix("l'")  # "L'animatrice"
    return first in MODERATOR_LABELS
