"""Suggestions read a bounded part of a turn: a 50 MB turn (a transcript pasted as one
turn) is no longer 35 s and 3.2 GB (issue "Hardening, round two", item 6)."""

from __future__ import annotations

from qualcode.search.suggest import MAX_TEXT, KeywordMatcher
from qualcode.services.code_tree import CodeNode

SECURITY = CodeNode(1, "data security", None, 0, None, None, False,
                    ("données", "sécurité", "piratage"))


def test_a_huge_turn_is_read_up_to_the_limit() -> None:
    matcher = KeywordMatcher([SECURITY])
    head = "Mes données de santé, je veux savoir où elles vont. "
    huge = head + "bla " * (MAX_TEXT // 2)  # far past the limit: never tokenised
    found = matcher.match(huge)
    assert [s.code for s in found] == ["data security"]
    late = "bla " * MAX_TEXT + "piratage"
    assert matcher.match(late) == []  # beyond what is read: not seen, and said so in the doc
