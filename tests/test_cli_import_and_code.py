"""Quote tables in, coding from scripts, and bad input that changes nothing."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from qualcode.db.engine import open_project
from qualcode.services import coding

from .conftest import REPO, Cli

TABLE = "group,speaker,text,age\nG1,Awa,« Sans internet on est coincé. »,34\nG2,Luc,Ça va,51\n"


def dump(db: Path) -> str:
    """Every row of every table except the journal, to prove nothing changed."""
    conn = sqlite3.connect(db)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                          "AND name NOT IN ('event') ORDER BY name")]
    digest = hashlib.sha256()
    for table in tables:
        for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1"):
            digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.fixture
def project(cli: Cli, tmp_path: Path) -> Path:
    db = tmp_path / "p.db"
    result = cli("--db", str(db), "init", "--study", str(REPO / "data/study.toml"),
                 "--codebook", str(REPO / "codebooks/numerique-sante.yaml"))
    assert result.code == 0, result.err
    return db


def test_import_quote_table_then_reimport_adds_nothing(cli: Cli, project: Path,
                                                       tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text(TABLE, encoding="utf-8")
    first = cli("--db", str(project), "import", str(table))
    assert first.code == 0 and "2 quotes added, 2 speakers" in first.out
    again = cli("--db", str(project), "import", str(table))
    assert again.code == 0 and "already imported, nothing added" in again.out
    quotes = cli("--db", str(project), "quotes", "--json").json()
    assert [(q["group"], q["speaker"], q["text"]) for q in quotes] == [
        ("G1", "Awa", "« Sans internet on est coincé. »"), ("G2", "Luc", "Ça va")]
    conn = sqlite3.connect(project)
    assert conn.execute("SELECT attributes FROM participant WHERE label='Awa'").fetchone() == (
        '{"age": "34"}',)


def test_french_excel_csv(cli: Cli, project: Path, tmp_path: Path) -> None:
    table = tmp_path / "excel.csv"
    content = 'group;speaker;text\r\nG3;Mme D.;"Tous mes rapports; mes radios\r\net le reste"\r\n'
    table.write_bytes(content.encode("cp1252"))
    assert cli("--db", str(project), "import", str(table)).code == 0
    (quote,) = cli("--db", str(project), "quotes", "--json").json()
    assert quote["text"] == "Tous mes rapports; mes radios\net le reste"
    assert quote["speaker"] == "Mme D."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "t.csv: the file is empty"),
        (b"group,speaker,quote\nG1,A,x\n", "t.csv:1: the table has no `text` column"),
        (b"group,speaker,text\nG1,A,x\nG9,B,y\n", "t.csv:3: unknown group 'G9'"),
        (b"group,speaker,text\nG1,A,x\nG1,,y\n", "t.csv:3: row has no speaker"),
        (b"group,speaker,text\nG1,A,x,extra\n", "t.csv:2: row has 4 fields"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "t.csv: binary file"),
        (b'group,speaker,text\nG1,A,"unclosed\n', "t.csv:"),
    ],
)
def test_bad_tables_give_one_line_and_change_nothing(cli: Cli, project: Path, tmp_path: Path,
                                                     content: bytes, message: str) -> None:
    good = tmp_path / "good.csv"
    good.write_text(TABLE, encoding="utf-8")
    assert cli("--db", str(project), "import", str(good)).code == 0
    before = dump(project)
    bad = tmp_path / "t.csv"
    bad.write_bytes(content)
    result = cli("--db", str(project), "import", str(good), str(bad))
    assert result.code == 1
    assert result.err.count("\n") == 1 and message in result.err, result.err
    assert "Traceback" not in result.err
    assert dump(project) == before


def test_code_remove_review_and_errors(cli: Cli, demo_db: Path) -> None:
    db = str(demo_db)
    qid = str(cli("--db", db, "quotes", "--json").json()[0]["id"])
    ok = cli("--db", db, "--coder", "alice", "code", qid, "Hacking", "commercial use",
             "--memo", "craint la revente")
    assert ok.code == 0 and "applied hacking, commercial use" in ok.out
    quote = next(q for q in cli("--db", db, "quotes", "--json", "--coder", "alice").json())
    assert quote["codes"]["alice"] == ["commercial use", "hacking"] or sorted(
        quote["codes"]["alice"]) == ["commercial use", "hacking"]
    assert cli("--db", db, "--coder", "alice", "code", qid, "hacking", "--remove").code == 0
    assert cli("--db", db, "--coder", "bob", "code", qid, "--reviewed").code == 0
    quote = cli("--db", db, "quotes", "--json").json()[0]
    assert quote["codes"]["alice"] == ["commercial use"]
    assert set(quote["reviewed_by"]) == {"alice", "bob", "seed"}
    bad = cli("--db", db, "--coder", "alice", "code", qid, "no such code")
    assert bad.code == 1 and "unknown code 'no such code'" in bad.err
    assert len(cli("--db", db, "quotes", "--uncoded").out) == 0
    assert "alice" in cli("--db", db, "log", "--coder", "alice").out


def test_exclusive_children_replace_each_other(demo_db: Path) -> None:
    project = open_project(str(demo_db))
    with project.write() as s:
        coding.apply_codes(s, quote_id=1, codes=["mes activated"], coder="carol")
    with project.write() as s:
        change = coding.apply_codes(s, quote_id=1, codes=["mes never used"], coder="carol")
    assert change.removed == ("mes activated",)
    project.close()


def test_undo_reverses_last_actions_across_sessions(demo_db: Path) -> None:
    project = open_project(str(demo_db))
    with project.write() as s:
        coding.apply_codes(s, quote_id=2, codes=["hacking"], coder="dan")
    with project.write() as s:
        coding.mark_reviewed(s, quote_id=2, coder="dan")
    project.close()
    project = open_project(str(demo_db))  # a restart: undo comes from the journal
    with project.write() as s:
        undone = coding.undo_last(s, coder="dan")
        assert undone is not None and undone.action == "review"
    conn = sqlite3.connect(demo_db)
    rows = "SELECT COUNT(*) FROM coding c JOIN coder k ON k.id=c.coder_id WHERE k.name='dan'"
    assert conn.execute(rows).fetchone() == (1,)
    with project.write() as s:
        assert coding.undo_last(s, coder="dan") is not None
        assert coding.undo_last(s, coder="dan") is None
    assert conn.execute(rows).fetchone() == (0,)
    project.close()


def test_missing_and_foreign_files_are_refused(cli: Cli, tmp_path: Path) -> None:
    notdb = tmp_path / "notes.txt"
    notdb.write_text("bonjour", encoding="utf-8")
    result = cli("--db", str(notdb), "quotes")
    assert result.code == 1 and "not a qualcode project" in result.err
    assert cli("--db", str(tmp_path / "none.db"), "quotes").code == 1
