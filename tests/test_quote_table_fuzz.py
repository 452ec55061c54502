"""Coded tables written by `quotes --format csv|xlsx` read back as written, whatever the words.

Hypothesis writes tables of arbitrary verbatims (accents, quotes, separators, line
breaks, formula starts, control characters) and coders' codes through our exporters,
then parses them with our importers: every turn comes back with its words (cleaned as
every import cleans them), its coder's codes, and no row twice.
"""

from __future__ import annotations

import io
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.domain.control_chars import without_controls
from qualcode.exporters.quote_table import to_xlsx, write_csv
from qualcode.importers import parser_for
from qualcode.services.quote_table import COLUMNS, CodedTable

WORDS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",),
                                       include_characters="=+-@\t\r\n\"';,«» éèàç\x0c\x07"),
                min_size=1, max_size=60)
CODES = st.lists(st.sampled_from(["hacking", "commercial use", "caregiving"]), unique=True,
                 max_size=3)


def _csv(table: CodedTable) -> bytes:
    sink = io.BytesIO()
    write_csv(table, sink)
    return sink.getvalue()


def cleaned(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", without_controls(text, "", None)).strip()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(WORDS, st.sampled_from(["alice", "bob", ""]), CODES),
                min_size=1, max_size=8), st.sampled_from(["csv", "xlsx"]))
def test_a_coded_table_reads_back_as_written(rows: list[tuple[str, str, list[str]]],
                                             fmt: str) -> None:
    kept = [(t, c, k) for t, c, k in rows if cleaned(t) and "\x00" not in t]
    if not kept:
        return
    table = CodedTable(list(COLUMNS), [
        [f"q{i}", "G1", "P1", text, coder, ";".join(codes), ""]
        for i, (text, coder, codes) in enumerate(kept)], 0)
    data = _csv(table) if fmt == "csv" else to_xlsx(table)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"t.{fmt}"
        path.write_bytes(data)
        source = parser_for(fmt)(path)
    assert [t.text for t in source.turns] == [cleaned(t) for t, _, _ in kept]
    for turn, (_, coder, codes) in zip(source.turns, kept, strict=True):
        want = [(coder or None, c) for c in codes]
        if coder and not codes:
            want = [(coder, None)]
        assert turn.codings == want


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_carriage_return_before_a_form_feed_keeps_both_breaks(fmt: str) -> None:
    """Found by the test above: CR then FF was written as CRLF, one break, read back as
    one line break where the text had two."""
    table = CodedTable(list(COLUMNS), [["q0", "G1", "P1", "0\r\x0c0", "alice", "hacking", ""]], 0)
    data = _csv(table) if fmt == "csv" else to_xlsx(table)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"t.{fmt}"
        path.write_bytes(data)
        assert parser_for(fmt)(path).turns[0].text == "0\n\n0"


MARKED = st.text(alphabet=st.sampled_from(
    ["e", "=", "<", ">", '"', "'", ",", ";", " ", "\n", "+", "@", "\t", "ç",
     "\u0301", "\u0327", "\u0338", "\u0323", "\u1100", "\u1161", "\u11a8", "가"]),
    min_size=1, max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(MARKED, MARKED), min_size=1, max_size=6),
       st.sampled_from([",", ";"]))
def test_a_foreign_csv_table_gives_nfc_texts(rows: list[tuple[str, str]],
                                             delimiter: str) -> None:
    """A quote table says its texts are NFC, and the import then hashes them as they are
    (`text_hashes`): held for CSV written by another program, with combining marks and
    conjoining jamo beside the quotes, delimiters, spaces and apostrophes a cell is cut
    at, and for the apostrophes our own writer puts before a formula's start."""
    import csv
    import io

    kept = [(s, t) for s, t in rows  # a lone apostrophe before a break reads as nothing
            if all(cleaned(c) and cleaned(c.removeprefix("'")) for c in (s, t))]
    if not kept:
        return
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([["group", "speaker", "text"], *[["G1", s, t] for s, t in kept]])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        path.write_bytes(out.getvalue().encode("utf-8"))
        source = parser_for("csv")(path)
    assert source.nfc
    for turn in source.turns:
        assert unicodedata.is_normalized("NFC", turn.text), repr(turn.text)
        assert unicodedata.is_normalized("NFC", turn.speaker), repr(turn.speaker)
