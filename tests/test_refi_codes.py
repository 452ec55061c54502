"""What REFI-QDA has no field for rides in a code's description: it must come back
exactly, and a description from another tool must stay whole."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualcode.domain.codebook import CodeSpec
from qualcode.exchange.codes import pack_description, parse_color, unpack_description
from qualcode.exchange.guids import canonical

LINE = st.text(alphabet=st.sampled_from(list("abcéèà«»’ :;,.-") + ["\n"]), max_size=30).map(
    str.strip)
WORD = st.text(alphabet=st.sampled_from(list("abcdéèàç’-")), min_size=1, max_size=8)


@given(description=LINE, include=LINE, exclude=LINE, example=LINE,
       keywords=st.lists(WORD, max_size=4), key=st.none() | st.sampled_from("123456789"),
       exclusive=st.booleans())
def test_description_round_trip(description: str, include: str, exclude: str, example: str,
                                keywords: list[str], key: str | None, exclusive: bool) -> None:
    spec = CodeSpec(name="c", description=description, include=include, exclude=exclude,
                    example=example, keywords=keywords, key=key, exclusive=exclusive)
    back = CodeSpec(name="c")
    unpack_description(pack_description(spec), back)
    assert back == spec


@pytest.mark.parametrize("text", [
    "Include: everything, said the manual.\nExample: none", "Note: Include: x",
    "Intro\n\nExclude: a\nInclude: b",  # out of order: not ours, kept whole
    "Intro\n\nHotkey: 1\nHotkey: 2",
])
def test_foreign_descriptions_stay_whole_unless_well_formed(text: str) -> None:
    spec = CodeSpec(name="c")
    unpack_description(text, spec)
    if text.startswith("Include: everything"):  # well-formed labelled lines: split
        assert (spec.include, spec.example, spec.description) == (
            "everything, said the manual.", "none", "")
    else:
        assert spec.description == text and not spec.include and not spec.key


@pytest.mark.parametrize(("raw", "colour"), [
    ("#46AA00", "#46AA00"), ("#c62828", "#c62828"), ("#0F8", "#00FF88"), ("#0F8C", "#00FF88"),
    ("#11223344", "#112233"), ("rgb(255, 0, 16)", "#FF0010"), ("rgba(1,2,3,0.5)", "#010203"),
    ("46AA00", "#46AA00"), ("red", None), ("", None), (None, None),
])
def test_colours_are_read_leniently(raw: str | None, colour: str | None) -> None:
    assert parse_color(raw) == colour


def test_guids_compare_canonically() -> None:
    assert canonical("{1b0b1791-be46-4557-9957-7333544cfaf2}") == canonical(
        "1B0B1791-BE46-4557-9957-7333544CFAF2") == "1B0B1791-BE46-4557-9957-7333544CFAF2"
