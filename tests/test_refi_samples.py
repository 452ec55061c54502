"""Files written by other tools: the ATLAS.ti and NVivo samples kept in ../shared (when
present), files built here with the same traits (always), and hand-made files exercising
positions, line ends, cases and what qualcode skips."""

from __future__ import annotations

import hashlib
import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from uuid import UUID

import pytest

from qualcode.exchange.schema_check import schema_errors

from .conftest import Cli
from .refi_support import make_qdpx

NS = "{urn:QDA-XML:project:1.0}"


@pytest.fixture
def empty(cli: Cli, tmp_path: Path) -> Path:
    db = tmp_path / "p.db"
    assert cli("--db", str(db), "init").code == 0
    return db


@pytest.fixture
def examples(shared: Callable[[str], Path]) -> Path:
    """Real exports (ATLAS.ti 23, NVivo 15): third-party files kept only in ../shared."""
    return shared("refi-qda/examples")


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return [tuple(r) for r in conn.execute(sql)]


def code_tree(db: Path) -> list[tuple[object, ...]]:
    return rows(db, "SELECT c.name, p.name FROM code c LEFT JOIN code p ON p.id = c.parent_id "
                    "ORDER BY c.id")


def test_atlas_project_sample(cli: Cli, empty: Path, examples: Path) -> None:
    result = cli("--db", str(empty), "import", str(examples /
                                                  "atlasti-23.2.3_target-atlas-project.qdpx"))
    assert result.code == 0, result.err
    assert "codes 3 added" in result.out
    assert rows(empty, "SELECT name FROM coder ORDER BY name") == [("ATLAS.ti",),
                                                                   ("Enric Llagostera",)]
    assert code_tree(empty) == [
        ("Commits", None), ("2022-05-10T02:05:59Z 19e4dce", "Commits"),
        ("2022-02-11T10:39:25Z cdbfd92", "Commits")]


def atlas_style_qde() -> str:
    """What ATLAS.ti 23 writes when a project has no documents: CRLF line ends, `xmlns`
    last after a remote schema location, upper-case GUIDs, a two-level code tree."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<Project xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation='
        '"urn:QDA-XML:project:1.0 http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd"'
        ' origin="ATLAS.ti for Windows 23.2.3.27778" name="entretiens" creatingUserGUID='
        '"088B08AC-D5CD-4ADB-8B71-B4F3459C1770" creationDateTime="2023-08-16T15:49:36Z" '
        'xmlns="urn:QDA-XML:project:1.0">',
        "  <Users>",
        '    <User guid="088B08AC-D5CD-4ADB-8B71-B4F3459C1770" name="Élodie Marchand" />',
        '    <User guid="C32A2BD5-537F-4838-8B17-DF9EFBAFDF40" name="ATLAS.ti" />',
        "  </Users>",
        "  <CodeBook>",
        "    <Codes>",
        '      <Code guid="A182CD3A-D83C-4D8C-BC80-26D9103EC6D0" name="Confiance" '
        'isCodable="true">',
        '        <Code guid="2D2466F0-D77F-4F8C-BDF9-628966B6B740" name="médecin traitant" '
        'isCodable="true" />',
        '        <Code guid="086AC733-7B1C-4749-A138-D7182F63A5C0" name="« mon espace santé »" '
        'isCodable="true" />',
        "      </Code>",
        "    </Codes>",
        "  </CodeBook>",
        "</Project>",
    ]
    return "\r\n".join(lines) + "\r\n"


def test_atlas_style_project(cli: Cli, empty: Path, tmp_path: Path) -> None:
    qde = atlas_style_qde().encode("utf-8")
    assert schema_errors(qde, "project") == []  # as valid as the real export
    result = cli("--db", str(empty), "import", str(make_qdpx(tmp_path / "a.qdpx", qde)))
    assert result.code == 0, result.err
    assert "codes 3 added" in result.out
    assert rows(empty, "SELECT name FROM coder ORDER BY name") == [("ATLAS.ti",),
                                                                   ("Élodie Marchand",)]
    assert code_tree(empty) == [("Confiance", None), ("médecin traitant", "Confiance"),
                                ("« mon espace santé »", "Confiance")]


def check_nvivo_like(cli: Cli, empty: Path, qde_bytes: bytes, qdpx: Path) -> None:
    """Expected figures read from the file itself: codes, repeated names, tree depth."""
    qde = ET.fromstring(qde_bytes)
    names = [c.get("name") for c in qde.iter(f"{NS}Code")]
    repeated = {n for n in names if names.count(n) > 1}
    assert repeated
    result = cli("--db", str(empty), "import", str(qdpx))
    assert result.code == 0, result.err
    assert rows(empty, "SELECT COUNT(*) FROM code") == [(len(names),)]
    assert f"codes {len(names)} added" in result.out
    for name in repeated:  # renamed, and said so
        assert f"code {name!r} renamed" in result.out
    assert "not imported: 2 file(s) of the archive not read" in result.out  # the .docx files
    assert ".root" not in result.out  # an empty marker file is not worth a line
    users = sorted(u.get("name") or "" for u in qde.iter(f"{NS}User"))
    assert rows(empty, "SELECT name FROM coder ORDER BY name") == [(u,) for u in users]
    assert rows(empty, "SELECT COUNT(*), COUNT(text) FROM source") == [(2, 2)]
    depth = rows(empty, "WITH RECURSIVE t(id, d) AS (SELECT id, 0 FROM code WHERE parent_id "
                        "IS NULL UNION ALL SELECT c.id, d + 1 FROM code c JOIN t ON c.parent_id "
                        "= t.id) SELECT MAX(d) FROM t")

    def deepest(el: ET.Element, level: int) -> int:
        return max([deepest(c, level + 1) for c in el.findall(f"{NS}Code")], default=level)

    codes = qde.find(f"{NS}CodeBook/{NS}Codes")
    assert codes is not None
    assert depth == [(deepest(codes, -1),)]


def test_nvivo_project_sample(cli: Cli, empty: Path, examples: Path) -> None:
    check_nvivo_like(cli, empty, (examples / "nvivo-mac-15.0.0_qc-project.qde").read_bytes(),
                     examples / "nvivo-mac-15.0.0_qc-project.qdpx")


def qc_guid(name: str) -> str:
    """GUIDs as the `qc` tool makes them (then kept by NVivo): every byte an ASCII hex digit,
    no RFC 4122 version, lower case."""
    return str(UUID(bytes=hashlib.md5(name.encode()).hexdigest()[:16].encode()))


def nvivo_style_qdpx(path: Path) -> tuple[bytes, Path]:
    """What NVivo for Mac 15 writes: one line, `standalone="no"`, `basePath=""`, users with
    an `id`, a three-level tree repeating names in different branches, each source as an
    internal `.txt` (one newline: empty documents) plus a `.docx`, and `sources/.root`."""
    user, other = qc_guid("user"), qc_guid("other")

    def code(name: str, branch: str, inner: str = "") -> str:
        guid = qc_guid(f"{branch}/{name}")
        return (f'<Code guid="{guid}" isCodable="true" name="{name}">{inner}</Code>' if inner
                else f'<Code guid="{guid}" isCodable="true" name="{name}"/>')

    tree = code("thèmes", "", code("compétences", "t", code("programmation", "c")
                                   + code("citoyenneté", "c"))
                + code("éducation", "t", code("citoyenneté", "e") + code(
                    "réussite", "e", code("programmation", "r"))))
    docs = [qc_guid("doc1"), qc_guid("doc2")]
    sources = "".join(
        f'<TextSource creatingUser="{user}" creationDateTime="2024-09-15T15:36:47Z" guid="{d}" '
        f'name="{qc_guid(d)}" plainTextPath="internal://{d}.txt" '
        f'richTextPath="internal://{d}.docx"/>' for d in docs)
    qde = ('<?xml version="1.0" encoding="UTF-8" standalone="no" ?><Project basePath="" '
           f'creatingUserGUID="{user}" name="qc project" origin="NVivo for Mac 15.0.0" '
           'xmlns="urn:QDA-XML:project:1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-'
           'instance" xsi:schemaLocation="urn:QDA-XML:project:1.0 Project.xsd"><Users>'
           f'<User guid="{user}" id="LM" name="léa"/><User guid="{other}" id="M" name="marc"/>'
           f"</Users><CodeBook><Codes>{tree}</Codes></CodeBook><Sources>{sources}</Sources>"
           "</Project>").encode()
    files = {f"sources/{d}.txt": b"\n" for d in docs}
    files |= {f"sources/{d}.docx": b"PK\x05\x06" + bytes(18) for d in docs}
    files["sources/.root"] = b""
    return qde, make_qdpx(path, qde, files)


def test_nvivo_style_project(cli: Cli, empty: Path, tmp_path: Path) -> None:
    qde, qdpx = nvivo_style_qdpx(tmp_path / "n.qdpx")
    assert schema_errors(qde, "project") == []  # as valid as the real export
    check_nvivo_like(cli, empty, qde, qdpx)


ATLAS_STYLE_QDC = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:QDA-XML\
:codebook:0:4 Codebook.xsd" origin="ATLAS.ti Win 23.4.0" xmlns="urn:QDA-XML:codebook:1.0">
  <Codes>
    <Code guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55290" name="écoute" color="#46AA00" \
isCodable="true">
      <Description>se sentir entendu</Description>
    </Code>
  </Codes>
  <Sets>
    <Set name="groupe « relation »" guid="ECA18D76-2B8B-4F26-BC1D-19ECA19FB3F0">
      <Description>catégorie 1</Description>
      <MemberCode guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55290" />
    </Set>
  </Sets>
</CodeBook>
"""


@pytest.mark.parametrize("origin", ["shared", "repository"])
def test_atlas_codebook(cli: Cli, empty: Path, tmp_path: Path,
                        shared: Callable[[str], Path], origin: str) -> None:
    """ATLAS.ti's `.qdc`: an old namespace in schemaLocation, a colour, a set of codes."""
    if origin == "shared":
        qdc = shared("refi-qda/examples/atlasti-win-23.4.0_codebook.qdc")
        code, group = ("code1", "#46AA00", "description"), "code group 1"
    else:
        qdc = tmp_path / "book.qdc"
        qdc.write_text(ATLAS_STYLE_QDC, encoding="utf-8")
        code, group = ("écoute", "#46AA00", "se sentir entendu"), "groupe « relation »"
    assert schema_errors(qdc.read_bytes(), "codebook") == []
    result = cli("--db", str(empty), "codebook", "import", str(qdc))
    assert result.code == 0, result.err
    assert "1 codes added" in result.out
    assert f"not imported: 1 set(s) of codes (e.g. {group!r})" in result.out
    assert rows(empty, "SELECT name, color, description FROM code") == [code]


@pytest.mark.parametrize(("namespace", "warned"), [
    ('xmlns="urn:QDA-XML:codebook:1.0"', False),
    ('xmlns="urn:QDA-XML:codebook:0:4"', True),
    ("", True),
])
def test_codebook_namespaces_are_read_leniently(cli: Cli, empty: Path, tmp_path: Path,
                                                namespace: str, warned: bool) -> None:
    qdc = tmp_path / "t.qdc"
    qdc.write_text(f'<CodeBook {namespace}><Codes><Code guid="{{1ff58b12-6f6f-4b0c-8bbe-'
                   f'bdc91f55294a}}" name="écoute" isCodable="True" color="rgb(255, 0, 16)">'
                   '<Code guid="1FF58B12-6F6F-4B0C-8BBE-BDC91F55294B" name="fine" '
                   'isCodable="1" color="#0f08"/></Code></Codes></CodeBook>', encoding="utf-8")
    result = cli("--db", str(empty), "codebook", "import", str(qdc))
    assert result.code == 0, result.err
    assert ("warning:" in result.out) is warned
    assert rows(empty, "SELECT name, color FROM code ORDER BY id") == [("écoute", "#FF0010"),
                                                                       ("fine", "#00ff00")]


USER = "8A1F0C52-6B8E-4C84-9B53-0D7A3B0B3E01"
CODE = "5B7E1C0A-2222-4A2B-9C3D-4E5F6A7B8C9D"


def project(origin: str, sources: str, extra: str = "", cases: str = "") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" '
            f'name="p" origin="{origin}"><Users><User guid="{USER}" name="Léa"/></Users>'
            f'<CodeBook><Codes><Code guid="{CODE}" name="snacks" isCodable="true"/></Codes>'
            f"</CodeBook>{cases}<Sources>{sources}</Sources>{extra}</Project>")


def source(guid: str, selections: list[tuple[int, int, str | None]], name: str = "interview.txt",
           tail: str = "") -> str:
    sels = "".join(
        f'<PlainTextSelection guid="{guid[:-4]}{i:04X}" startPosition="{s}" endPosition="{e}"'
        + (f' name="{n}"' if n is not None else "")
        + f'><Coding guid="{guid[:-4]}{i + 100:04X}" creatingUser="{USER}" '
        f'creationDateTime="2019-03-01T10:00:00Z"><CodeRef targetGUID="{CODE}"/></Coding>'
        "</PlainTextSelection>" for i, (s, e, n) in enumerate(selections))
    return (f'<TextSource guid="{guid}" name="{name}" plainTextPath="internal://{guid}.txt">'
            f"{sels}{tail}</TextSource>")


GUID = "9D8C7B6A-5555-4A2B-9C3D-4E5F6A7B8C9D"
A2 = "I love all sorts of snacks: nuts, crisps and a good bowl of " + "« granola » the best"


def quotes(cli: Cli, db: Path) -> list[tuple[str, str, dict[str, list[str]]]]:
    return [(q["speaker"], q["text"], q["codes"])
            for q in cli("--db", str(db), "quotes", "--json").json()]


def test_half_open_code_point_positions(cli: Cli, empty: Path, tmp_path: Path) -> None:
    start = A2.index("granola")
    assert (start, start + 7) == (62, 69)  # the numbers of the spec's Annex A.2
    qdpx = make_qdpx(tmp_path / "a.qdpx", project("ATLAS.ti 8.4", source(GUID, [
        (62, 69, "granola")])), {f"sources/{GUID}.txt": A2.encode()})
    result = cli("--db", str(empty), "import", str(qdpx))
    assert result.code == 0, result.err
    assert quotes(cli, empty) == [("unattributed", "granola", {"Léa": ["snacks"]})]
    assert rows(empty, "SELECT substr(created_at, 1, 19) FROM coding") == [
        ("2019-03-01 10:00:00",)]


TEXT = "Première ligne.\r\nDeuxième : le granola, oui.\r\nTroisième."


@pytest.mark.parametrize(("origin", "crlf_as", "named"), [
    ("NVivo 12", 2, True), ("NVivo 12", 2, False), ("ATLAS.ti 23", 1, True),
    ("ATLAS.ti 23", 1, False), ("MAXQDA 2022", 1, True),  # the names settle it
])
def test_crlf_conventions(cli: Cli, empty: Path, tmp_path: Path, origin: str, crlf_as: int,
                          named: bool) -> None:
    counted = TEXT if crlf_as == 2 else TEXT.replace("\r\n", "\n")
    start = counted.index("granola")
    second = counted.index("Troisième")
    sels = [(start, start + 7, "granola" if named else None),
            (second, second + 9, "Troisième" if named else None)]
    qdpx = make_qdpx(tmp_path / "c.qdpx", project(origin, source(GUID, sels)),
                     {f"Sources/{GUID}.TXT": TEXT.encode()})  # folder case varies
    result = cli("--db", str(empty), "import", str(qdpx))
    assert result.code == 0, result.err
    assert [q[1] for q in quotes(cli, empty)] == ["granola", "Troisième"]
    assert rows(empty, "SELECT text FROM source") == [(TEXT.replace("\r\n", "\n"),)]


def test_bom_counted_by_the_tool(cli: Cli, empty: Path, tmp_path: Path) -> None:
    text = "\ufeffBonjour « granola » !"
    start = text.index("granola")
    qdpx = make_qdpx(tmp_path / "b.qdpx", project("Tool", source(GUID, [
        (start, start + 7, "granola")])), {f"sources/{GUID}.txt": text.encode()})
    assert cli("--db", str(empty), "import", str(qdpx)).code == 0
    assert [q[1] for q in quotes(cli, empty)] == ["granola"]


def test_cases_notes_and_what_has_no_place(cli: Cli, empty: Path, tmp_path: Path) -> None:
    var = "0F0F0F0F-3333-4A2B-9C3D-4E5F6A7B8C9D"
    note = "CD000000-8888-4A2B-9C3D-4E5F6A7B8C9D"
    sel_guid = GUID[:-4] + "0000"
    cases = (f'<Variables><Variable guid="{var}" name="âge" typeOfVariable="Integer"/>'
             f'</Variables><Cases><Case guid="0F0F0F0F-4444-4A2B-9C3D-4E5F6A7B8C9D" name="Marie">'
             f'<VariableValue><VariableRef targetGUID="{var}"/><IntegerValue>42</IntegerValue>'
             f'</VariableValue><SelectionRef targetGUID="{sel_guid}"/></Case></Cases>')
    tail = (f'<Coding guid="AB000000-7777-4A2B-9C3D-4E5F6A7B8C9D"><CodeRef targetGUID="{CODE}"/>'
            "</Coding>")
    body = source(GUID, [(62, 69, "granola"), (0, 6, "I love"), (60, 999, None)], tail=tail)
    body = body.replace("</PlainTextSelection>", f'<NoteRef targetGUID="{note}"/>'
                        "</PlainTextSelection>", 1)
    extra = (f'<Notes><Note guid="{note}" name="m" creatingUser="{USER}"><PlainTextContent>'
             "Très « sucré »</PlainTextContent></Note><Note guid="
             '"CD000000-9999-4A2B-9C3D-4E5F6A7B8C9D" name="loose"><PlainTextContent>x'
             "</PlainTextContent></Note></Notes><Sets><Set guid="
             f'"EC000000-8888-4A2B-9C3D-4E5F6A7B8C9D" name="s"><MemberCode targetGUID="{CODE}"/>'
             "</Set></Sets>")
    picture = ('<PictureSource guid="EE000000-8888-4A2B-9C3D-4E5F6A7B8C9D" name="photo.jpg" '
               'path="internal://photo.jpg"/>')
    qdpx = make_qdpx(tmp_path / "x.qdpx", project("Other 1.0", body + picture, extra, cases),
                     {f"sources/{GUID}.txt": A2.encode(), "sources/photo.jpg": b"\xff\xd8jpg"})
    result = cli("--db", str(empty), "import", str(qdpx))
    assert result.code == 0, result.err
    out = result.out
    for expected in ("1 PictureSource element(s)", "in <Sets>", "coding(s) of the whole source",
                     "selection 60-999", "1 note(s) attached to no quote", "e.g. sources/photo"):
        assert expected in out, (expected, out)
    assert all(line.startswith(str(qdpx)) for line in out.splitlines())
    # the case claims "granola" (speaker Marie); "I love" is unclaimed, outside any claimed
    # quote, so it is a quote of its own
    assert sorted(quotes(cli, empty)) == [("Marie", "granola", {"Léa": ["snacks"]}),
                                          ("unattributed", "I love", {"Léa": ["snacks"]})]
    assert rows(empty, "SELECT label, attributes FROM participant ORDER BY label") == [
        ("Marie", '{"\\u00e2ge": 42}'), ("unattributed", "{}")]
    assert rows(empty, "SELECT m.text, k.name FROM memo m JOIN coder k ON k.id = m.coder_id") \
        == [("Très « sucré »", "Léa")]


def test_a_project_is_imported_alone(cli: Cli, empty: Path, tmp_path: Path) -> None:
    qdpx = make_qdpx(tmp_path / "a.qdpx", project("T", source(GUID, [(62, 69, None)])),
                     {f"sources/{GUID}.txt": A2.encode()})
    table = tmp_path / "t.csv"
    table.write_text("group,speaker,text\nG1,P1,oui\n", encoding="utf-8")
    result = cli("--db", str(empty), "import", str(qdpx), str(table))
    assert result.code == 1 and "alone" in result.err
    renamed = tmp_path / "a.zip"
    renamed.write_bytes(qdpx.read_bytes())
    result = cli("--db", str(empty), "import", "--format", "qdpx", str(renamed))
    assert result.code == 0, result.err
    assert [q[1] for q in quotes(cli, empty)] == ["granola"]


def test_groups_must_fit_an_existing_design(cli: Cli, tmp_path: Path) -> None:
    from .conftest import REPO

    db = tmp_path / "d.db"
    assert cli("--db", str(db), "init", "--study", str(REPO / "data/study.toml")).code == 0
    qdpx = make_qdpx(tmp_path / "a.qdpx", project("T", source(GUID, [(62, 69, None)])),
                     {f"sources/{GUID}.txt": A2.encode()})
    result = cli("--db", str(db), "import", str(qdpx))
    assert result.code == 1
    assert result.err.startswith(f"qualcode: {qdpx}: unknown group 'interview'")
    assert rows(db, "SELECT COUNT(*) FROM quote") == [(0,)]
