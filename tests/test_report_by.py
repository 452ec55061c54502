"""`report --by ATTRIBUTE` and `--where ATTRIBUTE=VALUE` against counts made here, with the
standard `sqlite3` module on the project file and plain Python (never our own counting).

The rules are those `qualcode.reports.counts` documents: a quote carries a theme when an
in-scope coder (by default everyone but `auto`) applied the theme or one of its
descendants; moderator turns never count. Under `--by` the columns are the values of a
participant attribute (`(none)` for participants without one); a column's base is its
participants' quotes and the participants who spoke. `--where` keeps only the
participants matching every attribute named (any of the values given for one).

Each test builds its own project: the demo (its participants carry `caregiver`, `ald`,
`mes_user`…), plus, written straight into the file, a caregiver moderator whose coded
turns must not count, a caregiver with several quotes (participants are counted once),
codings by `auto` (out of scope) and by a second coder (a quote counted once), and a
participant with a value but no quote (a column's participants are those who spoke).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest

from .conftest import REPO, Cli

NONE = "(none)"

Speaker = tuple[str, str, bool, dict[str, str] | None,
                list[tuple[list[str], list[str], list[str]]]]
EXTRA: list[Speaker] = [
    # (group, label, moderator, attributes, [(codes by seed), (codes by bob), (codes by auto)])
    ("G3", "MOD", True, {"caregiver": "yes"}, [
        (["caregiving", "hacking"], [], []),
        (["caregiving"], ["storage practices"], [])]),
    ("G3", "P4", False, None, [  # the demo's caregiver: a second and a third quote
        (["caregiving"], [], ["data sensitivity"]),
        ([], [], ["caregiving"])]),
    ("G5", "P5", False, {"caregiver": "yes", "ald": "yes", "mes_user": "yes"}, [
        (["caregiving", "hacking"], ["hacking"], []),
        (["caregiving"], ["self-monitoring"], []),
        ([], [], [])]),
    ("G1", "P6", False, {"caregiver": "no", "mes_user": "no"}, [
        (["self-monitoring"], [], []),
        ([], ["loss of human contact"], ["hacking"])]),
    ("G2", "P9", False, {"caregiver": "no"}, []),  # a value, and not a word said
]


@pytest.fixture
def project(demo_db: Path) -> Path:
    """The demo project, with the rows above added through sqlite3."""
    db = demo_db
    conn = sqlite3.connect(db)
    group = dict(conn.execute("SELECT name, id FROM study_group"))
    code = dict(conn.execute("SELECT name, id FROM code"))
    coder = dict(conn.execute("SELECT name, id FROM coder"))
    for name in ("bob", "auto"):
        coder[name] = conn.execute("INSERT INTO coder(name) VALUES (?)", (name,)).lastrowid
    position = 1000
    for gname, label, moderator, attributes, quotes in EXTRA:
        row = conn.execute("SELECT id FROM participant WHERE group_id = ? AND label = ?",
                           (group[gname], label)).fetchone()
        if row is None:
            pid = conn.execute(
                "INSERT INTO participant(group_id, label, is_moderator, attributes) "
                "VALUES (?, ?, ?, ?)",
                (group[gname], label, moderator, json.dumps(attributes))).lastrowid
        else:
            pid = row[0]
        for by_coder in quotes:
            position += 1
            qid = conn.execute(
                "INSERT INTO quote(group_id, participant_id, position, text, text_hash) "
                "VALUES (?, ?, ?, ?, ?)",
                (group[gname], pid, position, f"Ajouté {position} : c’est « pratique ».",
                 f"added-{position}")).lastrowid
            for who, codes in zip(("seed", "bob", "auto"), by_coder, strict=True):
                conn.executemany(
                    "INSERT INTO coding(quote_id, code_id, coder_id, created_at) "
                    "VALUES (?, ?, ?, '2024-01-01')",
                    [(qid, code[c], coder[who]) for c in codes])
    conn.commit()
    conn.close()
    return db


# -- the independent count ------------------------------------------------------------------

def attribute(raw: str, name: str) -> str:
    value = json.loads(raw or "{}").get(name)
    return NONE if value in (None, "", []) else str(value)


def expected(db: Path, by: str | None, where: dict[str, set[str]] | None = None
             ) -> dict[str, Any]:
    """Per theme and column: the distinct quotes and participants; per column, its base.
    Columns are the `by` attribute's values, else the groups."""
    conn = sqlite3.connect(db)
    parent = dict(conn.execute(
        "SELECT c.name, p.name FROM code c LEFT JOIN code p ON p.id = c.parent_id"))
    people = {pid: (gname, moderator, attrs) for pid, gname, moderator, attrs in conn.execute(
        "SELECT p.id, g.name, p.is_moderator, p.attributes FROM participant p "
        "JOIN study_group g ON g.id = p.group_id")}
    kept = {pid for pid, (_, moderator, attrs) in people.items() if not moderator
            and all(attribute(attrs, a) in values for a, values in (where or {}).items())}

    def column(pid: int) -> str:
        gname, _, attrs = people[pid]
        return attribute(attrs, by) if by else gname

    speaker = {qid: pid for qid, pid in conn.execute("SELECT id, participant_id FROM quote")
               if pid in kept}
    carried: dict[tuple[str, str], set[int]] = defaultdict(set)
    for qid, name, who in conn.execute(
            "SELECT c.quote_id, d.name, k.name FROM coding c JOIN code d ON d.id = c.code_id "
            "JOIN coder k ON k.id = c.coder_id"):
        if who == "auto" or qid not in speaker:
            continue
        node: str | None = name
        while node is not None:
            carried[(node, column(speaker[qid]))].add(qid)
            node = parent[node]
    base: dict[str, int] = defaultdict(int)
    spoke: dict[str, set[int]] = defaultdict(set)
    for pid in speaker.values():
        base[column(pid)] += 1
        spoke[column(pid)].add(pid)
    columns = {column(pid) for pid in kept} if by else {
        gname for (gname,) in conn.execute("SELECT name FROM study_group")}
    conn.close()
    cells = {(theme, col): (len(carried[(theme, col)]),
                            len({speaker[q] for q in carried[(theme, col)]}))
             for theme in parent for col in columns}
    totals = {theme: (len(set().union(*(carried[(theme, c)] for c in columns))),
                      len({speaker[q] for c in columns for q in carried[(theme, c)]}))
              for theme in parent}
    return {"columns": columns, "cells": cells, "totals": totals,
            "base": {c: base[c] for c in columns},
            "participants": {c: len(spoke[c]) for c in columns},
            "quotes": len(speaker), "speakers": len(set(speaker.values()))}


def check(data: dict[str, Any], want: dict[str, Any]) -> None:
    """The JSON's cells, bases and theme totals are the independent count's."""
    names = [g["name"] for g in data["groups"]]
    assert set(names) == want["columns"] and len(names) == len(set(names))
    for g in data["groups"]:
        assert (g["quotes"], g["participants"]) == (want["base"][g["name"]],
                                                    want["participants"][g["name"]]), g
    assert len(data["cells"]) == len(data["themes"]) * len(names)
    for c in data["cells"]:
        quotes, people = want["cells"][(c["theme"], c["group"])]
        n = want["base"][c["group"]]
        assert (c["quotes"], c["participants"], c["base"], c["participants_base"]) == (
            quotes, people, n, want["participants"][c["group"]]), c
        assert c["share"] == (quotes / n if n else 0.0)
    assert {t["name"] for t in data["themes"]} == set(want["totals"])
    for t in data["themes"]:
        quotes, people = want["totals"][t["name"]]
        assert (t["quotes"], t["participants"], t["base"], t["participants_base"]) == (
            quotes, people, want["quotes"], want["speakers"]), t


# -- --by ------------------------------------------------------------------------------------

def test_by_caregiver_json_matches_an_independent_count(cli: Cli, project: Path) -> None:
    out = cli("--db", str(project), "report", "--by", "caregiver", "--format", "json")
    assert out.code == 0, out.err
    data = json.loads(out.out)
    want = expected(project, "caregiver")
    assert want["columns"] == {"yes", "no", NONE}
    assert want["base"]["yes"] > want["participants"]["yes"] > 1, "several quotes each"
    check(data, want)
    assert data["by"] == "caregiver" and data["where"] == []
    assert [g["name"] for g in data["groups"]][-1] == NONE
    assert all(g["attributes"] == {"caregiver": g["name"]} for g in data["groups"])
    assert data["levels"] == [], "no design levels when the columns are values"
    # the moderator's coded turns, auto's codings: nowhere
    caregiving = {c["group"]: c for c in data["cells"] if c["theme"] == "caregiving"}
    assert caregiving["yes"]["quotes"] == 4 and caregiving["yes"]["participants"] == 2
    # the quotes shown are the column's own, and say whose group they come from
    speakers = {q["speaker"] for q in data["quotes"] if q["group"] == "yes"}
    assert speakers <= {"P4", "P5"} and "MOD" not in {q["speaker"] for q in data["quotes"]}
    assert all(q["speaker_group"] for q in data["quotes"])


def test_by_a_group_attribute_follows_the_design(cli: Cli, project: Path) -> None:
    data = cli("--db", str(project), "report", "--by", "age", "--format", "json").json()
    assert [g["name"] for g in data["groups"]] == ["<35", "35-59", "60+"]
    conn = sqlite3.connect(project)
    age = dict(conn.execute(
        "SELECT g.name, l.name FROM group_level x JOIN study_group g ON g.id = x.group_id "
        "JOIN dimension d ON d.id = x.dimension_id JOIN level l ON l.id = x.level_id "
        "WHERE d.name = 'age'"))
    conn.close()
    per_group = expected(project, None)
    for g in data["groups"]:
        assert g["quotes"] == sum(n for grp, n in per_group["base"].items()
                                  if age[grp] == g["name"])


# -- --where --------------------------------------------------------------------------------

@pytest.mark.parametrize(("where", "by"), [
    (["caregiver=yes"], None),
    (["mes_user=yes", "mes_user=no"], None),
    (["caregiver=yes", "ald=yes"], None),
    (["mes_user=no"], "caregiver"),
    (["caregiver=(none)"], "mes_user"),
])
def test_where_counts_only_the_matching_participants(cli: Cli, project: Path,
                                                     where: list[str], by: str | None) -> None:
    args = [a for w in where for a in ("--where", w)] + (["--by", by] if by else [])
    out = cli("--lang", "en", "--db", str(project), "report", "--format", "json", *args)
    assert out.code == 0, out.err
    data = json.loads(out.out)
    wanted: dict[str, set[str]] = defaultdict(set)
    for w in where:
        name, value = w.split("=")
        wanted[name].add(value)
    want = expected(project, by, wanted)
    everyone = expected(project, by)
    assert 0 < want["quotes"] < everyone["quotes"]
    check(data, want)
    assert data["where"] == where
    assert sum(g["quotes"] for g in data["groups"]) == want["quotes"]
    md = cli("--lang", "en", "--db", str(project), "report", "--format", "md", *args).out
    assert "only participants with " + ", ".join(where) in md


@pytest.mark.parametrize(("args", "says"), [
    (["--by", "nope"], "unknown attribute 'nope'"),
    (["--where", "nope=yes"], "unknown attribute 'nope'"),
    (["--where", "caregiver=maybe"], "caregiver = 'maybe'"),
    (["--by", "caregiver", "--where", "ald=maybe"], "ald = 'maybe'"),
    (["--where", "x"], "ATTRIBUTE=VALUE"),
    (["--where", "=yes"], "ATTRIBUTE=VALUE"),
    (["--where", "caregiver="], "ATTRIBUTE=VALUE"),
])
def test_bad_by_or_where_is_one_line(cli: Cli, project: Path, args: list[str],
                                     says: str) -> None:
    out = cli("--lang", "en", "--db", str(project), "report", *args)
    assert out.code == 1
    lines = out.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("qualcode: ") and says in lines[0], out.err
    assert "Traceback" not in out.err and out.out == ""


def test_bad_where_in_a_real_process_has_no_traceback(project: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for args in (["--where", "x"], ["--where", "caregiver=maybe"], ["--by", "nope"]):
        run = subprocess.run([sys.executable, "-m", "qualcode", "--db", str(project), "report",
                              *args], capture_output=True, text=True, env=env, cwd=tmp_path,
                             timeout=120)
        assert run.returncode == 1, run.stderr
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("qualcode: "), run.stderr
        assert "Traceback" not in run.stderr


# -- the bases in every format ----------------------------------------------------------------

CELL = re.compile(r"\*?(\d+) / (\d+) · ([\d.]+%|–)( [▲▼])?\*?")


def base_text(quotes: int, people: int) -> str:
    return (f"n = {quotes} quote{'s' * (quotes != 1)}, "
            f"{people} participant{'s' * (people != 1)}")


def check_row(cells: list[str], names: list[str], theme: str, want: dict[str, Any]) -> None:
    """One theme's cells: `quotes / base · share`, the base the column's."""
    for name, text in zip(names, cells, strict=True):
        m = CELL.fullmatch(text.strip())
        assert m, text
        assert (int(m.group(1)), int(m.group(2))) == (want["cells"][(theme, name)][0],
                                                      want["base"][name]), (theme, name, text)


class _Html(HTMLParser):
    """The first table: its cells' text, `<small>` parts kept after a newline."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.tables = 0
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables += 1
        if self.tables != 1:
            return
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag in ("small", "br") and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def test_bases_show_in_every_format_under_by(cli: Cli, project: Path, tmp_path: Path) -> None:
    db = str(project)
    want = expected(project, "caregiver")
    data = cli("--lang", "en", "--db", db, "report", "--by", "caregiver", "--format", "json").json()
    names = [g["name"] for g in data["groups"]]
    themes = [t["name"] for t in data["themes"]]
    heads = [base_text(want["base"][n], want["participants"][n]) for n in names]
    everyone = base_text(want["quotes"], want["speakers"])

    def run(fmt: str) -> str:
        out = cli("--lang", "en", "--db", db, "report", "--by", "caregiver", "--format", fmt)
        assert out.code == 0, out.err
        return out.out

    # Markdown: the bases in the column headings, each cell out of its column's
    md = run("md")
    lines = md.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("| theme |"))
    head = [p.strip() for p in lines[top].strip("|").split(" | ")]
    assert head[1:] == [f"caregiver = {n} · {h}" for n, h in zip(names, heads, strict=True)] \
        + [f"all · {everyone}"]
    for line, theme in zip(lines[top + 2:top + 2 + len(themes)], themes, strict=True):
        parts = [p.strip() for p in line.strip("|").split(" | ")]
        assert parts[0].strip("\u2003 ") == theme
        check_row(parts[1:-1], names, theme, want)
        assert parts[-1].startswith(f"{want['totals'][theme][0]} / {want['quotes']} · ")

    # CSV: every row carries its column's quotes and participants
    text = run("csv")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == len(themes) * len(names)
    for row in rows:
        assert (int(row["group_quotes"]), int(row["group_participants"])) == (
            want["base"][row["group"]], want["participants"][row["group"]]), row
        assert int(row["quotes"]) == want["cells"][(row["theme"], row["group"])][0]

    # HTML: the bases under the column headings, each cell out of its column's
    html = tmp_path / "r.html"
    assert cli("--lang", "en", "--db", db, "report", "--by", "caregiver", "--format", "html",
               "-o", str(html)).code == 0
    parser = _Html()
    parser.feed(html.read_text(encoding="utf-8"))
    header, *body = parser.rows
    for cell, name, h in zip(header[1:], names, heads, strict=False):
        assert cell.splitlines()[0] == name and h in cell.splitlines()
    assert everyone in header[-1].splitlines()
    assert [r[0] for r in body] == themes
    for r in body:
        check_row([c.splitlines()[0] for c in r[1:-1]], names, r[0], want)

    # Word: the bases under the column headings, each cell out of its column's
    word = tmp_path / "r.docx"
    assert cli("--lang", "en", "--db", db, "report", "--by", "caregiver", "--format", "docx",
               "-o", str(word)).code == 0
    grid = docx.Document(str(word)).tables[0]
    header_cells = [c.text.splitlines() for c in grid.rows[0].cells]
    for heading, name, h in zip(header_cells[1:], names, heads, strict=False):
        assert heading == [f"caregiver = {name}", h]
    assert header_cells[-1] == ["all", everyone]
    for i, theme in enumerate(themes, start=1):
        texts = [c.text for c in grid.rows[i].cells]
        assert texts[0].strip("\u2003 ") == theme
        check_row(texts[1:-1], names, theme, want)

    # Excel: two base rows on top of the matrix, and the base beside every cell
    book_path = tmp_path / "r.xlsx"
    assert cli("--lang", "en", "--db", db, "report", "--by", "caregiver", "--format", "xlsx",
               "-o", str(book_path)).code == 0
    book = openpyxl.load_workbook(book_path)
    matrix = book.worksheets[0]
    top_rows = [list(r) for r in matrix.iter_rows(min_row=2, max_row=3, values_only=True)]
    n = len(names)
    assert [r[:3 + n] for r in top_rows] == [
        ["base: quotes", None, *(want["base"][x] for x in names), want["quotes"]],
        ["base: participants", None, *(want["participants"][x] for x in names),
         want["speakers"]]]
    for values in matrix.iter_rows(min_row=4, values_only=True):
        assert list(values[2:2 + n]) == [want["cells"][(values[0], x)][0] for x in names]
    sheet = book["Cells"]
    head_row = [c.value for c in sheet[1]]
    for values in sheet.iter_rows(min_row=2, values_only=True):
        row = dict(zip(head_row, values, strict=True))
        assert (row["group_quotes"], row["group_participants"]) == (
            want["base"][row["group"]], want["participants"][row["group"]])


# -- the words under --by ----------------------------------------------------------------------

GROUP_WORD = re.compile(r"\bgroup(s|'s|’s)?\b", re.IGNORECASE)


def test_by_never_calls_the_values_groups(cli: Cli, project: Path, tmp_path: Path) -> None:
    """Under --by the columns are an attribute's values: headings, legends and the flags'
    test name that attribute, never groups; the plain report keeps main's wording."""
    db = str(project)
    data = cli("--lang", "en", "--db", db, "report", "--by", "caregiver", "--format", "json").json()
    assert not GROUP_WORD.search(data["test"]) and "caregiver" in data["test"]
    md = cli("--lang", "en", "--db", db, "report", "--by", "caregiver", "--where", "mes_user=yes",
             "--format", "md").out
    assert not GROUP_WORD.findall(md), [line for line in md.splitlines()
                                        if GROUP_WORD.search(line)]
    assert "## Themes × caregiver" in md
    assert "with that value of caregiver" in md and "each value of caregiver" in md
    html = tmp_path / "by.html"
    assert cli("--lang", "en", "--db", db, "report", "--by", "caregiver", "--format", "html",
               "-o", str(html)).code == 0
    page = html.read_text(encoding="utf-8")
    assert not GROUP_WORD.findall(page), [line for line in page.splitlines()
                                          if GROUP_WORD.search(line)]
    assert "— themes by caregiver</title>" in page and ">Themes × caregiver</h2>" in page
    word = tmp_path / "by.docx"
    assert cli("--lang", "en", "--db", db, "report", "--by", "caregiver", "--format", "docx",
               "-o", str(word)).code == 0
    text = "\n".join(p.text for p in docx.Document(str(word)).paragraphs)
    assert not GROUP_WORD.findall(text) and "Themes × caregiver" in text

    plain = cli("--lang", "en", "--db", db, "report", "--format", "md").out
    assert "## Themes × groups" in plain
    assert "Each cell: quotes carrying the theme / the group's quotes · their share." in plain
    assert "each group against the other groups" in plain
