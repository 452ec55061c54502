"""Output commands replace an existing file only by choice (`--force`); a project never."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Cli

COMMANDS = [
    ("report", ["report", "--format", "md", "-o"]),
    ("quotes", ["quotes", "--format", "csv", "-o"]),
    ("segments", ["segments", "--format", "csv", "-o"]),
    ("codebook", ["codebook", "export"]),
    ("export", ["export"]),
]


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_an_existing_file_is_kept_without_force(cli: Cli, demo_db: Path, tmp_path: Path,
                                                name: str, command: list[str]) -> None:
    target = tmp_path / ("notes.qdpx" if name == "export" else "notes.txt")
    target.write_text("mes notes de terrain, à garder", encoding="utf-8")
    refused = cli("--db", str(demo_db), *command, str(target))
    assert refused.code != 0
    assert "exists: add --force to replace it" in refused.err
    assert len(refused.err.strip().splitlines()) == 1
    assert target.read_text(encoding="utf-8") == "mes notes de terrain, à garder"
    forced = cli("--db", str(demo_db), *command, str(target), "--force")
    assert forced.code == 0, forced.err
    assert target.read_bytes() != "mes notes de terrain, à garder".encode()


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_force_never_replaces_a_project(cli: Cli, demo_db: Path, tmp_path: Path,
                                        name: str, command: list[str]) -> None:
    other = tmp_path / ("projet.qdpx" if name == "export" else "autre.db")
    assert cli("--db", str(other), "init").code == 0
    before = other.read_bytes()
    for db in (demo_db, other):  # another project, and the open one itself
        result = cli("--db", str(db), *command, str(other), "--force")
        assert result.code != 0 and "nothing was written" in result.err
    assert other.read_bytes() == before


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_the_refusal_comes_before_the_work(cli: Cli, tmp_path: Path, name: str,
                                           command: list[str]) -> None:
    """Told at once, not after a long report or export: the project is not even read
    (here there is none, and the error is still about the file)."""
    target = tmp_path / ("notes.qdpx" if name == "export" else "notes.txt")
    target.write_text("à garder", encoding="utf-8")
    refused = cli("--db", str(tmp_path / "absent.db"), *command, str(target))
    assert refused.code != 0
    assert "exists: add --force to replace it" in refused.err, refused.err
