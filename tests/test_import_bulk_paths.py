"""The import's fast paths give what the slow ones gave: control characters told from
the bytes are the ones the text holds, and a table's indexes built after its first
rows are the project's own."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from qualcode.importers.base import decode_text

from .conftest import REPO, Cli

STUDY = REPO / "data" / "study.toml"
CODEBOOK = REPO / "codebooks" / "numerique-sante.yaml"
STRAYS = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]]
PADDING = "Les données de santé, c'est sensible. " * 120
"""More than the 4,096 characters where a NUL byte means a binary file."""


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
@pytest.mark.parametrize("stray", STRAYS, ids=[f"U+{ord(s):04X}" for s in STRAYS])
def test_every_stray_control_character_goes_whatever_the_encoding(
        tmp_path: Path, encoding: str, stray: str) -> None:
    if encoding == "cp1252" and ord(stray) >= 0x80:
        pytest.skip("Windows-1252 has no byte for a C1 control")
    text = f"{PADDING}\nP1 : avant{stray}après\n"
    notes: list[str] = []
    got = decode_text(text.encode(encoding), tmp_path / "t.txt", notes)
    kept = "\n" if stray in "\x0b\x0c" else ""
    assert got == f"{PADDING}\nP1 : avant{kept}après\n"
    assert len(notes) == 1 and ":2: control characters removed" in notes[0]


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_a_clean_text_is_noted_for_nothing(tmp_path: Path, encoding: str) -> None:
    text = "P1 : « Déjà vu », 30 € et\tun onglet.\r\nP2 : Non\u00a0!\n"
    notes: list[str] = []
    assert decode_text(text.encode(encoding), tmp_path / "t.txt", notes) == (
        "P1 : « Déjà vu », 30 € et\tun onglet.\nP2 : Non\u00a0!\n")
    assert notes == []


def _indexes(db: Path) -> set[tuple[str, str]]:
    connection = sqlite3.connect(db)
    try:
        return set(connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))
    finally:
        connection.close()


def _table(path: Path, rows: int, first: int = 0) -> Path:
    path.write_text("group,speaker,text\n" + "".join(
        f"G1,P{n % 7},Tour {n} : « mes données »\n" for n in range(first, first + rows)),
        encoding="utf-8")
    return path


def test_quote_indexes_built_after_the_rows_are_the_schemas(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    assert cli("--db", str(db), "init", "--study", str(STUDY),
               "--codebook", str(CODEBOOK)).code == 0
    made = _indexes(db)
    assert {name for name, _sql in made} >= {"ix_quote_text_hash", "ix_quote_participant"}
    big = cli("--db", str(db), "import", str(_table(tmp_path / "a.csv", 300)))
    assert big.code == 0, big.err
    assert _indexes(db) == made
    small = cli("--db", str(db), "import", str(_table(tmp_path / "b.csv", 5, first=300)))
    assert small.code == 0, small.err
    assert _indexes(db) == made
    connection = sqlite3.connect(db)
    try:
        used = " ".join(row[-1] for row in connection.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM quote WHERE text_hash = 'x'"))
        assert re.search(r"USING (COVERING )?INDEX ix_quote_text_hash", used), used
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT count(*) FROM quote").fetchone() == (305,)
    finally:
        connection.close()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_line_ends_become_lf_whatever_the_encoding(tmp_path: Path, encoding: str) -> None:
    """A lone CR before a CRLF is two line ends, whether they are rewritten in the bytes
    or in the text."""
    text = "P1 : un\r\r\nP2 : deux\rP3 : trois\r\nP4 : « quatre »\n"
    assert decode_text(text.encode(encoding), tmp_path / "t.txt") == (
        "P1 : un\n\nP2 : deux\nP3 : trois\nP4 : « quatre »\n")


def test_a_cell_with_a_paragraph_separator_keeps_it_and_the_lines_count(
        tmp_path: Path) -> None:
    """`splitlines` would break a row at U+2028 or U+2029: such a table is read as a
    stream, and an error names the file's own line."""
    from qualcode.errors import UserError
    from qualcode.importers.quote_table_csv import parse

    table = tmp_path / "t.csv"
    table.write_text('group,speaker,text\nG1,P1,"un\u2028deux\u2029trois"\nG1,P2,"x\ny"\n'
                     'G1,P3,Oui\n', encoding="utf-8")
    assert [(t.text, t.line) for t in parse(table).turns] == [
        ("un\u2028deux\u2029trois", 2), ("x\ny", 3), ("Oui", 5)]
    table.write_text('group,speaker,text\nG1,P1,un\u2028deux\nG1,P2,"x"y\n', encoding="utf-8")
    with pytest.raises(UserError, match=r"t\.csv:3: malformed CSV"):
        parse(table)


def test_bulk_rows_read_back_as_given_with_columns_left_empty(tmp_path: Path) -> None:
    """A column None in every row is written as NULL rather than bound; one None in its
    first row only keeps its later values."""
    from qualcode.db.writer import Writer
    from qualcode.services.bulk_insert import insert_rows

    connection = sqlite3.connect(tmp_path / "t.db")
    try:
        connection.execute("CREATE TABLE t (a INTEGER, b VARCHAR, c VARCHAR, d INTEGER, "
                           "e VARCHAR)")
        connection.execute("CREATE INDEX ix_t_c ON t (c)")
        rows = [(n, None, None if n == 0 else f"« {n} »", None, "é") for n in range(50)]
        columns = ("a", "b", "c", "d", "e")
        insert_rows(Writer(connection), "t", columns, rows)
        insert_rows(Writer(connection), "t", columns, [(None, None, "x", 7, None)])
        assert connection.execute("SELECT * FROM t ORDER BY rowid").fetchall() == [
            *rows, (None, None, "x", 7, None)]
        assert connection.execute("SELECT sql FROM sqlite_master WHERE name = 'ix_t_c'"
                                  ).fetchone() == ("CREATE INDEX ix_t_c ON t (c)",)
    finally:
        connection.close()


def test_a_coded_tables_times_are_stored_as_a_coding_made_by_hand(cli: Cli,
                                                                   tmp_path: Path) -> None:
    """The bulk path once wrote `…+00:00` where the ORM writes the bare UTC time."""
    db = tmp_path / "p.db"
    assert cli("--db", str(db), "init", "--study", str(STUDY),
               "--codebook", str(CODEBOOK)).code == 0
    table = tmp_path / "coded.csv"
    table.write_text("group,speaker,text,codes\nG1,Nadia,« Qui lit mon dossier ? »,"
                     "data security\nG1,Paul,Personne.,\n", encoding="utf-8")
    done = cli("--db", str(db), "import", str(table))
    assert done.code == 0 and "1 codings" in done.out, done.err
    assert cli("--db", str(db), "code", "2", "data security").code == 0
    connection = sqlite3.connect(db)
    try:
        times = [at for at, in connection.execute(
            "SELECT created_at FROM coding ORDER BY quote_id")]
    finally:
        connection.close()
    shape = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}")
    assert len(times) == 2 and all(shape.fullmatch(at) for at in times), times
