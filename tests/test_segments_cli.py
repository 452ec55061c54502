"""Coding the words, from the command line: segments in, and found everywhere they should be."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from openpyxl import load_workbook

from qualcode.db.engine import open_project
from qualcode.services.coding import undo_last

from .conftest import REPO, Cli

WORDS = "on peut être hacké"


def hacking_quote(cli: Cli, db: str) -> dict:  # type: ignore[type-arg]
    return next(q for q in cli("--db", db, "quotes", "--json").json() if WORDS in q["text"])


def test_a_segment_by_its_words_is_in_quotes_segments_and_report(cli: Cli,
                                                                 demo_db: Path) -> None:
    db = str(demo_db)
    quote = hacking_quote(cli, db)
    start = quote["text"].index(WORDS)
    done = cli("--db", db, "--coder", "alice", "code", str(quote["id"]), "hacking",
               "--text", WORDS)
    assert done.code == 0, done.err
    assert f"on « {WORDS} » ({start}:{start + len(WORDS)})" in done.out
    assert cli("--db", db, "--coder", "alice", "code", str(quote["id"]), "--memo",
               "« hacké » : le mot du participant").code == 0
    again = hacking_quote(cli, db)
    assert again["segments"] == [{"code": "hacking", "coder": "alice", "start": start,
                                  "end": start + len(WORDS), "text": WORDS}]
    assert "hacking" in again["codes"]["alice"]
    assert again["memos"] == [{"coder": "alice", "code": None,
                               "text": "« hacké » : le mot du participant"}]
    rows = list(csv.DictReader(io.StringIO(cli("--db", db, "segments", "--coder", "alice",
                                               "--format", "csv").out)))
    assert [(r["code"], r["text"], r["start"], r["group"]) for r in rows] == [
        ("hacking", WORDS, str(start), quote["group"])]
    report = cli("--db", db, "report", "--coder", "alice", "--format", "json").json()
    shown = [q for q in report["quotes"] if q["id"] == quote["id"]]
    assert shown and all(q["text"] == WORDS for q in shown)
    whole = cli("--db", db, "report", "--coder", "seed", "--format", "json").json()
    assert any(q["text"] == quote["text"] for q in whole["quotes"] if q["id"] == quote["id"])


def test_spans_remove_and_undo_exactly_the_segment(cli: Cli, demo_db: Path) -> None:
    db = str(demo_db)
    quote = hacking_quote(cli, db)
    qid = str(quote["id"])
    assert cli("--db", db, "--coder", "alice", "code", qid, "hacking").code == 0
    assert cli("--db", db, "--coder", "alice", "code", qid, "hacking", "--span", "0:8").code == 0
    assert cli("--db", db, "--coder", "alice", "code", qid, "hacking", "--remove",
               "--span", "0:8").code == 0
    after = hacking_quote(cli, db)
    assert after["segments"] == [] and "hacking" in after["codes"]["alice"]
    project = open_project(db, warn=False)
    with project.write() as session:
        undo_last(session, coder="alice")  # the removal of the segment, taken back
    project.close()
    assert [(s["start"], s["end"]) for s in hacking_quote(cli, db)["segments"]] == [(0, 8)]
    for args, needle in [(("--span", "5:2"), "outside quote"),
                         (("--span", "0:999999"), "outside quote"),
                         (("--span", "a:b"), "START:END"),
                         (("--text", "jamais dit"), "does not occur"),
                         (("--text", "a"), "more than once"),
                         (("--text", WORDS, "--span", "0:3"), "not both")]:
        result = cli("--db", db, "--coder", "alice", "code", qid, "hacking", *args)
        assert result.code == 1 and result.err.count("\n") == 1 and needle in result.err, (
            args, result.err)
    bare = cli("--db", db, "code", qid, "--span", "0:3")
    assert bare.code == 1 and "needs the codes" in bare.err


def test_segments_in_every_format(cli: Cli, demo_db: Path, tmp_path: Path) -> None:
    db = str(demo_db)
    quote = hacking_quote(cli, db)
    assert cli("--db", db, "--coder", "alice", "code", str(quote["id"]), "hacking",
               "--text", WORDS).code == 0
    as_json = json.loads(cli("--db", db, "segments", "--format", "json").out)
    seed_rows = [r for r in as_json if r["coder"] == "seed"]
    coded = sum(len(codes) for q in cli("--db", db, "quotes", "--json").json()
                for codes in [q["codes"].get("seed", [])])
    assert len(seed_rows) == coded  # every coding is a row
    assert {r["theme"] for r in as_json} >= {"data security"}
    md = cli("--db", db, "segments", "--format", "md", "--code", "hacking").out
    assert WORDS in md and md.startswith("# Coded segments")
    book = tmp_path / "segments.xlsx"
    done = cli("--db", db, "segments", "--format", "xlsx", "-o", str(book))
    assert done.code == 0, done.err
    sheets = load_workbook(book).sheetnames
    assert sheets[0] == "all segments" and "data security" in sheets
    with zipfile.ZipFile(book) as package:
        assert all("<f>" not in package.read(n).decode() for n in package.namelist()
                   if n.startswith("xl/worksheets/"))
    for args, needle in [(("--format", "pdf"), "unknown format"),
                         (("--format", "xlsx"), "-o FILE"),
                         (("--coder", "nobody"), "unknown coder"),
                         (("--group", "G9"), "unknown group")]:
        result = cli("--db", db, "segments", *args)
        assert result.code == 1 and needle in result.err, (args, result.err)


def test_a_participant_attribute_that_is_a_list_is_one_cell_in_every_format(
        cli: Cli, demo_db: Path, tmp_path: Path) -> None:
    """A study file may list a participant's `langues = ["fr", "ar"]`: `segments` as CSV
    stopped on it with an internal error (and a traceback after it); quotes' table, the
    Markdown and the REFI-QDA export wrote Python's `['fr', 'ar']`. Each now holds its
    JSON text."""
    db = str(demo_db)
    study = tmp_path / "study.toml"
    study.write_text((REPO / "data/study.toml").read_text(encoding="utf-8") + """
[[groups]]
name = "G7"
csp = "CSP-"
age = "60+"

[[groups.participants]]
label = "Nadia"
langues = ["français", "arabe"]
""", encoding="utf-8")
    assert cli("--db", db, "study", "import", str(study)).code == 0
    transcript = tmp_path / "g7.txt"
    transcript.write_text("NADIA : Mes données de santé, je les garde.\n", encoding="utf-8")
    assert cli("--db", db, "import", str(transcript), "--group", "G7").code == 0
    (quote,) = cli("--db", db, "quotes", "--group", "G7", "--json").json()
    assert cli("--db", db, "--coder", "alice", "code", str(quote["id"]), "hacking").code == 0
    cell = '["français", "arabe"]'
    as_csv = cli("--db", db, "segments", "--group", "G7")
    assert as_csv.code == 0 and as_csv.err == "", as_csv.err
    (row,) = csv.DictReader(io.StringIO(as_csv.out))
    assert row["participant langues"] == cell and row["speaker"] == "Nadia"
    (record,) = json.loads(cli("--db", db, "segments", "--group", "G7", "--format",
                               "json").out)
    assert record["participant langues"] == ["français", "arabe"]
    assert '\\["français", "arabe"\\]' in cli("--db", db, "segments", "--group", "G7",
                                             "--format", "md").out
    book = tmp_path / "g7.xlsx"
    assert cli("--db", db, "segments", "--format", "xlsx", "-o", str(book)).code == 0
    sheet = load_workbook(book)["all segments"]
    header = [c.value for c in sheet[1]]
    column = header.index("participant langues")
    assert cell in [r[column] for r in sheet.iter_rows(min_row=2, values_only=True)]
    table = tmp_path / "quotes.csv"
    assert cli("--db", db, "quotes", "--format", "csv", "-o", str(table)).code == 0
    with table.open(encoding="utf-8-sig", newline="") as fh:
        nadia = [r for r in csv.DictReader(fh) if r["speaker"] == "Nadia"]
    assert nadia and all(r["langues"] == cell for r in nadia)
    archive = tmp_path / "projet.qdpx"
    assert cli("--db", db, "export", str(archive)).code == 0
    with zipfile.ZipFile(archive) as package:
        qde = ElementTree.fromstring(package.read("project.qde"))
    assert cell in {value.text for value in qde.iter("{urn:QDA-XML:project:1.0}TextValue")}


def test_equal_keys_are_not_the_same_cell() -> None:
    """The CSV makes each text of the rows' heads safe once; 1, 1.0 and True are equal
    as keys but are three different cells."""
    from qualcode.exporters.segments import write
    from qualcode.services.segments import SegmentTable

    columns = ["theme", "code", "coder", "group", "speaker", "moderator", "participant n",
               "quote", "start", "end", "text", "memo"]
    rows = [("t", "c", "anne", "G1", speaker, moderator, n, 1, None, None, "=1+1", "")
            for speaker, moderator, n in (("P1", False, 1), ("P2", False, 1.0),
                                          ("P3", True, True), ("P4", False, "1"))]
    sink = io.BytesIO()
    assert write(SegmentTable(columns, iter(rows)), "csv", sink, bom=False) == 4
    read = list(csv.DictReader(io.StringIO(sink.getvalue().decode())))
    assert [(r["moderator"], r["participant n"]) for r in read] == [
        ("", "1"), ("", "1.0"), ("oui", "oui"), ("", "1")]
    assert {r["text"] for r in read} == {"'=1+1"}
