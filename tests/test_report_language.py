"""Reports a researcher hands in (issue 22): in the study's language, with charts drawn from
the table's numbers, and an annex of every coded segment checked against the project
file read with sqlite3."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import docx
import openpyxl

from .conftest import Cli

ENGLISH_LABELS = ("Themes × groups", "Scope:", "Each cell", "By level of the design",
                  "Co-occurrence", "quotes carrying", "Fisher exact test", "of the quotes, by")
FRENCH_LABELS = ("Thèmes × groupes", "Périmètre\u00a0:", "Par niveau du plan", "Cooccurrence",
                 "citations portant le thème", "test exact de Fisher")


def _docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_demo_report_speaks_its_study_language(cli: Cli, demo_db: Path,
                                                     tmp_path: Path) -> None:
    """The demo's study says `language = "fr"`: its report is French in every format,
    whatever the terminal speaks; `--lang en` asks for English."""
    db = str(demo_db)
    md = cli("--db", db, "report", "--format", "md").out
    for label in FRENCH_LABELS:
        assert label in md, label
    assert not [label for label in ENGLISH_LABELS if label in md]
    assert re.search(r"\d,\d\u00a0%", md), "25,0 % with a decimal comma and a no-break space"
    assert "seed" not in md.lower()
    html = cli("--db", db, "report", "--format", "html").out
    assert '<html lang="fr">' in html and "Thèmes × groupes" in html
    assert not [label for label in ENGLISH_LABELS if label in html]
    word = tmp_path / "r.docx"
    assert cli("--db", db, "report", "--format", "docx", "-o", str(word)).code == 0
    text = _docx_text(word)
    assert "Thèmes × groupes" in text and "Par niveau du plan" in text
    assert not [label for label in ENGLISH_LABELS if label in text]
    props = docx.Document(str(word)).core_properties
    assert props.title == "Les Français et le numérique en santé"
    assert props.language == "fr" and props.subject == "thèmes par groupe"
    book_path = tmp_path / "r.xlsx"
    assert cli("--db", db, "report", "--format", "xlsx", "-o", str(book_path)).code == 0
    book = openpyxl.load_workbook(book_path)
    assert book.sheetnames[:3] == ["Thèmes x groupes", "Graphiques", "Cases"]
    assert book["Thèmes x groupes"]["A1"].value == "thème"
    english = cli("--lang", "en", "--db", db, "report", "--format", "html").out
    assert '<html lang="en">' in english and "Themes × groups" in english
    assert "Thèmes × groupes" not in english


def test_a_study_without_a_language_reports_in_the_interface_language(
        cli: Cli, tmp_path: Path) -> None:
    study = tmp_path / "s.toml"
    study.write_text('[study]\ntitle = "T"\n[dimensions]\nage = ["a", "b"]\n'
                     '[[groups]]\nname = "G1"\nage = "a"\n[[groups]]\nname = "G2"\nage = "b"\n',
                     encoding="utf-8")
    db = str(tmp_path / "p.db")
    assert cli("--db", db, "init", "--study", str(study)).code == 0
    assert "Themes × groups" in cli("--db", db, "report", "--format", "md").out
    assert "Thèmes × groupes" in cli("--lang", "fr", "--db", db, "report", "--format", "md").out


class _Svgs(HTMLParser):
    """The text of each inline SVG of a page, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.charts: list[list[str]] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "svg":
            self.depth += 1
            self.charts.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and data.strip():
            self.charts[-1].append(data.strip())


def test_the_markdown_charts_are_text_bars_of_the_tables_numbers(cli: Cli,
                                                                  demo_db: Path) -> None:
    db = str(demo_db)
    data = cli("--db", db, "report", "--format", "json").json()
    md = cli("--db", db, "report", "--format", "md").out
    cells = {(c["theme"], c["group"]): c for c in data["cells"]}
    for theme in (t["name"] for t in data["themes"] if t["parent"] is None):
        block = md.split(f"## {theme}\n", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
        lines = block.splitlines()
        assert len(lines) == len(data["groups"]) + 1
        for line, group in zip(lines, data["groups"], strict=False):
            cell = cells[(theme, group["name"])]
            assert line.startswith(group["name"] + " ")
            assert f" {cell['quotes']}/{cell['base']} " in line
            bar = sum(1 for ch in line if ch == "█")
            assert bar == int(cell["share"] * 30 * 8) // 8 or bar == round(
                cell["share"] * 30 * 8) // 8


def test_the_html_charts_show_the_tables_numbers(cli: Cli, demo_db: Path) -> None:
    """One heat map and one bar chart per top-level theme, inline, no script; each bar is
    labelled with the cell's quotes / base, read back from the SVG text against the JSON."""
    db = str(demo_db)
    data = cli("--db", db, "report", "--format", "json").json()
    html = cli("--db", db, "report", "--format", "html").out
    assert "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', "").replace(
        'xmlns:xlink="http://www.w3.org/1999/xlink"', "").split("<svg")[0]
    parser = _Svgs()
    parser.feed(html)
    top = [t["name"] for t in data["themes"] if t["parent"] is None]
    assert len(parser.charts) == 1 + len(top)
    groups = [g["name"] for g in data["groups"]]
    cells = {(c["theme"], c["group"]): c for c in data["cells"]}
    heat = parser.charts[0]
    for theme in (t["name"] for t in data["themes"]):
        assert theme in heat
    for theme, texts in zip(top, parser.charts[1:], strict=True):
        assert texts[0] == theme or theme in texts
        shown = [t for t in texts if re.fullmatch(r"\d+/\d+( [▲▼])?", t)]
        expected = [f"{cells[(theme, g)]['quotes']}/{cells[(theme, g)]['base']}" for g in groups]
        assert [s.split()[0] for s in shown] == expected, theme
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "charts on one page share no id"


def test_word_and_excel_carry_the_charts(cli: Cli, demo_db: Path, tmp_path: Path) -> None:
    db = str(demo_db)
    data = cli("--db", db, "report", "--format", "json").json()
    top = [t["name"] for t in data["themes"] if t["parent"] is None]
    word = tmp_path / "r.docx"
    assert cli("--db", db, "report", "--format", "docx", "-o", str(word)).code == 0
    assert len(docx.Document(str(word)).inline_shapes) == 1 + len(top)
    book_path = tmp_path / "r.xlsx"
    assert cli("--db", db, "report", "--format", "xlsx", "-o", str(book_path)).code == 0
    book = openpyxl.load_workbook(book_path)
    first = book.worksheets[0]
    rows = {first.cell(r, 1).value: r for r in range(1, first.max_row + 1)}
    import zipfile

    with zipfile.ZipFile(book_path) as archive:
        charts = sorted((n for n in archive.namelist() if n.startswith("xl/charts/chart")),
                        key=lambda n: int(re.sub(r"\D", "", n)))
        assert len(charts) == len(top)
        for theme, name in zip(top, charts, strict=True):
            xml = archive.read(name).decode()
            row = rows[theme]
            assert theme in xml
            assert re.search(rf"\$[A-Z]+\${row}:\$[A-Z]+\${row}<", xml), (
                "the chart reads the theme's row of shares")


def _independent_segments(db: Path, *, where_caregiver: str | None = None) -> Counter[str]:
    """Per top-level theme, the codings the annex must list: every coder but `auto`, no
    moderator turn."""
    con = sqlite3.connect(db)
    parent = dict(con.execute("SELECT id, parent_id FROM code").fetchall())
    names = dict(con.execute("SELECT id, name FROM code").fetchall())

    def top(code: int) -> str:
        while parent[code] is not None:
            code = parent[code]
        return str(names[code])

    rows = con.execute(
        "SELECT c.code_id, p.attributes FROM coding c JOIN quote q ON q.id = c.quote_id "
        "JOIN participant p ON p.id = q.participant_id JOIN coder k ON k.id = c.coder_id "
        "WHERE k.name != 'auto' AND NOT p.is_moderator").fetchall()
    con.close()
    import json

    return Counter(top(code) for code, attributes in rows
                   if where_caregiver is None
                   or json.loads(attributes or "{}").get("caregiver") == where_caregiver)


def test_the_annex_lists_every_coded_segment(cli: Cli, demo_db: Path, tmp_path: Path) -> None:
    db = str(demo_db)
    cli("--db", db, "--coder", "alice", "code", "9", "data security", "--memo",
        "Méfiance ; à rapprocher de G2.")
    cli("--db", db, "--coder", "alice", "code", "10", "--memo", "Relancer sur la sécurité.")
    cli("--db", db, "--coder", "auto", "code", "11", "hacking")
    data = cli("--db", db, "report", "--all-quotes", "--format", "json").json()
    annex: dict[str, Any] = data["annex"]
    assert Counter(row["theme"] for row in annex["segments"]) == _independent_segments(demo_db)
    assert all(row["coder"] != "auto" for row in annex["segments"])
    assert [(m["quote"], m["on"], m["text"]) for m in annex["memos"]] == [
        (9, "data security", "Méfiance ; à rapprocher de G2."),
        (10, None, "Relancer sur la sécurité.")]
    themes = [row["theme"] for row in annex["segments"]]
    assert themes == sorted(themes, key=themes.index), "grouped by theme"
    where = cli("--db", db, "report", "--all-quotes", "--where", "caregiver=yes",
                "--format", "json").json()["annex"]
    assert Counter(r["theme"] for r in where["segments"]) == _independent_segments(
        demo_db, where_caregiver="yes")

    word = tmp_path / "a.docx"
    assert cli("--db", db, "report", "--all-quotes", "--format", "docx",
               "-o", str(word)).code == 0
    text = _docx_text(word)
    assert "Annexe\u00a0: tous les segments codés" in text and "Mémos" in text
    for row in annex["segments"]:
        assert f"« {row['text']} »" in text
    assert "Relancer sur la sécurité." in text
    book_path = tmp_path / "a.xlsx"
    assert cli("--db", db, "report", "--all-quotes", "--format", "xlsx",
               "-o", str(book_path)).code == 0
    book = openpyxl.load_workbook(book_path)
    assert book["Segments codés"].max_row == 1 + len(annex["segments"])
    assert book["Mémos"].max_row == 1 + len(annex["memos"])
    for fmt in ("md", "html"):
        shown = cli("--db", db, "report", "--all-quotes", "--format", fmt).out
        assert "Annexe\u00a0: tous les segments codés" in shown and "Relancer sur" in shown
        assert shown.count(" · #") >= len(annex["segments"]), fmt
    plain = tmp_path / "p.docx"
    assert cli("--db", db, "report", "--format", "docx", "-o", str(plain)).code == 0
    assert "Annexe" not in _docx_text(plain)


def test_the_annex_is_refused_where_it_has_no_place(cli: Cli, demo_db: Path) -> None:
    result = cli("--db", str(demo_db), "report", "--all-quotes", "--format", "csv")
    assert result.code == 1 and result.err.startswith("qualcode: ") and not result.out
    assert len(result.err.strip().splitlines()) == 1


def test_context_gives_each_quote_the_question_before_it(cli: Cli, tmp_path: Path) -> None:
    study = tmp_path / "s.toml"
    study.write_text('[study]\ntitle = "Étude"\nlanguage = "fr"\n[dimensions]\n'
                     'age = ["jeunes", "seniors"]\n[[groups]]\nname = "G1"\nage = "jeunes"\n'
                     '[[groups]]\nname = "G2"\nage = "seniors"\n', encoding="utf-8")
    book = tmp_path / "cb.yaml"
    book.write_text('name: t\nversion: "1"\ncodes:\n  - name: sécurité\n  - name: praticité\n',
                    encoding="utf-8")
    transcript = tmp_path / "g1.txt"
    transcript.write_text(
        "P3 : Bonjour à tous.\n"
        "ANIMATRICE : Que pensez-vous de la sécurité de vos données ?\n"
        "P1 : Je ne veux pas que mes données finissent chez un assureur.\n"
        "P2 : Moi ça ne me dérange pas.\n"
        "ANIMATRICE : Et au quotidien, c'est pratique ?\n"
        "P1 : Oui, je prends mes rendez-vous en ligne.\n", encoding="utf-8")
    db = str(tmp_path / "p.db")
    assert cli("--db", db, "init", "--study", str(study), "--codebook", str(book)).code == 0
    assert cli("--db", db, "import", str(transcript), "--group", "G1").code == 0
    for quote, code in ((1, "praticité"), (3, "sécurité"), (4, "sécurité"), (6, "praticité")):
        assert cli("--db", db, "--coder", "alice", "code", str(quote), code).code == 0
    data = cli("--db", db, "report", "--context", "--format", "json").json()
    asked = {q["id"]: q["context"] for q in data["quotes"]}
    assert asked[1] is None, "nothing was asked before the first turn"
    assert asked[3] == asked[4] == {"speaker": "ANIMATRICE", "text":
                                    "Que pensez-vous de la sécurité de vos données ?"}
    assert asked[6] == {"speaker": "ANIMATRICE", "text": "Et au quotidien, c'est pratique ?"}
    md = cli("--db", db, "report", "--context", "--format", "md").out
    assert "> *ANIMATRICE\u00a0: Et au quotidien, c'est pratique ?*\n>\n> Oui, je prends" in md
    assert "context" not in cli("--db", db, "report", "--format", "json").json()["quotes"][0]
    html = cli("--db", db, "report", "--context", "--format", "html").out
    assert '<p class="context">ANIMATRICE\u00a0: Que pensez-vous' in html
