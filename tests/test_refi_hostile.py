"""Crafted `.qdpx`/`.qdc` files: each is refused with one line, exit status 1, the
project untouched and nothing written anywhere."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from pathlib import Path

import pytest

from qualcode.exchange import safe_zip

from .conftest import REPO, Cli
from .refi_support import make_qdpx
from .test_cli_import_and_code import dump

QDE = ('<Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook><Codes><Code '
       'guid="5B7E1C0A-2222-4A2B-9C3D-4E5F6A7B8C9D" name="intrus" isCodable="true"/></Codes>'
       "</CodeBook></Project>")


@pytest.fixture
def project(cli: Cli, tmp_path: Path) -> Path:
    db = tmp_path / "work" / "p.db"
    db.parent.mkdir()
    result = cli("--db", str(db), "init", "--study", str(REPO / "data/study.toml"),
                 "--codebook", str(REPO / "codebooks/numerique-sante.yaml"))
    assert result.code == 0, result.err
    return db


def refused(cli: Cli, db: Path, file: Path, *words: str, command: tuple[str, ...] = ("import",),
            ) -> None:
    before = dump(db)
    listing = sorted(p for p in db.parent.parent.rglob("*") if p.suffix not in (".db-wal",
                                                                                ".db-shm"))
    result = cli("--db", str(db), *command, str(file))
    assert result.code == 1, (result.out, result.err)
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("qualcode: "), result.err
    for word in words:
        assert word in lines[0], lines[0]
    assert dump(db) == before
    after = sorted(p for p in db.parent.parent.rglob("*") if p.suffix not in (".db-wal",
                                                                              ".db-shm"))
    assert after == listing


def entry(path: Path, name: str, data: bytes = b"x", *, mode: int | None = None,
          compress: int = zipfile.ZIP_DEFLATED, qde: str = QDE) -> Path:
    with zipfile.ZipFile(path, "w", compression=compress) as zf:
        zf.writestr("project.qde", qde)
        info = zipfile.ZipInfo(name)
        info.compress_type = compress
        if mode is not None:
            info.external_attr = mode << 16
        zf.writestr(info, data)
    return path


@pytest.mark.parametrize(("name", "word"), [
    ("../evil.txt", "outside"), ("sources/../../evil.txt", "outside"),
    ("/tmp/evil.txt", "absolute"), ("C:/evil.txt", "absolute"), ("..\\evil.txt", "outside"),
])
def test_paths_outside_the_archive(cli: Cli, project: Path, tmp_path: Path, name: str,
                                   word: str) -> None:
    refused(cli, project, entry(tmp_path / "t.qdpx", name), "refused", word)
    assert not (tmp_path / "evil.txt").exists()


def test_an_entry_without_a_name(cli: Cli, project: Path, tmp_path: Path) -> None:
    """zipfile reads such an entry, then fails on it (`ZipInfo.is_dir` reads the name's
    last character): it was an internal error, found by the fuzzed import."""
    refused(cli, project, entry(tmp_path / "n.qdpx", ""), "refused", "without a name")


def test_symbolic_link(cli: Cli, project: Path, tmp_path: Path) -> None:
    qdpx = entry(tmp_path / "l.qdpx", "sources/a.txt", b"/etc/passwd", mode=0o120777)
    refused(cli, project, qdpx, "refused", "symbolic link")


def test_zip_bomb_by_ratio(cli: Cli, project: Path, tmp_path: Path) -> None:
    qdpx = entry(tmp_path / "bomb.qdpx", "sources/zeros.txt", bytes(8 << 20))
    assert qdpx.stat().st_size < 100_000
    refused(cli, project, qdpx, "refused", "zip bomb")


def test_total_size_and_entry_count_limits(cli: Cli, project: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safe_zip, "MAX_TOTAL", 20_000)
    qdpx = entry(tmp_path / "big.qdpx", "sources/r.txt", os.urandom(30_000))
    refused(cli, project, qdpx, "refused", "unpacks to more than")
    monkeypatch.setattr(safe_zip, "MAX_ENTRIES", 3)
    many = make_qdpx(tmp_path / "many.qdpx", QDE, {f"sources/{i}.txt": b"x" for i in range(5)})
    refused(cli, project, many, "refused", "entries")


def _lie_about_size(data: bytes, name: bytes, size: int) -> bytes:
    """Rewrite the uncompressed size of `name` in its local and central headers."""
    out = bytearray(data)
    local = out.index(b"PK\x03\x04")
    while True:
        name_len = struct.unpack_from("<H", out, local + 26)[0]
        if out[local + 30:local + 30 + name_len] == name:
            struct.pack_into("<I", out, local + 22, size)
            break
        local = out.index(b"PK\x03\x04", local + 4)
    central = out.index(b"PK\x01\x02")
    while True:
        name_len = struct.unpack_from("<H", out, central + 28)[0]
        if out[central + 46:central + 46 + name_len] == name:
            struct.pack_into("<I", out, central + 24, size)
            break
        central = out.index(b"PK\x01\x02", central + 4)
    return bytes(out)


def test_archive_lying_about_sizes(cli: Cli, project: Path, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("project.qde", QDE)
    qdpx = tmp_path / "liar.qdpx"
    qdpx.write_bytes(_lie_about_size(buffer.getvalue(), b"project.qde", 12))
    refused(cli, project, qdpx, "refused", "project.qde")


def test_duplicate_entries_differing_by_case(cli: Cli, project: Path, tmp_path: Path) -> None:
    qdpx = make_qdpx(tmp_path / "d.qdpx", QDE, {"sources/A.txt": b"1", "Sources/a.TXT": b"2"})
    refused(cli, project, qdpx, "refused", "twice")


BILLION = ('<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa">'
           '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
           ']><Project xmlns="urn:QDA-XML:project:1.0" name="&c;"/>')
EXTERNAL = ('<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>')
REMOTE_DTD = ('<?xml version="1.0"?><!DOCTYPE Project SYSTEM "http://example.invalid/x.dtd">'
              '<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>')


@pytest.mark.parametrize("qde", [BILLION, EXTERNAL, REMOTE_DTD])
def test_entities_and_dtds_in_the_project(cli: Cli, project: Path, tmp_path: Path,
                                          qde: str) -> None:
    refused(cli, project, make_qdpx(tmp_path / "e.qdpx", qde), "refused", "DTD")


@pytest.mark.parametrize("qdc", [BILLION.replace("Project", "CodeBook"),
                                 EXTERNAL.replace("Project", "CodeBook")])
def test_entities_in_a_codebook(cli: Cli, project: Path, tmp_path: Path, qdc: str) -> None:
    file = tmp_path / "e.qdc"
    file.write_text(qdc)
    refused(cli, project, file, "refused", command=("codebook", "import"))


@pytest.mark.parametrize(("content", "word"), [
    (b"not a zip at all", "not a zip archive"),
    (None, "one project.qde"),
    (b"<Project", "not well-formed XML"),
    (b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>', "<CodeBook>, not <Project>"),
])
def test_broken_files(cli: Cli, project: Path, tmp_path: Path, content: bytes | None,
                      word: str) -> None:
    path = tmp_path / "b.qdpx"
    if content == b"not a zip at all":
        path.write_bytes(content)
    elif content is None:
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("sources/a.txt", "x")
    else:
        make_qdpx(path, content)
    refused(cli, project, path, word)
