"""The first transcript of a group is written with sqlite3 alone, as a quote table is: only
a transcript of the same group can be an earlier version of it, so with none there (and no
other in the same import) there is nothing for the ORM to find or correct. It writes the
same rows as the Session path; a later one still takes the Session and replaces its
earlier version."""

from __future__ import annotations

from pathlib import Path

from qualcode.db.engine import open_project
from qualcode.services.imports import parse_files, write_sources

from .conftest import REPO, Cli
from .heavy_imports import run_probed
from .table_rows import table_rows

STUDY = REPO / "data" / "study.toml"
TRANSCRIPT = ("Réunion G1\n\n"
              "ANIMATRICE : Bonjour à tous, on commence ?\n\n"
              "Nadia : Mon dossier médical, je ne sais pas qui le lit.\n"
              "Et ça m'inquiète.\n\n"
              "P2 : Moi je m'en sers tous les jours.\n\n"
              "ANIMATRICE : Et les autres ?\n\n"
              "Nadia : Pareil.\n")


def _project(cli: Cli, db: Path) -> Path:
    result = cli("--db", str(db), "init", "--study", str(STUDY))
    assert result.code == 0, result.err
    return db


def _transcript(folder: Path, name: str = "g1.txt", text: str = TRANSCRIPT) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_groups_first_transcript_imports_with_sqlite3_alone(cli: Cli, tmp_path: Path) -> None:
    db = _project(cli, tmp_path / "p.db")
    done = run_probed("--db", str(db), "import", str(_transcript(tmp_path)), "--group", "G1")
    assert "IMPORTED []" in done.stderr, done.stderr[-2000:]
    assert "5 quotes added, 3 speakers (3 new)" in done.stdout, done.stdout
    again = run_probed("--db", str(db), "import", str(_transcript(tmp_path)), "--group", "G2")
    assert "IMPORTED []" in again.stderr, again.stderr[-2000:]  # another group's first


def test_it_writes_the_rows_the_session_writes(cli: Cli, tmp_path: Path) -> None:
    transcript = _transcript(tmp_path)
    plain = _project(cli, tmp_path / "plain.db")
    assert cli("--db", str(plain), "import", str(transcript), "--group", "G1").code == 0
    through = _project(cli, tmp_path / "session.db")
    project = open_project(str(through))
    try:
        with project.write() as session:
            write_sources(session, [(str(transcript), parse_files([transcript])[0])],
                          group="G1", coder="tester")
    finally:
        project.close()
    assert table_rows(plain) == table_rows(through)
    assert len(table_rows(plain)["quote"]) == 5


def test_a_later_transcript_of_the_group_takes_the_session_and_replaces(
        cli: Cli, tmp_path: Path) -> None:
    db = _project(cli, tmp_path / "p.db")
    assert cli("--db", str(db), "import", str(_transcript(tmp_path)), "--group", "G1").code == 0
    corrected = _transcript(tmp_path / "v2", text=TRANSCRIPT.replace("Pareil.", "Pareil !"))
    done = run_probed("--db", str(db), "import", str(corrected), "--group", "G1")
    assert "IMPORTED []" not in done.stderr, done.stderr[-2000:]
    assert "a corrected version of g1.txt" in done.stdout, done.stdout
    assert len(table_rows(db)["source"]) == 1


def test_two_transcripts_of_one_import_take_the_session(cli: Cli, tmp_path: Path) -> None:
    """The second may be a version of the first, written a moment before."""
    db = _project(cli, tmp_path / "p.db")
    first = _transcript(tmp_path)
    second = _transcript(tmp_path / "v2", text=TRANSCRIPT.replace("Pareil.", "Pareil !"))
    done = run_probed("--db", str(db), "import", str(first), str(second), "--group", "G1")
    assert "IMPORTED []" not in done.stderr, done.stderr[-2000:]
    assert "a corrected version of g1.txt" in done.stdout, done.stdout
