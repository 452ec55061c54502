"""Malformed input is refused with its line, and nothing is imported (issue "Hardening,
round two")."""

from __future__ import annotations

from pathlib import Path

from .conftest import Cli
from .tui_support import sql

JUNK_SRT = ("1\n00:00:01,000 --> 00:00:02,000\nP1 : Bonjour à tous\n\n"
            "ceci n'est pas un sous-titre\n\n"
            "3\n00:00:05,000 --> 00:00:06,000\nP2 : Au revoir\n")


def test_a_srt_block_without_timing_is_refused_with_its_line(cli: Cli, demo_db: Path,
                                                              tmp_path: Path) -> None:
    path = tmp_path / "g1.srt"
    path.write_text(JUNK_SRT, encoding="utf-8")
    before = sql(demo_db, "SELECT COUNT(*) FROM quote")
    result = cli("--db", str(demo_db), "import", str(path), "--group", "G1")
    assert result.code != 0
    assert "line 5: a SubRip block without its timing line" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert sql(demo_db, "SELECT COUNT(*) FROM quote") == before
    path.write_text(JUNK_SRT.replace("ceci n'est pas un sous-titre\n\n", ""), encoding="utf-8")
    assert cli("--db", str(demo_db), "import", str(path), "--group", "G1").code == 0


def _deep_qdc(levels: int) -> str:
    import uuid

    return ('<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0">'
            "<Codes>" + "".join(f'<Code guid="{uuid.uuid4()}" name="niveau {i}" '
                                'isCodable="true">' for i in range(levels))
            + "</Code>" * levels + "</Codes></CodeBook>")


def _deep_yaml(levels: int) -> str:
    lines = ["name: profond", "version: '1'", "codes:"]
    for i in range(levels):
        pad = "  " * (2 * i)
        lines += [f"{pad}  - name: niveau {i}", f"{pad}    children:"]
    lines[-1] = lines[-1].replace("children:", "description: le fond")
    return "\n".join(lines) + "\n"


def test_codes_nested_500_deep_are_one_clear_line(cli: Cli, demo_db: Path,
                                                  tmp_path: Path) -> None:
    qdc = tmp_path / "profond.qdc"
    qdc.write_text(_deep_qdc(500), encoding="utf-8")
    yml = tmp_path / "profond.yaml"
    yml.write_text(_deep_yaml(500), encoding="utf-8")
    before = sql(demo_db, "SELECT COUNT(*) FROM code")
    for path in (qdc, yml):
        result = cli("--db", str(demo_db), "codebook", "import", str(path))
        assert result.code != 0 and "internal error" not in result.err, result.err
        assert "nested deeper than 30 levels" in result.err
    assert sql(demo_db, "SELECT COUNT(*) FROM code") == before
    qdc.write_text(_deep_qdc(12), encoding="utf-8")  # a deep but real tree is welcome
    assert cli("--db", str(demo_db), "codebook", "import", str(qdc)).code == 0


def test_a_code_name_of_5000_characters_is_refused(cli: Cli, demo_db: Path,
                                                   tmp_path: Path) -> None:
    yml = tmp_path / "long.yaml"
    yml.write_text(f"name: t\nversion: '1'\ncodes:\n  - name: {'é' * 5000}\n", encoding="utf-8")
    result = cli("--db", str(demo_db), "codebook", "import", str(yml))
    assert result.code != 0 and "longer than 200 characters" in result.err
    assert len(result.err.strip().splitlines()) == 1


def _bomb(path: Path, member: str, size: int, extra: dict[str, bytes] | None = None) -> Path:
    """A zip whose one member is `size` bytes of one repeated byte (ratio ~1000:1)."""
    import zipfile

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
        with zf.open(member, "w", force_zip64=True) as fh:
            block = b"a" * (1 << 20)
            for _ in range(size >> 20):
                fh.write(block)
    return path


def test_zip_bombs_are_refused_before_they_are_unpacked(cli: Cli, demo_db: Path,
                                                        tmp_path: Path) -> None:
    before = sql(demo_db, "SELECT COUNT(*) FROM quote")
    qdpx = _bomb(tmp_path / "bombe.qdpx", "sources/a.txt", 64 << 20,
                 {"project.qde": b'<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>'})
    xlsx = _bomb(tmp_path / "bombe.xlsx", "xl/worksheets/sheet1.xml", 64 << 20)
    for path, where in ((qdpx, []), (xlsx, ["--group", "G1"])):
        result = cli("--db", str(demo_db), "import", str(path), *where)
        assert result.code != 0 and "(a zip bomb?)" in result.err, result.err
        assert len(result.err.strip().splitlines()) == 1
    assert sql(demo_db, "SELECT COUNT(*) FROM quote") == before


SOURCE_QDE = ('<?xml version="1.0" encoding="{encoding}"?>'
              '<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="ATLAS.ti 23" '
              'creationDateTime="{moment}"><Users><User guid="{user}" name="ana"/></Users>'
              '<Sources><TextSource guid="{source}" name="g1" plainTextPath="internal://g1.txt" '
              'creationDateTime="{moment}"/></Sources></Project>')


def _qdpx(path: Path, *, encoding: str = "utf-8", moment: str = "2024-01-05T10:00:00Z") -> Path:
    import uuid

    from .refi_support import make_qdpx

    qde = SOURCE_QDE.format(encoding=encoding, moment=moment, user=uuid.uuid4(),
                            source=uuid.uuid4())
    return make_qdpx(path, qde.encode("utf-8"), {"sources/g1.txt": b"P1 : Bonjour."})


def test_a_date_before_the_first_instant_in_utc_is_no_crash(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    assert cli("--db", str(db), "init").code == 0
    result = cli("--db", str(db), "import",
                 str(_qdpx(tmp_path / "d.qdpx", moment="0001-01-01T00:00:00+14:00")))
    assert result.code == 0 and "internal error" not in result.err, result.err


def test_an_unknown_xml_encoding_is_one_line(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "e.db"
    assert cli("--db", str(db), "init").code == 0
    result = cli("--db", str(db), "import", str(_qdpx(tmp_path / "e.qdpx", encoding="bogus")))
    assert result.code == 1 and "declares an encoding Python does not know" in result.err
    assert len(result.err.strip().splitlines()) == 1
