"""Every export validates against the REFI-QDA schemas the package ships, the validator
does reject what the standard forbids (so a pass means something), and `export` says
so, one line a violation, when what it wrote is not valid."""

from __future__ import annotations

import hashlib
import io
import re
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import pytest
import xmlschema

from qualcode.exchange import qdpx_export
from qualcode.exchange.schema_check import SCHEMA_FILES, schema_bytes, schema_errors

from .conftest import REPO, Cli
from .refi_support import assert_valid_qdpx, codebook_schema, project_schema

SCHEMAS = REPO / "qualcode" / "exchange" / "schemas"


def test_shipped_schemas_are_the_published_bytes() -> None:
    """The checksums the README beside them gives (those of REFI's files), the MIT notice
    kept, and `importlib.resources` reads the same bytes as the repository holds."""
    readme = (SCHEMAS / "README.md").read_text(encoding="utf-8")
    listed = {name: digest for digest, name in
              re.findall(r"([0-9a-f]{64})\s+(\S+\.xsd)", readme)}
    assert set(listed) == set(SCHEMA_FILES.values())
    for kind, name in SCHEMA_FILES.items():
        data = schema_bytes(kind)
        assert data == (SCHEMAS / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == listed[name]
        assert b"This specification is licensed under the MIT license." in data


@pytest.mark.parametrize("name", ["Project-mrt2019.xsd", "Codebook-mrt2019.xsd"])
def test_shipped_schemas_are_the_workshop_copies(shared: Callable[[str], Path],
                                                 name: str) -> None:
    assert (SCHEMAS / name).read_bytes() == shared(f"refi-qda/{name}").read_bytes()


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
    # one selection a quote, then one a coding, those of whole quotes claimed by the case
    claimed = {r["@targetGUID"] for c in tree["Cases"]["Case"] for r in c.get("SelectionRef", [])}
    ranges = {(s["@startPosition"], s["@endPosition"]) for s in selections
              if s["@guid"] in claimed}
    assert len(ranges) == len(quotes) == 22
    assert len(selections) == 22 + sum(len(c) for q in quotes for c in q["codes"].values())
    # positions are code points, half-open: the slice is the quote, accents and all
    assert sorted(plain[s:e] for s, e in ranges) == sorted(q["text"] for q in quotes)
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
    lines = schema_errors(qde.encode(), "project")
    assert lines and all(line.startswith("/Project") for line in lines), lines
    assert not any("urn:QDA-XML" in line for line in lines)  # the namespace noise is gone


def test_the_validator_rejects_an_empty_sets_in_a_codebook() -> None:
    qdc = ('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="5B7E1C0A-2222-4A2B-'
           '9C3D-4E5F6A7B8C9D" name="c" isCodable="true"/></Codes><Sets/></CodeBook>')
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        codebook_schema().validate(qdc)
    assert schema_errors(qdc.encode(), "codebook") == [
        "/CodeBook/Sets: The content of element 'Sets' is not complete. Tag 'Set' expected."]
    assert schema_errors(qdc.replace("<Sets/>", "").encode(), "codebook") == []


def test_schema_errors_name_each_element_and_read_nothing_unsafe() -> None:
    codes = "".join(f'<Code guid="5B7E1C0A-2222-4A2B-9C3D-4E5F6A7B8C9{i}" name="thème {i}" '
                    f'isCodable="True" color="#11223344"/>' for i in range(3))
    qdc = f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{codes}</Codes></CodeBook>'
    lines = schema_errors(qdc.encode(), "codebook")
    assert len(lines) == 6  # two faults on each of three codes, one line each
    for i in range(3):
        where = f"/CodeBook/Codes/Code[{i + 1}]['thème {i}']: "
        mine = [line for line in lines if line.startswith(where)]
        assert len(mine) == 2 and any("isCodable='True'" in x for x in mine), lines
    assert schema_errors(qdc.encode(), "project") == [
        "/CodeBook: '{urn:QDA-XML:codebook:1.0}CodeBook' is not an element of the schema"]
    (broken,) = schema_errors(b"<Project", "project")
    assert broken.startswith("not readable as XML: ")
    bomb = (b'<!DOCTYPE p [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            b'<Project xmlns="urn:QDA-XML:project:1.0" name="&b;"/>')
    (refused,) = schema_errors(bomb, "project")
    assert refused.startswith("not readable as XML: ") and "forbidden" in refused


def _break_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the exporter write `isCodable="True"`, which the schema forbids."""
    real = qdpx_export.write_project_xml

    def broken(project: Any, sink: BinaryIO) -> None:
        written = io.BytesIO()
        real(project, written)
        sink.write(written.getvalue().replace(b'isCodable="true"', b'isCodable="True"'))

    monkeypatch.setattr(qdpx_export, "write_project_xml", broken)


def test_export_reports_each_violation_of_what_it_wrote(
        demo_db: Path, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    qdpx = tmp_path / "demo.qdpx"
    _break_codes(monkeypatch)
    result = cli("--db", str(demo_db), "export", str(qdpx))
    assert result.code == 1 and result.out == ""
    with zipfile.ZipFile(qdpx) as zf:  # kept, for the bug report
        codes = zf.read("project.qde").count(b'isCodable="True"')
    assert codes == 25 + 22  # the codebook, and one case code per participant
    lines = result.err.splitlines()
    assert len(lines) == codes + 1
    assert all(line.startswith(f"qualcode: {qdpx}: project.qde /Project/CodeBook/Codes/Code[")
               and "isCodable='True'" in line for line in lines[:-1]), lines
    assert lines[-1] == (f"qualcode: {qdpx}: written, but {codes} REFI-QDA schema violation(s) "
                         "above; other programs may refuse it (--no-validate skips this check)")
    result = cli("--db", str(demo_db), "export", str(qdpx), "--no-validate", "--force")
    assert result.code == 0 and result.err == "" and result.out.startswith(f"wrote {qdpx}")


def test_export_checks_a_large_file_only_when_asked(
        demo_db: Path, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qualcode.cli import exchange_cmds

    qdpx = tmp_path / "demo.qdpx"
    _break_codes(monkeypatch)
    monkeypatch.setattr(exchange_cmds, "VALIDATE_UP_TO", 1000)  # the demo's is 66 kB
    assert cli("--db", str(demo_db), "export", str(qdpx)).code == 0
    assert cli("--db", str(demo_db), "export", str(qdpx), "--validate").code == 1
