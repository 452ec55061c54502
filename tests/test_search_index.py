"""The search index kept in the project (issue 24, item 2): `search` keeps what it
indexed, the next one reads it, and whatever writes quotes (imports, a corrected
transcript, pseudonymisation, REFI-QDA, plain SQL, deletion) leaves an index that
equals one rebuilt from the texts, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from qualcode.db.engine import open_project
from qualcode.db.reader import reader_of
from qualcode.db.reading import reading
from qualcode.importers.base import text_hash
from qualcode.search import kept
from qualcode.search.engine import SearchIndex

from .conftest import REPO, Cli, table_project
from .postgres import postgres_server, postgres_url  # noqa: F401 (fixtures)
from .test_importers_cli import G1

TABLE = """group,speaker,text
G1,Awa,"Les données de santé, j’ai peur qu’elles soient piratées."
G1,Karim,"Ma carte Vitale, Karim la garde dans son portefeuille."
G2,Hélène,"Le dossier médical partagé, je ne sais pas qui le lit."
"""
MORE = """group,speaker,text
G2,Nadia,"Une montre connectée compte mes pas, et après ?"
"""
QUERIES = ["donees sante", "carte vital", "montre conectee", '"dossier medical"', "Awa"]


def _words(index: SearchIndex) -> dict[str, list[int]]:
    """Each word's quote ids: the whole of what ranks a search."""
    return {w: sorted(index.ids[i] for i in p) for w, p in index._postings.items()}


def _loaded(db: str) -> SearchIndex:
    with reading(db) as reader:
        return SearchIndex.load(reader)


def _rebuilt(db: str) -> SearchIndex:
    """An index made from the texts as they are now, as every search once did."""
    with reading(db) as reader:
        rows = reader.rows("SELECT id, text FROM quote ORDER BY id")
    return SearchIndex([r[0] for r in rows], [r[1] for r in rows])


def _entries(db: str) -> int:
    with reading(db) as reader:
        found = reader.row("SELECT count(*) FROM search_entry")
    assert found is not None
    return int(found[0])


def _kept_then(db: str) -> set[int]:
    """What the next read indexes anew, once its index equals the rebuilt one."""
    index = _loaded(db)
    assert index.ids == _rebuilt(db).ids
    assert _words(index) == _words(_rebuilt(db))
    return {entry[0] for entry in index.fresh.entries}


def _search(cli: Cli, db: str, query: str = "donees sante") -> list[dict[str, object]]:
    result = cli("--db", db, "search", query, "--json")
    assert result.code == 0, result.err
    rows: list[dict[str, object]] = result.json()
    return rows


@pytest.fixture
def project(cli: Cli, tmp_path: Path) -> Path:
    db = table_project(cli, tmp_path, TABLE)
    return db


@pytest.fixture
def indexed(cli: Cli, project: Path) -> Path:
    """The project after one search: every quote's entry kept."""
    _search(cli, str(project))
    assert _entries(str(project)) == 3 and _kept_then(str(project)) == set()
    return project


def test_search_keeps_the_index_and_the_next_reads_it(cli: Cli, project: Path) -> None:
    db = str(project)
    assert _entries(db) == 0 and len(_kept_then(db)) == 3
    first = [_search(cli, db, q) for q in QUERIES]
    assert _entries(db) == 3 and _kept_then(db) == set()
    assert [_search(cli, db, q) for q in QUERIES] == first
    assert first[0][0]["text"] == "Les données de santé, j’ai peur qu’elles soient piratées."
    rebuilt = _rebuilt(db)
    assert [[(h["id"], h["score"]) for h in hits] for hits in first] == [
        [(h.quote_id, h.score) for h in rebuilt.search(q)] for q in QUERIES]


def test_a_kept_search_imports_no_sqlalchemy(indexed: Path) -> None:
    probe = ("import sys\nfrom qualcode.cli import main\n"
             f"sys.argv = ['qualcode', '--db', {str(indexed)!r}, 'search', 'donees', '--json']\n"
             "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('sqlalchemy', 'sqlmodel', 'alembic')), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=REPO, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr.strip().endswith("[]"), done.stderr[-2000:]
    assert json.loads(done.stdout)[0]["speaker"] == "Awa"


def test_an_import_adds_only_its_quotes(cli: Cli, indexed: Path, tmp_path: Path) -> None:
    more = tmp_path / "more.csv"
    more.write_text(MORE, encoding="utf-8")
    assert cli("--db", str(indexed), "import", str(more)).code == 0
    assert _kept_then(str(indexed)) == {4}
    assert _search(cli, str(indexed), "montre conectee")[0]["speaker"] == "Nadia"
    assert _kept_then(str(indexed)) == set()


def test_a_corrected_transcript_reindexes_the_corrected_turns(cli: Cli, indexed: Path,
                                                              tmp_path: Path) -> None:
    db = str(indexed)
    path = tmp_path / "g1.txt"
    path.write_text(G1, encoding="utf-8")
    assert cli("--db", db, "import", str(path), "--group", "G1").code == 0
    _search(cli, db)
    path.write_text(G1.replace("Les données de santé,", "Mes données de santé, franchement,"),
                    encoding="utf-8")
    assert cli("--db", db, "import", str(path), "--group", "G1").code == 0
    (changed,) = _kept_then(db)
    assert _search(cli, db, "franchement")[0]["id"] == changed


def test_pseudonymisation_reindexes_the_renamed_quotes(cli: Cli, indexed: Path,
                                                       tmp_path: Path) -> None:
    (tmp_path / "map.csv").write_text("name,pseudonym\nKarim,Yanis\n", encoding="utf-8")
    assert cli("--db", str(indexed), "pseudonymise", "--map",
               str(tmp_path / "map.csv")).code == 0
    assert _kept_then(str(indexed)) == {2}
    assert _search(cli, str(indexed), "Karim") == []


def test_a_refi_qda_import_is_indexed(cli: Cli, indexed: Path, tmp_path: Path) -> None:
    archive = tmp_path / "p.qdpx"
    assert cli("--db", str(indexed), "export", str(archive)).code == 0
    target = tmp_path / "imported.db"
    assert cli("--db", str(target), "init").code == 0
    assert cli("--db", str(target), "import", str(archive)).code == 0
    assert len(_kept_then(str(target))) == 3
    assert _search(cli, str(target), "carte vital")[0]["text"] == (
        "Ma carte Vitale, Karim la garde dans son portefeuille.")


def test_plain_sql_edits_and_deletions_are_seen(cli: Cli, indexed: Path) -> None:
    """A writer that knows nothing of the index: the stamp tells its entry is stale."""
    text = "Le téléphone, c’est plus humain."
    conn = sqlite3.connect(indexed)
    with conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("UPDATE quote SET text = ?, text_hash = ? WHERE id = 3",
                     (text, text_hash(text)))
        conn.execute("DELETE FROM quote WHERE id = 2")
    conn.close()
    assert _entries(str(indexed)) == 2
    assert _kept_then(str(indexed)) == {3}
    assert _search(cli, str(indexed), "dossier medical") == []
    assert _search(cli, str(indexed), "telephone")[0]["id"] == 3


def test_an_entry_read_before_its_quote_changed_is_not_kept(indexed: Path) -> None:
    conn = sqlite3.connect(indexed)
    with conn:
        conn.execute("UPDATE quote SET text = 'Autre chose.', text_hash = 'x' WHERE id = 1")
    index = _loaded(str(indexed))
    with conn:
        conn.execute("UPDATE quote SET text = 'Encore autre.', text_hash = 'y' WHERE id = 1")
    conn.close()
    project = open_project(str(indexed), warn=False)
    try:
        with project.write() as session:
            assert kept.keep(reader_of(session), index.fresh) == 0
    finally:
        project.close()
    assert _kept_then(str(indexed)) == {1}


def test_an_upgraded_project_is_indexed_on_first_search(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    shutil.copyfile(Path(__file__).with_name("fixtures") / "schema_0001.db", db)
    db.chmod(0o600)
    hits = _search(cli, str(db), "donnees")
    assert _entries(str(db)) > 0 and _kept_then(str(db)) == set()
    assert _search(cli, str(db), "donnees") == hits


def test_postgresql_keeps_the_same_index(cli: Cli, postgres_url: str,  # noqa: F811
                                         tmp_path: Path) -> None:
    assert cli("--db", postgres_url, "init", "--study", str(REPO / "data/study.toml"),
               "--codebook", str(REPO / "codebooks/numerique-sante.yaml")).code == 0
    table = tmp_path / "quotes.csv"
    table.write_text(TABLE, encoding="utf-8")
    assert cli("--db", postgres_url, "import", str(table)).code == 0
    first = _search(cli, postgres_url)
    assert _entries(postgres_url) == 3 and _kept_then(postgres_url) == set()
    assert _search(cli, postgres_url) == first
    project = open_project(postgres_url, warn=False)
    try:
        with project.write() as session:
            reader_of(session).connection.cursor().execute(
                "UPDATE quote SET text = %s, text_hash = %s WHERE id = %s",
                ("Ma montre connectée.", text_hash("Ma montre connectée."), first[0]["id"]))
    finally:
        project.close()
    assert _kept_then(postgres_url) == {first[0]["id"]}
    assert _search(cli, postgres_url, "montre")[0]["id"] == first[0]["id"]
