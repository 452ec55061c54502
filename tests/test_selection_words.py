"""Word selection (x, w, b, W, B, `)`): whole words, French elision and compounds kept."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qualcode.tui.selection import Selection, words

TEXT = "J’ai peur pour mes données. Peut-être qu’un jour l’hôpital les perdra ! Voilà."


def test_words_keep_elision_and_compounds() -> None:
    found = [TEXT[a:b] for a, b in words(TEXT)]
    assert found[:4] == ["J’ai", "peur", "pour", "mes"]
    assert "Peut-être" in found and "l’hôpital" in found and "qu’un" in found


def test_keys_move_by_whole_words() -> None:
    sel = Selection.start(7, TEXT)
    assert sel is not None and sel.excerpt == "J’ai"
    sel = sel.end_by(1).end_by(1)
    assert sel.excerpt == "J’ai peur pour"
    assert sel.end_by(-1).excerpt == "J’ai peur"
    assert sel.start_by(1).excerpt == "peur pour"
    assert sel.start_by(9).excerpt == "pour"  # the start never passes the end
    assert sel.end_by(-9).excerpt == "J’ai"  # nor the end the start
    assert sel.start_by(-3).excerpt == "J’ai peur pour"


def test_sentence_key_goes_to_the_end_of_the_sentence_then_the_next() -> None:
    sel = Selection.start(1, TEXT)
    assert sel is not None
    first = sel.to_sentence_end()
    assert first.excerpt == "J’ai peur pour mes données"
    second = first.to_sentence_end()
    assert second.excerpt.endswith("les perdra")
    assert second.to_sentence_end().excerpt.endswith("Voilà")


def test_no_words_no_selection_and_a_drag_picks_touched_words() -> None:
    assert Selection.start(1, " … ! ") is None
    sel = Selection.start(1, TEXT)
    assert sel is not None
    assert sel.between(11, 3).excerpt == "J’ai peur pour"  # either direction


@given(st.text(), st.lists(st.sampled_from("wbWB)"), max_size=30))
def test_any_keys_give_a_span_of_whole_words_inside_the_text(text: str, keys: list[str]) -> None:
    sel = Selection.start(1, text)
    if sel is None:
        assert not words(text)
        return
    moves = {"w": lambda s: s.end_by(1), "b": lambda s: s.end_by(-1),
             "W": lambda s: s.start_by(1), "B": lambda s: s.start_by(-1),
             ")": lambda s: s.to_sentence_end()}
    for key in keys:
        sel = moves[key](sel)
        start, end = sel.span
        assert 0 <= start < end <= len(text)
        assert sel.first <= sel.last
        assert not text[start].isspace() and not text[end - 1].isspace()
