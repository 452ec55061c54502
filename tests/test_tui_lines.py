"""The workbench's own line drawing: wrapping that keeps French typography whole."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.style import Style

from qualcode.tui.widgets.lines import flat, layered, strip_of, wrap

STYLES = [None, Style(bold=True), Style(color="red"), Style(reverse=True)]
WORD = st.text(alphabet="aàbçdeéèfg?!:;«»\u00a0\u202f中", min_size=1, max_size=12)
SEP = st.sampled_from([" ", "  ", "\n", " \n "])


@st.composite
def paragraphs(draw: st.DrawFn) -> list[tuple[str, Style | None]]:
    """Words and separators, cut into pieces of different styles at random places."""
    words = draw(st.lists(WORD, min_size=1, max_size=30))
    seps = draw(st.lists(SEP, min_size=len(words), max_size=len(words)))
    text = "".join(w + s for w, s in zip(words, seps, strict=True))
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=6))))
    bounds = [0, *cuts, len(text)]
    return [(text[a:b], STYLES[i % len(STYLES)]) for i, (a, b) in
            enumerate(zip(bounds, bounds[1:], strict=False))]


def styled_chars(pieces: list[tuple[str, Style | None]]) -> list[tuple[str, Style | None]]:
    return [(char, style) for text, style in pieces for char in text]


@settings(max_examples=300, deadline=None)
@given(paragraphs(), st.integers(2, 30))
def test_wrapping_keeps_every_character_in_its_style_and_in_the_width(
        pieces: list[tuple[str, Style | None]], width: int) -> None:
    lines = wrap(pieces, width)
    assert all(cell_len("".join(t for t, _ in line)) <= width for line in lines)
    kept = [(c, s) for line in lines for c, s in styled_chars(line)]
    original = styled_chars(pieces)
    # Only breakable spaces and line breaks may go, and nothing else is added.
    assert [cs for cs in original if cs[0] not in " \n"] == [cs for cs in kept if cs[0] != " "]
    assert len([1 for c, _ in kept if c == " "]) <= len([1 for c, _ in original if c == " "])


@settings(max_examples=300, deadline=None)
@given(paragraphs(), st.integers(12, 30))
def test_a_word_that_fits_is_never_split_not_even_at_a_no_break_space(
        pieces: list[tuple[str, Style | None]], width: int) -> None:
    text = "".join(t for t, _ in pieces)
    shown = ["".join(t for t, _ in line) for line in wrap(pieces, width)]
    for word in text.replace("\n", " ").split(" "):
        if word and cell_len(word) <= width:
            assert any(word in line for line in shown), (word, shown)


def test_the_question_mark_stays_with_its_word() -> None:
    text = "Et les données\u00a0? Où vont-elles\u202f?"
    shown = ["".join(t for t, _ in line) for line in wrap([(text, None)], 14)]
    assert shown == ["Et les ", "données\u00a0? Où ", "vont-elles\u202f?"]


def test_line_breaks_are_kept_and_blank_lines_too() -> None:
    assert [["".join(t for t, _ in line)] for line in wrap([("a\n\nb", None)], 10)] == [
        ["a"], [""], ["b"]]


@given(st.text(max_size=60), st.integers(1, 40))
def test_a_row_is_exactly_as_wide_as_asked(text: str, width: int) -> None:
    strip = strip_of([(flat(text), Style(bold=True))], width, Style())
    assert strip.cell_length == width
    shown = strip.text
    if cell_len(flat(text)) > width:
        assert shown.endswith("…")
    else:
        assert shown.rstrip(" ") == flat(text).rstrip(" ")


def test_layers_stand_out_cut_to_the_text_and_overlap_without_doubling() -> None:
    hit = Style(reverse=True)
    spans = [(8, 12), (0, 4), (2, 6), (15, 40), (30, 33)]
    pieces = layered("données sensibles", [(a, b, hit) for a, b in spans])
    assert "".join(t for t, _ in pieces) == "données sensibles"
    marked = "".join(t for t, s in pieces if s == hit)
    assert marked == "donnée" + "sens" + "es"  # each character once, past the end dropped
    under = Style(underline=True)
    both = layered("abcdef", [(0, 4, under), (2, 6, hit)])
    assert [(t, s) for t, s in both] == [("ab", under), ("cd", under + hit), ("ef", hit)]
