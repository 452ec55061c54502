"""Report specs (issue 22): a saved definition re-runs the same report, golden over the
demo; a bad spec is one line naming its file and line, and writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest

from .conftest import Cli

GOLDEN = Path(__file__).parent / "golden"


def _spec(tmp_path: Path) -> Path:
    folder = tmp_path / "synthese"
    folder.mkdir()
    return Path(shutil.copy(GOLDEN / "demo-synthese.toml", folder))


def test_a_spec_writes_every_output_and_matches_the_golden_report(
        cli: Cli, demo_db: Path, tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    result = cli("--db", str(demo_db), "report", "--spec", str(spec))
    assert result.code == 0, result.err
    folder = spec.parent
    assert sorted(p.name for p in folder.iterdir()) == [
        "demo-synthese.toml", "synthese.docx", "synthese.json", "synthese.md"]
    assert (folder / "synthese.md").read_text(encoding="utf-8") == (
        GOLDEN / "demo-synthese.md").read_text(encoding="utf-8")
    data = cli("--db", str(demo_db), "report", "--format", "json", "--theme", "data security",
               "--by", "caregiver", "--quotes", "2", "--context", "--all-quotes").out
    assert (folder / "synthese.json").read_text(encoding="utf-8") == data, (
        "the spec is the same report as its options on the command line")
    word = docx.Document(str(folder / "synthese.docx"))
    assert any("Annexe" in p.text for p in word.paragraphs)


def test_a_spec_re_runs_identically_then_follows_the_coding(
        cli: Cli, demo_db: Path, tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    db = str(demo_db)
    assert cli("--db", db, "report", "--spec", str(spec)).code == 0
    first = {p.name: p.read_bytes() for p in spec.parent.glob("synthese.*")}
    refused = cli("--db", db, "report", "--spec", str(spec))
    assert refused.code == 1 and "--force" in refused.err
    assert cli("--db", db, "report", "--spec", str(spec), "--force").code == 0
    again = {p.name: p.read_bytes() for p in spec.parent.glob("synthese.*")}
    assert again["synthese.md"] == first["synthese.md"]
    assert again["synthese.json"] == first["synthese.json"]
    assert cli("--db", db, "--coder", "alice", "code", "3", "hacking").code == 0
    assert cli("--db", db, "report", "--spec", str(spec), "--force").code == 0
    after = (spec.parent / "synthese.md").read_text(encoding="utf-8")
    assert after != first["synthese.md"].decode()
    assert ("| \u2003hacking | 0 / 1 · 0,0\u00a0% | 2 / 21 · 9,5\u00a0% "
            "| 2 / 22 · 9,1\u00a0% |") in after


@pytest.mark.parametrize(("text", "line", "says"), [
    ('[report]\nquotes = "three"\n[outputs]\nmd = "a.md"\n', 2, "quotes"),
    ('[report]\ncolour = "red"\n[outputs]\nmd = "a.md"\n', 2, "colour"),
    ('[report]\nquotes = 2\n[outputs]\npdf = "a.pdf"\n', 4, "pdf"),
    ('[report]\nquotes = 2\n', None, "[outputs]"),
    ('[report]\nall_quotes = true\n[outputs]\ncsv = "a.csv"\n', 2, "all_quotes"),
    ('[report\nquotes = 2\n', 1, "TOML"),
    ('[report]\nlang = "de"\n[outputs]\nmd = "a.md"\n', 2, "lang"),
    ('[rapport]\n[outputs]\nmd = "a.md"\n', 1, "[rapport]"),
])
def test_a_bad_spec_is_one_line_naming_the_file_and_line(
        cli: Cli, demo_db: Path, tmp_path: Path, text: str, line: int | None,
        says: str) -> None:
    spec = tmp_path / "bad.toml"
    spec.write_text(text, encoding="utf-8")
    result = cli("--db", str(demo_db), "report", "--spec", str(spec))
    assert result.code == 1 and not result.out
    assert result.err.startswith(f"qualcode: {spec}:{line}: " if line else f"qualcode: {spec}: ")
    assert says in result.err and len(result.err.strip().splitlines()) == 1
    assert not (tmp_path / "a.md").exists()


def test_a_spec_with_other_options_is_refused(cli: Cli, demo_db: Path, tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    result = cli("--db", str(demo_db), "report", "--spec", str(spec), "--theme", "hacking")
    assert result.code == 1 and "--theme" in result.err
    assert not (spec.parent / "synthese.md").exists()
