"""A quote table's rows keep their physical line numbers whichever way they are counted
(one line each, or some spanning several), and an import leaves Python's garbage
collector as it found it, whether it succeeds or fails."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from qualcode.errors import UserError
from qualcode.services.imports import parse_files


def lines(path: Path, content: str) -> list[tuple[int | None, str]]:
    path.write_text(content, encoding="utf-8", newline="")
    (src,) = parse_files([path])
    return [(t.line, t.speaker) for t in src.turns]


def test_rows_on_one_line_each(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    assert lines(table, "group,speaker,text\nG1,A,un\n\nG1,B,deux\n") == [(2, "A"), (4, "B")]
    assert lines(table, "sep=;\ngroup;speaker;text\nG1;A;un\nG1;B;deux") == [(3, "A"),
                                                                            (4, "B")]
    assert lines(table, 'group,"spea\nker",text,speaker\nG1,x,un,A\n') == [(3, "A")]


def test_rows_spanning_lines(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    content = ('group,speaker,text\r\nG1,A,"un\r\ndeux"\r\n\r\nG1,B,"trois\n\nquatre"\r\n'
               "G1,C,cinq\r\n")
    assert lines(table, content) == [(2, "A"), (5, "B"), (8, "C")]
    table.write_text(content + "G1,D\n", encoding="utf-8", newline="")
    with pytest.raises(UserError, match=r"t.csv:9: row has no text"):
        parse_files([table])


@pytest.mark.parametrize("enabled", [True, False])
def test_collector_left_as_found(tmp_path: Path, enabled: bool) -> None:
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text("group,speaker,text\nG1,A,un\n", encoding="utf-8")
    bad.write_text("group,speaker,text\nG1,A,\n", encoding="utf-8")
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        parse_files([good])
        assert gc.isenabled() is enabled
        with pytest.raises(UserError):
            parse_files([bad])
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
