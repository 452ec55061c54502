"""Every export validates against the shipped REFI-QDA schemas, and the validator used
here does reject what NOTES.md says is invalid (so a pass means something)."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest
import xmlschema

from .conftest import Cli
from .refi_support import assert_valid_qdpx, codebook_schema, project_schema


def test_demo_export_validates_and_keeps_the_standard_layout(demo_db: Path, cli: Cli,
                                                             tmp_path: Path) -> None:
    qdpx = tmp_path / "demo.qdpx"
    result = cli("--db", str(demo_db), "export", str(qdpx))
    assert result.code == 0, result.err
    assert_valid_qdpx(qdpx)
    with zipfile.ZipFile(qdpx) as zf:
        qde = zf.read("project.qde").decode("utf-8")
        texts = {n: zf.read(n) for n in zf.namelist() if n.startswith("sources/")}
    tree = project_schema().to_dict(qde)
    sources = tree["Sources"]["TextSource"]
    assert len(sources) == 1 and sources[0]["@plainTextPath"].startswith("internal://")
    assert "@richTextPath" not in sources[0]
    text = texts["sources/" + sources[0]["@plainTextPath"].removeprefix("internal://")]
    plain = text.decode("utf-8")
    assert not text.startswith(b"\xef\xbb\xbf")
    selections = sources[0]["PlainTextSelection"]
    quotes = cli("--db", str(demo_db), "quotes", "--json").json()
    assert len(selections) == len(quotes) == 22
    # positions are code points, half-open: the slice is the quote, accents and all
    assert sorted(plain[s["@startPosition"]:s["@endPosition"]] for s in selections) == sorted(
        q["text"] for q in quotes)
    users = {u["@guid"]: u["@name"] for u in tree["Users"]["User"]}
    codings = [c for s in selections for c in s.get("Coding", [])]
    assert codings and {users[c["@creatingUser"]] for c in codings} == {"seed"}
    assert all(c["@creationDateTime"].endswith("Z") for c in codings)
    cases = tree["Cases"]["Case"]
    g1 = next(c for c in cases if c["@name"] == "G1")
    variables = {v["@guid"]: v["@name"] for v in tree["Variables"]["Variable"]}
    values = {variables[v["VariableRef"]["@targetGUID"]]: v for v in g1["VariableValue"]}
    assert values["csp"]["TextValue"] == "CSP+" and values["age"]["TextValue"] == "<35"
    codes = tree["CodeBook"]["Codes"]["Code"]
    assert codes[0]["@name"] == "dehumanisation" and codes[0]["@color"] == "#c62828"
    assert "Include: " in codes[0]["Description"] and "Hotkey: 1" in codes[0]["Description"]


def test_codebook_export_validates_and_round_trips(demo_db: Path, cli: Cli,
                                                  tmp_path: Path) -> None:
    qdc = tmp_path / "book.qdc"
    assert cli("--db", str(demo_db), "codebook", "export", str(qdc)).code == 0
    assert stat.S_IMODE(qdc.stat().st_mode) == 0o600
    codebook_schema().validate(qdc.read_text(encoding="utf-8"))
    yaml_before = tmp_path / "before.yaml"
    assert cli("--db", str(demo_db), "codebook", "export", str(yaml_before)).code == 0
    fresh = tmp_path / "fresh.db"
    assert cli("--db", str(fresh), "init").code == 0
    result = cli("--db", str(fresh), "codebook", "import", str(qdc))
    assert result.code == 0 and "25 codes added" in result.out, result.out
    yaml_after = tmp_path / "after.yaml"
    assert cli("--db", str(fresh), "codebook", "export", str(yaml_after)).code == 0
    # everything but the codebook's own name (a .qdc has no field for it) survives
    assert yaml_after.read_text().split("\n", 2)[2] == yaml_before.read_text().split("\n", 2)[2]


def test_empty_project_exports_a_valid_minimal_file(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    assert cli("--db", str(db), "init").code == 0
    assert cli("--db", str(db), "export", str(tmp_path / "e.qdpx")).code == 0
    assert_valid_qdpx(tmp_path / "e.qdpx")
    result = cli("--db", str(db), "codebook", "export", str(tmp_path / "e.qdc"))
    assert result.code == 1 and "at least one" in result.err
    assert not (tmp_path / "e.qdc").exists()


@pytest.mark.parametrize("qde", [
    '<Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook><Codes/></CodeBook></Project>',
    '<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Users/></Project>',
    '<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources/><CodeBook><Codes><Code '
    'guid="5B7E1C0A-2222-4A2B-9C3D-4E5F6A7B8C9D" name="c" isCodable="true"/></Codes>'
    '</CodeBook></Project>',
    '<Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook><Codes><Code guid="x" '
    'name="c" isCodable="true"/></Codes></CodeBook></Project>',
])
def test_the_validator_rejects_what_the_standard_forbids(qde: str) -> None:
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        project_schema().validate(qde)


def test_the_validator_rejects_an_empty_sets_in_a_codebook() -> None:
    qdc = ('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="5B7E1C0A-2222-4A2B-'
           '9C3D-4E5F6A7B8C9D" name="c" isCodable="true"/></Codes><Sets/></CodeBook>')
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        codebook_schema().validate(qdc)
