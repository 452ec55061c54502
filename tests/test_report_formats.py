"""Every report format against an independent computation over the raw rows.

Projects are generated (hypothesis): several coders on one quote, `consensus` and
`auto`, moderators, empty groups, codes never used, sub-themes four levels deep. The
oracle below is plain Python over the tables plus SciPy/statsmodels for the flags; each
format is then parsed back (csv, openpyxl, python-docx, an HTML parser, Markdown
tables) and must show the JSON's numbers.
"""

from __future__ import annotations

import csv
import gc
import io
import random
import re
import sqlite3
import stat
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from unittest import mock

import docx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import fisher_exact
from statsmodels.stats import multitest

from qualcode.cli.reporting import render
from qualcode.db.engine import create_project, open_project
from qualcode.domain.codebook import Codebook, CodeSpec
from qualcode.domain.study import GroupSpec, StudySpec
from qualcode.reports.counts import Options, Scope, compute
from qualcode.reports.scan import BAND
from qualcode.services.codebook import import_codebook
from qualcode.services.study import apply_study

from .conftest import Cli

CODERS = ("alice", "bob", "carol", "consensus", "auto")
PIECES = ("Les données de santé, c’est « sensible ». ", "Oui.", "Mon médecin\u00a0? ",
          "Ça évite les post-its partout, on a l'historique des ordonnances. ")


# -- generated projects ---------------------------------------------------------------

def _tree(rng: random.Random, names: list[str], depth: int) -> list[CodeSpec]:
    out = []
    for _ in range(rng.randint(1, 3) if depth else rng.randint(2, 3)):
        code = CodeSpec(name=f"thème {len(names)}")
        names.append(code.name)
        if depth < 4 and rng.random() < 0.55:
            code.children = _tree(rng, names, depth + 1)
        out.append(code)
    return out


@st.composite
def projects(draw: Any) -> dict[str, Any]:
    """Shape drawn by hypothesis (which groups are empty, how many quotes, how many codes
    a coder applies); the bulk filled from a drawn seed, so examples stay cheap."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    empty = draw(st.sets(st.sampled_from([f"G{i}" for i in range(1, 7)]), max_size=3))
    most = draw(st.integers(1, 14))
    per_coder = draw(st.lists(st.integers(0, 3), min_size=1, max_size=4))
    names: list[str] = []
    book = Codebook(name="gen", version="1", codes=_tree(rng, names, 0))
    groups = [GroupSpec(name=f"G{i + 1}", levels={"csp": csp, "age": age})
              for i, (csp, age) in enumerate((c, a) for c in ("CSP+", "CSP-")
                                              for a in ("<35", "35-59", "60+"))]
    quotes = []
    for g in groups:
        if g.name in empty:
            continue
        speakers = [(f"P{i}", i == 0 and rng.random() < 0.7) for i in range(rng.randint(1, 5))]
        for _ in range(rng.randint(1, most)):
            label, moderator = rng.choice(speakers)
            text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12)))
            quotes.append((g.name, label, moderator, text))
    used = rng.sample(names, k=max(1, len(names) - rng.randint(1, 3)))  # some never used
    codings = set()
    for qi in range(len(quotes)):
        for coder in CODERS:
            for code in rng.sample(used, k=min(len(used), rng.choice(per_coder))):
                codings.add((qi, code, coder))
    return {"book": book, "groups": groups, "quotes": quotes, "codings": sorted(codings)}


def build(path: Path, gen: dict[str, Any]) -> Path:
    project = create_project(str(path))
    with project.write() as session:
        apply_study(session, StudySpec(title="Étude générée", attributes={},
                                       dimensions={"csp": ["CSP+", "CSP-"],
                                                   "age": ["<35", "35-59", "60+"]},
                                       groups=gen["groups"]))
        import_codebook(session, gen["book"])
    project.close()
    conn = sqlite3.connect(path)
    gid = dict(conn.execute("SELECT name, id FROM study_group"))
    code = dict(conn.execute("SELECT name, id FROM code"))
    coder = {}
    for name in CODERS:
        coder[name] = conn.execute("INSERT INTO coder(name) VALUES (?)", (name,)).lastrowid
    speakers: dict[tuple[str, str], int] = {}
    qids = []
    for pos, (group, label, moderator, text) in enumerate(gen["quotes"]):
        if (group, label) not in speakers:
            speakers[(group, label)] = conn.execute(
                "INSERT INTO participant(group_id, label, is_moderator, attributes) "
                "VALUES (?, ?, ?, '{}')", (gid[group], label, moderator)).lastrowid or 0
        qids.append(conn.execute(
            "INSERT INTO quote(group_id, participant_id, position, text, text_hash) "
            "VALUES (?, ?, ?, ?, ?)",
            (gid[group], speakers[(group, label)], pos, text, str(pos))).lastrowid)
    conn.executemany(
        "INSERT INTO coding(quote_id, code_id, coder_id, created_at) VALUES (?, ?, ?, "
        "'2024-01-01')", [(qids[q], code[c], coder[k]) for q, c, k in gen["codings"]])
    conn.commit()
    conn.close()
    return path


# -- the oracle -------------------------------------------------------------------------

def oracle(db: Path, counts: Any, keep: int, *, agreement: bool = False) -> dict[str, Any]:
    """Plain Python over raw rows: cells, levels, co-occurrence, quotes, flags."""
    conn = sqlite3.connect(db)
    parent = dict(conn.execute("SELECT name, (SELECT name FROM code p WHERE p.id = c.parent_id)"
                               " FROM code c"))
    groups = [r[0] for r in conn.execute("SELECT name FROM study_group ORDER BY position")]
    level = {(g, d): lv for g, d, lv in conn.execute(
        "SELECT g.name, d.name, l.name FROM group_level x JOIN study_group g ON g.id = x.group_id"
        " JOIN dimension d ON d.id = x.dimension_id JOIN level l ON l.id = x.level_id")}
    quote = {q: (g, p, mod, text) for q, g, p, mod, text in conn.execute(
        "SELECT q.id, g.name, p.id, p.is_moderator, q.text FROM quote q JOIN study_group g ON "
        "g.id = q.group_id JOIN participant p ON p.id = q.participant_id")}
    carried: dict[str, set[int]] = defaultdict(set)
    codings: dict[tuple[str, str], int] = defaultdict(int)
    agree: dict[tuple[str, int], set[str]] = defaultdict(set)
    rows = list(conn.execute(
        "SELECT c.quote_id, d.name, k.name FROM coding c JOIN code d ON d.id = c.code_id "
        "JOIN coder k ON k.id = c.coder_id"))
    if agreement:  # the consensus scope: adjudicated and agreed alike
        rows += _agreed(conn, rows)
    for qid, name, coder in rows:
        if quote[qid][2]:
            continue
        node: str | None = name
        while node is not None:
            if counts(coder):
                carried[node].add(qid)
                codings[(node, quote[qid][0])] += 1
            if coder != "auto":
                agree[(node, qid)].add(coder)
            node = parent[node]
    base = {g: sum(1 for q in quote.values() if q[0] == g and not q[2]) for g in groups}
    cells = {}
    for theme in parent:
        for g in groups:
            qs = {q for q in carried[theme] if quote[q][0] == g}
            cells[(theme, g)] = {"quotes": len(qs), "codings": codings[(theme, g)],
                                 "participants": len({quote[q][1] for q in qs}),
                                 "share": len(qs) / base[g] if base[g] else 0.0}
    for theme in parent:
        _oracle_flags([cells[(theme, g)] for g in groups], [base[g] for g in groups])
    levels = {}
    for dim, lvs in (("csp", ["CSP+", "CSP-"]), ("age", ["<35", "35-59", "60+"])):
        for theme in parent:
            rows = []
            for lv in lvs:
                members = [g for g in groups if level[(g, dim)] == lv]
                qs = {q for q in carried[theme] if quote[q][0] in members}
                n = sum(base[g] for g in members)
                rows.append({"quotes": len(qs), "participants": len({quote[q][1] for q in qs}),
                             "codings": sum(codings[(theme, g)] for g in members),
                             "share": len(qs) / n if n else 0.0})
                levels[(theme, dim, lv)] = rows[-1]
            _oracle_flags(rows, [sum(base[g] for g in groups if level[(g, dim)] == lv)
                                 for lv in lvs])
    tops = [t for t, p in parent.items() if p is None]
    pairs = {frozenset((a, b)): len(carried[a] & carried[b]) for a in tops for b in tops
             if a != b}
    lo, hi = BAND

    def key(theme: str, qid: int) -> tuple[int, int, int, int]:
        n = len(quote[qid][3])
        off = 0 if lo <= n <= hi else min(abs(n - lo), abs(n - hi))
        who = agree[(theme, qid)]
        return ("consensus" not in who, -len(who - {"consensus"}), off, qid)

    chosen = {(t, g): sorted((q for q in carried[t] if quote[q][0] == g),
                             key=lambda q, t=t: key(t, q))[:keep]  # type: ignore[misc]
              for t in parent for g in groups}
    return {"cells": cells, "levels": levels, "pairs": pairs, "quotes": chosen}


def _agreed(conn: sqlite3.Connection, rows: list[tuple[int, str, str]]
            ) -> list[tuple[int, str, str]]:
    """The consensus a team reached without adjudication: on a quote nobody settled, two
    or more human coders who coded or reviewed it applied the very same codes."""
    looked: dict[int, dict[str, set[str]]] = defaultdict(dict)
    for qid, name, coder in rows:
        looked[qid].setdefault(coder, set()).add(name)
    for qid, coder in conn.execute(
            "SELECT r.quote_id, k.name FROM review r JOIN coder k ON k.id = r.coder_id"):
        looked[qid].setdefault(coder, set())
    out = []
    for qid, by in looked.items():
        humans = {k: v for k, v in by.items() if k not in ("consensus", "auto")}
        if "consensus" in by or len(humans) < 2:
            continue
        first = next(iter(humans.values()))
        if all(v == first for v in humans.values()):
            out += [(qid, name, "consensus") for name in sorted(first)]
    return out


def _oracle_flags(rows: list[dict[str, Any]], sizes: list[int]) -> None:
    total, hits = sum(sizes), sum(r["quotes"] for r in rows)
    for r in rows:
        r["flag"] = None
    if not hits or not total:
        return
    pvalues = [fisher_exact([[r["quotes"], n - r["quotes"]],
                             [hits - r["quotes"], total - n - hits + r["quotes"]]])[1]
               for r, n in zip(rows, sizes, strict=True)]
    adjusted = _holm(pvalues)
    for r, n, p in zip(rows, sizes, adjusted, strict=True):
        if n and p < 0.05:
            r["flag"] = "above" if r["quotes"] / n > hits / total else "below"


def _holm(pvalues: list[float]) -> Any:
    """statsmodels' Holm adjustment, less the full garbage collection it runs on each
    call: 0.14 s in a test worker's heap, three quarters of this file's time."""
    with mock.patch.object(gc, "collect", lambda *_: 0):  # it imports gc in the call
        return multitest.multipletests(pvalues, method="holm")[1]


def report(db: Path, scope: Scope | None = None, keep: int = 2) -> dict[str, Any]:
    project = open_project(str(db))
    try:
        with project.read() as session:
            return compute(session, scope or Scope(), Options(quotes=keep))
    finally:
        project.close()


def check_against_oracle(data: dict[str, Any], want: dict[str, Any]) -> None:
    assert len(data["cells"]) == len(data["themes"]) * len(data["groups"])
    for c in data["cells"]:
        w = want["cells"][(c["theme"], c["group"])]
        got = {k: c[k] for k in ("quotes", "codings", "participants", "share", "flag")}
        assert got == w, (c, w)
    for lv in data["levels"]:
        w = want["levels"][(lv["theme"], lv["dimension"], lv["level"])]
        assert {k: lv[k] for k in w} == w, (lv, w)
    for p in data["cooccurrence"]["pairs"]:
        assert p["quotes"] == want["pairs"][frozenset((p["a"], p["b"]))]
    got_quotes: dict[tuple[str, str], list[int]] = defaultdict(list)
    for q in data["quotes"]:
        got_quotes[(q["theme"], q["group"])].append(q["id"])
    for cell, ids in want["quotes"].items():
        assert got_quotes.get(cell, []) == ids, cell


SLOW = settings(max_examples=12, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@SLOW
@given(gen=projects())
def test_numbers_match_an_independent_computation(tmp_path_factory: Any,
                                                  gen: dict[str, Any]) -> None:
    db = build(tmp_path_factory.mktemp("gen") / "p.db", gen)
    check_against_oracle(report(db), oracle(db, lambda k: k != "auto", 2))
    check_against_oracle(report(db, Scope(coder="bob"), 3), oracle(db, lambda k: k == "bob", 3))
    check_against_oracle(report(db, Scope(consensus=True), 1),
                         oracle(db, lambda k: k == "consensus", 1, agreement=True))


# -- every format shows the JSON's numbers ------------------------------------------------

def _share(text: str) -> float | None:
    return None if text == "–" else float(text.rstrip("%"))


def _parse_cell(text: str) -> tuple[int, int, float | None, str | None]:
    """`3 / 12 · 25.0% ▲`: the quotes, out of the group's, their share, the flag."""
    m = re.fullmatch(r"\*?(\d+) / (\d+) · ([\d.]+%|–)( [▲▼])?\*?", text.strip())
    assert m, text
    flag = {" ▲": "above", " ▼": "below"}.get(m.group(4) or "")
    return int(m.group(1)), int(m.group(2)), _share(m.group(3)), flag


def _expect(cell: dict[str, Any], base: int) -> tuple[int, int, float | None, str | None]:
    return (cell["quotes"], base, round(cell["share"] * 100, 1) if base else None,
            cell["flag"])


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.quotes: list[str] = []
        self.external: list[str] = []
        self._cell: list[str] | None = None
        self._in_quote = False
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        for k in ("src", "href"):
            if a.get(k):
                self.external.append(str(a[k]))
        if tag == "link":
            self.external.append("link")
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "small" and self._cell is not None:
            self._cell.append("\x00")
        elif tag == "p" and self._in_quote:
            self.quotes.append("")
        elif tag == "blockquote":
            self._in_quote = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).split("\x00")[0].strip())
            self._cell = None
        elif tag == "blockquote":
            self._in_quote = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._in_quote and self.quotes and not data.startswith(("G", "—")):
            self.quotes[-1] += data


@settings(SLOW, max_examples=3)
@given(gen=projects())
def test_every_format_shows_the_json_numbers(tmp_path_factory: Any,
                                             gen: dict[str, Any]) -> None:
    db = build(tmp_path_factory.mktemp("gen") / "p.db", gen)
    data = report(db)
    check_formats(data)


def check_formats(data: dict[str, Any]) -> None:
    groups = [g["name"] for g in data["groups"]]
    base = {g["name"]: g["quotes"] for g in data["groups"]}
    cells = {(c["theme"], c["group"]): c for c in data["cells"]}
    themes = [t["name"] for t in data["themes"]]

    text = render(data, "csv")
    assert isinstance(text, str) and text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert {"theme", "group", "quotes", "codings", "participants", "share", "flag", "parent",
            "csp", "age"} <= set(rows[0])
    assert len(rows) == len(data["cells"])
    for row in rows:
        c = cells[(row["theme"], row["group"])]
        assert (int(row["quotes"]), int(row["codings"]), int(row["participants"]),
                float(row["share"]), row["flag"] or None) == (
            c["quotes"], c["codings"], c["participants"], c["share"], c["flag"])
        assert "Fisher" in row["flag_test"]

    md = render(data, "md")
    assert isinstance(md, str) and "Fisher" in md
    table = md.split("## Themes × groups")[1].split("\n\n")[1].splitlines()[2:]
    assert len(table) == len(themes)
    for line, theme in zip(table, themes, strict=True):
        parts = [p.strip() for p in line.strip("|").split(" | ")]
        assert parts[0].strip("\u2003 ") == theme
        for g, part in zip(groups, parts[1:-1], strict=True):
            assert _parse_cell(part) == _expect(cells[(theme, g)], base[g])
        total = sum(cells[(theme, g)]["quotes"] for g in groups)
        assert parts[-1].startswith(f"{total} / {sum(base.values())} · ")

    html = render(data, "html")
    assert isinstance(html, str)
    parser = _Tables()
    parser.feed(html)
    assert parser.external == [] and parser.lang
    assert "Fisher" in html and "@media print" in html
    body = parser.tables[0][1:]
    assert [r[0] for r in body] == themes
    for r in body:
        for g, text in zip(groups, r[1:-1], strict=True):
            assert _parse_cell(text) == _expect(cells[(r[0], g)], base[g])
    assert sorted(parser.quotes) == sorted(q["text"].replace("\n", "") for q in data["quotes"])

    xlsx = render(data, "xlsx")
    assert isinstance(xlsx, bytes)
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    sheet = book["Cells"]
    head = [c.value for c in sheet[1]]
    assert sheet.freeze_panes == "A2"
    for values in sheet.iter_rows(min_row=2, values_only=True):
        row = dict(zip(head, values, strict=True))
        c = cells[(row["theme"], row["group"])]
        assert (row["quotes"], row["codings"], row["participants"],
                row["flag"] or None) == (c["quotes"], c["codings"], c["participants"], c["flag"])
        # Excel keeps 15 significant digits: the share is the JSON's to that precision.
        assert abs(row["share"] - c["share"]) <= 1e-14 * c["share"]
    matrix = book["Themes x groups"]
    assert matrix.conditional_formatting
    n = len(groups)
    people = [g["participants"] for g in data["groups"]]
    assert [list(r[:3 + n]) for r in matrix.iter_rows(min_row=2, max_row=3, values_only=True)] \
        == [["base: quotes", None, *base.values(), sum(base.values())],
            ["base: participants", None, *people, sum(people)]]
    for values in matrix.iter_rows(min_row=4, values_only=True):
        theme = values[0]
        n = len(groups)
        assert list(values[2:2 + n]) == [cells[(theme, g)]["quotes"] for g in groups]
        # Shares to Excel's 15 significant digits, as above.
        assert list(values[3 + n:3 + 2 * n]) == pytest.approx(
            [cells[(theme, g)]["share"] for g in groups], rel=1e-14, abs=0)
    quotes = [r[-1] for r in book["Quotes"].iter_rows(min_row=2, values_only=True)]
    assert quotes == [q["text"] for q in data["quotes"]]
    assert "Fisher" in str(book["About"]["B4"].value)

    word = render(data, "docx")
    assert isinstance(word, bytes)
    document = docx.Document(io.BytesIO(word))
    grid = document.tables[0]
    assert [c.text.strip("\u2003 ") for c in grid.columns[0].cells[1:]] == themes
    for i, theme in enumerate(themes, start=1):
        for j, g in enumerate(groups, start=1):
            assert _parse_cell(grid.cell(i, j).text) == _expect(cells[(theme, g)], base[g])
    said = [p.text.split("\n— ")[0] for p in document.paragraphs if p.style.name == "Quote"]
    assert said == [q["text"] for q in data["quotes"]]
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert set(themes) <= set(headings)
    assert any("Fisher" in p.text for p in document.paragraphs)


# -- the CLI, the demo, files ----------------------------------------------------------------

def test_demo_in_every_format(cli: Cli, demo_db: Path, tmp_path: Path) -> None:
    db = str(demo_db)
    data = cli("--lang", "en", "--db", db, "report", "--quotes", "2").json()
    assert data["language"] == "en"  # the demo speaks French; --lang asks for English
    check_formats(data)
    assert data["indicators"], "the demo's survey figures are found and shown"
    assert {i["theme"] for i in data["indicators"]} <= {t["name"] for t in data["themes"]}
    for fmt in ("md", "csv", "html", "json"):
        out = cli("--db", db, "report", "--format", fmt)
        assert out.code == 0 and "numérique" in out.out or fmt == "csv"
    for fmt in ("xlsx", "docx"):
        target = tmp_path / f"r.{fmt}"
        assert cli("--db", db, "report", "--format", fmt, "-o", str(target)).code == 0
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        bare = cli("--db", db, "report", "--format", fmt)
        assert bare.code == 1 and len(bare.err.strip().splitlines()) == 1 and "-o" in bare.err
    html = tmp_path / "r.html"
    assert cli("--db", db, "report", "--format", "html", "-o", str(html)).code == 0
    assert stat.S_IMODE(html.stat().st_mode) == 0o600
    assert "« Mon Espace Santé »" in html.read_text(encoding="utf-8")


def test_theme_subtree_and_subtheme_cooccurrence(cli: Cli, demo_db: Path) -> None:
    db = str(demo_db)
    full = cli("--db", db, "report").json()
    part = cli("--db", db, "report", "--theme", "Data Security", "--subthemes").json()
    assert [t["name"] for t in part["themes"]] == [
        "data security", "data sensitivity", "commercial use", "hacking", "storage practices"]
    same = {(c["theme"], c["group"]): c for c in full["cells"]}
    assert all(c == same[(c["theme"], c["group"])] for c in part["cells"])
    assert {t["name"] for t in part["cooccurrence"]["themes"]} == {
        t["name"] for t in part["themes"]}
    assert {i["theme"] for i in part["indicators"]} <= {t["name"] for t in part["themes"]}
    assert cli("--db", db, "report", "--theme", "nope").code == 1


def test_quotes_prefer_consensus_then_agreement_never_moderators(cli: Cli,
                                                                 demo_db: Path) -> None:
    db = str(demo_db)
    g1 = cli("--db", db, "quotes", "--json", "--group", "G1").json()
    short, other, third = g1[0]["id"], g1[1]["id"], g1[2]["id"]
    for qid in (short, other, third):
        cli("--db", db, "--coder", "alice", "code", str(qid), "caregiving")
    cli("--db", db, "--coder", "bob", "code", str(third), "caregiving")
    cli("--db", db, "--coder", "consensus", "code", str(other), "caregiving")
    picked = [q["id"] for q in cli("--db", db, "report", "--quotes", "3").json()["quotes"]
              if q["theme"] == "caregiving" and q["group"] == "G1"]
    assert picked == [other, third, short]
    conn = sqlite3.connect(db)
    conn.execute("UPDATE participant SET is_moderator = 1 WHERE id = "
                 "(SELECT participant_id FROM quote WHERE id = ?)", (other,))
    conn.commit()
    picked = [q["id"] for q in cli("--db", db, "report").json()["quotes"]
              if q["theme"] == "caregiving" and q["group"] == "G1"]
    assert other not in picked


def test_indicators_file_errors_name_the_line(cli: Cli, demo_db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "ind.yaml"
    bad.write_text("indicators:\n  - value: 12\n    wording: x\n    theme: data security\n"
                   "  - value: 3\n    wording: y\n    theme: no such theme\n", encoding="utf-8")
    out = cli("--db", str(demo_db), "report", "--indicators", str(bad))
    assert out.code == 1 and f"{bad}:5:" in out.err and "no such theme" in out.err


def indicators() -> list[dict[str, Any]]:
    import yaml

    data = yaml.safe_load((Path(__file__).resolve().parents[1] / "data/indicators.yaml")
                          .read_text(encoding="utf-8"))
    return list(data["indicators"])


def test_indicator_themes_are_codebook_themes() -> None:
    book = (Path(__file__).resolve().parents[1] / "codebooks/numerique-sante.yaml").read_text(
        encoding="utf-8")
    for ind in indicators():
        assert f'name: "{ind["theme"]}"' in book


def test_indicator_figures_come_from_the_seed(seed_text: str) -> None:
    for ind in indicators():
        value = f"{ind['value']:,}".replace(",", " ")
        assert value in seed_text, ind["id"]
