"""A quote table's rows keep their physical line numbers whichever way they are counted
(one line each, or some spanning several); an import leaves Python's garbage collector
as it found it, whether it succeeds or fails; a new version of a table adds its new
rows after each group's last quote, and a coded table its codings and reviews, on SQLite
and PostgreSQL alike, through the bulk insert, which gives SQLite's page cache back."""

from __future__ import annotations

import csv
import gc
import io
import json
from pathlib import Path

import pytest

from qualcode.db.reading import reading
from qualcode.errors import UserError
from qualcode.services.imports import parse_files

from .conftest import REPO, Cli
from .postgres import postgres_server, postgres_url  # noqa: F401 (fixtures)


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


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-16"])
def test_page_breaks_stay_inside_their_cells(tmp_path: Path, encoding: str) -> None:
    """A form feed or vertical tab (FileMaker's line break in a field) is a line break
    inside its cell, quoted or not: it neither ends the row nor shifts the lines."""
    table = tmp_path / "t.csv"
    content = ("group,speaker,text\nG1,Zoé,Déjà vu\x0cailleurs\nG1,Léa,\"Oui\x0bnon\"\n"
               "G1,Zoé,\"fin\nde ligne\x0c\"\nG1,Léa,dernier\n")
    table.write_bytes(content.encode(encoding))
    (src,) = parse_files([table])
    assert [(t.line, t.speaker, t.text) for t in src.turns] == [
        (2, "Zoé", "Déjà vu\nailleurs"), (3, "Léa", "Oui\nnon"), (4, "Zoé", "fin\nde ligne"),
        (6, "Léa", "dernier")]
    table.write_bytes((content + "G1,Zoé\x0c\n").encode(encoding))
    with pytest.raises(UserError, match=r"t.csv:7: row has no text"):
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


FIRST = "group,speaker,text\nG1,Awa,Oui.\nG1,Awa,Oui.\nG2,Karim,Non.\n"
SECOND = FIRST + "G1,Awa,Oui.\nG2,Karim,Peut-être.\nG1,Awa,Voilà.\n"


@pytest.mark.parametrize("server", [False, True])
def test_a_new_version_adds_its_new_rows_after_the_groups_last(
        cli: Cli, tmp_path: Path, request: pytest.FixtureRequest, server: bool) -> None:
    db = request.getfixturevalue("postgres_url") if server else str(tmp_path / "p.db")
    assert cli("--db", db, "init", "--study", str(REPO / "data/study.toml")).code == 0
    table = tmp_path / "quotes.csv"
    table.write_text(FIRST, encoding="utf-8")
    assert cli("--db", db, "import", str(table)).code == 0
    table.write_text(SECOND, encoding="utf-8")
    done = cli("--db", db, "import", str(table))
    assert "3 quotes added" in done.out and "3 duplicates skipped" in done.out
    assert cli("--db", db, "import", str(table)).out.count("already imported") == 1
    with reading(db) as reader:
        rows = reader.rows("SELECT g.name, q.position, q.text FROM quote q JOIN study_group g "
                           "ON g.id = q.group_id ORDER BY g.name, q.position")
    assert rows == [("G1", 1, "Oui."), ("G1", 2, "Oui."), ("G1", 3, "Oui."),
                    ("G1", 4, "Voilà."), ("G2", 1, "Non."), ("G2", 2, "Peut-être.")]


CODED = ("group,speaker,text,coder,codes\nG1,Awa,Mes données ?,alice,data security\n"
         "G1,Awa,Mes données ?,bob,\nG2,Karim,Non.,alice,data security;reassurance\n")


@pytest.mark.parametrize("server", [False, True])
def test_a_coded_table_brings_its_codings_and_reviews(
        cli: Cli, tmp_path: Path, request: pytest.FixtureRequest, server: bool) -> None:
    db = request.getfixturevalue("postgres_url") if server else str(tmp_path / "p.db")
    assert cli("--db", db, "init", "--study", str(REPO / "data/study.toml"), "--codebook",
               str(REPO / "codebooks/numerique-sante.yaml")).code == 0
    table = tmp_path / "coded.csv"
    table.write_text(CODED, encoding="utf-8")
    assert "3 codings" in cli("--db", db, "import", str(table)).out
    with reading(db) as reader:
        codings = reader.rows("SELECT q.text, k.name, c.name FROM coding g "
                              "JOIN quote q ON q.id = g.quote_id JOIN coder k ON k.id = "
                              "g.coder_id JOIN code c ON c.id = g.code_id ORDER BY 1, 3")
        reviews = reader.rows("SELECT q.text, k.name FROM review r JOIN quote q ON q.id = "
                              "r.quote_id JOIN coder k ON k.id = r.coder_id")
    assert codings == [("Mes données ?", "alice", "data security"),
                       ("Non.", "alice", "data security"), ("Non.", "alice", "reassurance")]
    assert reviews == [("Mes données ?", "bob")]
    listed = json.loads(cli("--db", db, "quotes", "--json").out)
    asked = next(q["id"] for q in listed if q["text"] == "Mes données ?")
    assert cli("--db", db, "--coder", "carol", "code", str(asked), "hacking", "--text",
               "données").code == 0
    out = tmp_path / "out.csv"
    done = cli("--db", db, "quotes", "--format", "csv", "-o", str(out))
    assert "1 segment codings left out" in done.out, done.out
    rows = [r[:6] for r in csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig")))]
    first, second, third = (q["id"] for q in listed)  # no id column: a row, a quote
    assert asked == first
    assert rows[1:] == [[str(first), "G1", "Awa", "Mes données ?", "alice", "data security"],
                        [str(first), "G1", "Awa", "Mes données ?", "carol", ""],
                        [str(second), "G1", "Awa", "Mes données ?", "bob", ""],
                        [str(third), "G2", "Karim", "Non.", "alice",
                         "data security;reassurance"]]
    done = cli("--db", db, "quotes", "--group", "G2", "--format", "csv", "-o", str(out),
               "--force")  # the segment is another group's: none of this table's is left out
    assert done.code == 0 and "left out" not in done.out, done.out


def test_the_page_cache_is_narrowed_again(cli: Cli, tmp_path: Path) -> None:
    from qualcode.db.engine import open_project
    from qualcode.services.bulk_insert import insert_rows

    db = str(tmp_path / "p.db")
    assert cli("--db", db, "init").code == 0
    project = open_project(db, warn=False)
    try:
        with project.write() as session:
            conn = session.connection()
            before = conn.exec_driver_sql("PRAGMA cache_size").one()
            insert_rows(session, "meta", ("key", "value"), [("bulk-test", "1")])
            assert conn.exec_driver_sql("PRAGMA cache_size").one() == before
            assert conn.exec_driver_sql(
                "SELECT value FROM meta WHERE key = 'bulk-test'").one() == ("1",)
    finally:
        project.close()
