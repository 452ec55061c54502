"""Pseudonymisation decided by the name (issue "Hardening, round two", item 5): a name
that is not an ordinary word goes in any case and position, misspelt too; one that is
(Claire) goes where capitalised and is listed for review where not; the codebook too;
afterwards no mapped name is left anywhere in the file, its exports or its backups."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

from .conftest import Cli

MAP = "name,pseudonym\nNadia,Sofia\nKareem,Samir\nClaire,Inès\n"


def plant(db: Path) -> None:
    con = sqlite3.connect(db)
    con.execute("UPDATE quote SET text = text || ' Et nadia pense pareil.' WHERE id = 1")
    con.execute("UPDATE quote SET text = 'Karem c''est moi. Claire aussi, une eau claire.' "
                "WHERE id = 2")
    con.execute("UPDATE code SET example = '« Nadia m''a dit que c''était sûr »' "
                "WHERE name = 'hacking'")
    con.execute("UPDATE code SET keywords = '[\"piratage\", \"nadia\"]' WHERE name = 'hacking'")
    con.commit()
    con.close()


def test_names_go_by_what_they_are_and_nothing_is_left(cli: Cli, demo_db: Path,
                                                       tmp_path: Path) -> None:
    plant(demo_db)
    names = tmp_path / "map.csv"
    names.write_text(MAP, encoding="utf-8")
    dry = cli("--db", str(demo_db), "pseudonymise", "--map", str(names), "--dry-run")
    assert dry.code == 0, dry.err
    assert "'nadia' → 'Sofia'" in dry.out  # lower case, mid-sentence: a name and nothing else
    assert "'Karem' → 'Samir' (variant)" in dry.out  # misspelt, at a sentence start
    assert "'Claire' → 'Inès'" in dry.out
    assert "to review: quote 2: 'claire'" in dry.out  # an ordinary word in lower case
    assert "code 'hacking' example: 'Nadia' → 'Sofia'" in dry.out
    run = cli("--db", str(demo_db), "pseudonymise", "--map", str(names))
    assert run.code == 0, run.err
    assert "1 places to review" in run.out
    export = tmp_path / "after.qdpx"
    backup = tmp_path / "after.db"
    assert cli("--db", str(demo_db), "export", str(export)).code == 0
    assert cli("--db", str(demo_db), "backup", str(backup)).code == 0
    with zipfile.ZipFile(export) as zf:
        exported = b"".join(zf.read(n) for n in zf.namelist())
    for blob in (demo_db.read_bytes(), backup.read_bytes(), exported):
        for name in (b"Nadia", b"nadia", b"Karem", b"Kareem", b"Claire aussi"):
            assert name not in blob, name  # free pages and the journal included
    text = sqlite3.connect(demo_db).execute("SELECT text FROM quote WHERE id = 2").fetchone()[0]
    assert text == "Samir c'est moi. Inès aussi, une eau claire."
