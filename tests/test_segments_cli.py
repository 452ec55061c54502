"""Coding the words, from the command line: segments in, and found everywhere they should be."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from qualcode.db.engine import open_project
from qualcode.services.coding import undo_last

from .conftest import Cli

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
