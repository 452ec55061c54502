"""`import` of a quote table, coded or not, writes with sqlite3 alone (issue 24): no
SQLAlchemy imported, the same rows as the Session path, and the imports that need the
ORM (a code the codebook lacks, a transcript) still take it."""

from __future__ import annotations

from pathlib import Path

from qualcode.db.engine import open_project
from qualcode.services.imports import parse_files, write_sources

from .conftest import REPO, Cli
from .heavy_imports import run_probed
from .table_rows import table_rows

STUDY = REPO / "data" / "study.toml"
CODEBOOK = REPO / "codebooks" / "numerique-sante.yaml"
TABLE = ("group,speaker,text,âge\n"
         "G1,Nadia,« Mon dossier médical ? Je ne sais pas qui le lit. »,34\n"
         "G1,Nadia,Oui.,34\n"
         "G1,Nadia,Oui.,34\n"
         "G2,Modératrice,Et vous ?,\n")



def _project(cli: Cli, db: Path) -> Path:
    result = cli("--db", str(db), "init", "--study", str(STUDY), "--codebook", str(CODEBOOK))
    assert result.code == 0, result.err
    return db


def _table(folder: Path, text: str = TABLE) -> Path:
    table = folder / "verbatims.csv"
    table.write_text(text, encoding="utf-8")
    return table


def _written_in_a_session(db: Path, table: Path, *, rounds: int) -> Path:
    """`table` imported `rounds` times through an ORM Session, as before the sqlite3
    path."""
    project = open_project(str(db))
    try:
        for _round in range(rounds):
            with project.write() as session:
                write_sources(session, [(str(table), parse_files([table])[0])], group=None,
                              coder="tester")
    finally:
        project.close()
    return db


def test_importing_a_table_imports_no_sqlalchemy(cli: Cli, tmp_path: Path) -> None:
    db = _project(cli, tmp_path / "p.db")
    done = run_probed("--db", str(db), "import", str(_table(tmp_path)))
    assert "IMPORTED []" in done.stderr, done.stderr[-2000:]
    assert "4 quotes added, 2 speakers (2 new)" in done.stdout


def test_sqlite3_and_the_session_write_the_sametable_rows(cli: Cli, tmp_path: Path) -> None:
    table = _table(tmp_path)
    plain = _project(cli, tmp_path / "plain.db")
    assert cli("--db", str(plain), "import", str(table)).code == 0
    assert cli("--db", str(plain), "import", str(table)).out.endswith("nothing added\n")
    through = _written_in_a_session(_project(cli, tmp_path / "session.db"), table, rounds=2)
    assert table_rows(plain) == table_rows(through)
    assert len(table_rows(plain)["quote"]) == 4


CODED = ("group,speaker,text,coder,codes,data security\n"
         "G1,Nadia,« Qui lit mon dossier ? »,alice,Hacking;practicality,oui\n"
         "G1,Nadia,« Qui lit mon dossier ? »,bob,,\n"
         "G1,Paul,Personne.,,,x\n")


def test_a_coded_table_imports_with_sqlite3_alone_and_as_the_session_does(
        cli: Cli, tmp_path: Path) -> None:
    table = _table(tmp_path, CODED)
    plain = _project(cli, tmp_path / "plain.db")
    done = run_probed("--db", str(plain), "import", str(table))
    assert "IMPORTED []" in done.stderr, done.stderr[-2000:]
    assert "4 codings" in done.stdout, done.stdout
    through = _written_in_a_session(_project(cli, tmp_path / "session.db"), table, rounds=1)
    assert table_rows(plain) == table_rows(through)
    assert len(table_rows(plain)["coding"]) == 4 and len(table_rows(plain)["review"]) == 1
    assert sorted(name for _id, name in table_rows(plain)["coder"]) == ["alice", "bob", "tester"]


def test_a_code_the_codebook_lacks_takes_the_session_to_be_added(cli: Cli,
                                                                  tmp_path: Path) -> None:
    db = _project(cli, tmp_path / "p.db")
    table = _table(tmp_path, "group,speaker,text,codes\nG1,Nadia,Oui.,méfiance\n")
    refused = cli("--db", str(db), "import", str(table))
    assert refused.code == 1 and "unknown code 'méfiance'" in refused.err, refused.err
    added = run_probed("--db", str(db), "import", "--add-codes", str(table))
    assert "IMPORTED []" not in added.stderr and "1 codings" in added.stdout, added.stderr


def test_a_missing_project_is_refused_before_the_files_are_read(cli: Cli, tmp_path: Path) -> None:
    unreadable = _table(tmp_path, "group,speaker\n")  # no text column: parsing would refuse it
    result = cli("--db", str(tmp_path / "none.db"), "import", str(unreadable))
    assert result.code == 1 and "no project here" in result.err, result.err
