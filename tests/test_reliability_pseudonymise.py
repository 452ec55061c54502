"""Pseudonymisation: names and their variants go, ordinary words stay, offsets hold,
and no output, journal or byte of the project file keeps a mapped name."""

from __future__ import annotations

import html
import re
import sqlite3
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import openpyxl
import pytest
from sqlalchemy import text as sql

from qualcode.db.engine import open_project
from qualcode.importers.base import ParsedSource, ParsedTurn, content_hash
from qualcode.search.normalise import fold
from qualcode.services import coding
from qualcode.services.imports import write_source
from qualcode.services.pseudonymise import Entry, Matcher, load_map

from .conftest import Cli, table_project
from .test_cli_import_and_code import dump

MAP = ("name,pseudonym\nHélène Martin,Paule Roux\nHélène,Paule\nKarim,Samir\nMarie,Léa\n"
       "Jean-Pierre,Luc\n")
REAL_NAMES = ("Hélène", "Martin", "Karim", "Marie", "Jean-Pierre")
TABLE = (
    "group,speaker,text\n"
    "G1,Hélène Martin,\"Moi c'est Hélène, et ma sœur Marie travaille à la mairie.\"\n"
    "G1,KARIM,\"Comme disait Helene tout à l'heure, le docteur a appelé Karim.\"\n"
    "G2,P3,\"J'ai vu Hèlene et Kariim au cabinet. Claire aussi, c'est clair.\"\n"
    "G2,P4,\"Mairie fermée le lundi. Il est marié, une pierre à l'édifice.\"\n"
    "G2,P5,\"« Jean-Pierre » m’a dit : JEAN PIERRE s’en occupe.\"\n"
)
TRANSCRIPT_TURNS = [("ANIMATRICE", "Bonjour à tous."),
                    ("HÉLÈNE", "Bonjour, je suis Hélène Martin."),
                    ("KARIM", "Et moi Karim, le voisin de Marie.")]


def _transcript() -> ParsedSource:
    body, turns = "", []
    for label, said in TRANSCRIPT_TURNS:
        body += f"{label} : "
        turns.append(ParsedTurn(speaker=label, text=said, start=len(body),
                                end=len(body) + len(said), is_moderator=label == "ANIMATRICE"))
        body += said + "\n"
    return ParsedSource(name="G3 Karim.txt", format="txt", kind="transcript",
                        content_hash=content_hash(body), turns=turns, text=body)


@pytest.fixture
def project(cli: Cli, tmp_path: Path) -> Path:
    db = table_project(cli, tmp_path, TABLE)
    p = open_project(str(db))
    with p.write() as session:
        write_source(session, "G3 Karim.txt", _transcript(), group="G3", coder="tester")
    with p.write() as session:
        karim = session.execute(sql("SELECT id, text FROM quote WHERE text LIKE 'Et moi%'")).one()
        start = karim[1].index("le voisin")
        coding.apply_codes(session, quote_id=karim[0], codes=["caregiving"], coder="tester",
                           span=(start, len(karim[1]) - 1), memo="Karim aide Marie")
        coding.set_memo(session, quote_id=karim[0], coder="tester", text="Hélène semble inquiète")
    p.close()
    (tmp_path / "map.csv").write_text(MAP, encoding="utf-8")
    return db


def _bare(text: str) -> str:
    """Accents dropped, case kept: "Hélène" and "Helene" look alike, "marié" stays lowercase."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _mentions(text: str) -> list[str]:
    """Mapped names (and the variants in the data) still readable in a text, as names."""
    bare = _bare(text)
    found = []
    for name in (*REAL_NAMES, "Kariim", "Jean Pierre"):
        plain = _bare(name)
        for form in (plain, plain.upper()):
            if re.search(rf"(?<!\w){re.escape(form)}(?!\w)", bare):
                found.append(form)
    return found


def test_dry_run_lists_every_replacement_and_writes_nothing(cli: Cli, project: Path) -> None:
    events = "SELECT COUNT(*) FROM event"
    before = dump(project), sqlite3.connect(project).execute(events).fetchone()
    result = cli("--db", str(project), "pseudonymise", "--map", "map.csv", "--dry-run")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert "speaker 'Hélène Martin' of G1: 'Hélène Martin' → 'Paule Roux'" in result.out
    assert "speaker 'KARIM' of G1: 'KARIM' → 'SAMIR'" in result.out
    assert any("'Helene' → 'Paule'" in line for line in lines)
    assert any("'Kariim' → 'Samir' (variant)" in line for line in lines)
    assert any("'Hèlene' → 'Paule'" in line for line in lines)
    assert any(line.startswith("transcript 'G3 Karim.txt': 'Hélène Martin'") for line in lines)
    assert "nothing was written" in lines[-1]
    after = dump(project), sqlite3.connect(project).execute(events).fetchone()
    assert after == before


def test_names_and_variants_replaced_ordinary_words_kept(cli: Cli, project: Path) -> None:
    result = cli("--db", str(project), "pseudonymise", "--map", "map.csv")
    assert result.code == 0, result.err
    quotes = {q["text"]: q for q in cli("--db", str(project), "quotes", "--json").json()}
    assert "Moi c'est Paule, et ma sœur Léa travaille à la mairie." in quotes
    assert quotes["Moi c'est Paule, et ma sœur Léa travaille à la mairie."]["speaker"] == (
        "Paule Roux")
    assert "Comme disait Paule tout à l'heure, le docteur a appelé Samir." in quotes
    assert "J'ai vu Paule et Samir au cabinet. Claire aussi, c'est clair." in quotes
    assert "Mairie fermée le lundi. Il est marié, une pierre à l'édifice." in quotes
    assert "« Luc » m’a dit : LUC s’en occupe." in quotes
    speakers = {q["speaker"] for q in quotes.values()}
    assert {"SAMIR", "PAULE", "Paule Roux"} <= speakers and "KARIM" not in speakers


def test_transcript_offsets_and_coding_spans_follow_the_new_text(cli: Cli,
                                                                 project: Path) -> None:
    assert cli("--db", str(project), "pseudonymise", "--map", "map.csv").code == 0
    conn = sqlite3.connect(project)
    (body,) = conn.execute("SELECT text FROM source WHERE kind = 'transcript'").fetchone()
    assert body == ("ANIMATRICE : Bonjour à tous.\nPAULE : Bonjour, je suis Paule Roux.\n"
                    "SAMIR : Et moi Samir, le voisin de Léa.\n")
    rows = conn.execute('SELECT start, "end", text FROM quote WHERE start IS NOT NULL'
                        " ORDER BY position").fetchall()
    assert [t for *_, t in rows] == ["Bonjour à tous.", "Bonjour, je suis Paule Roux.",
                                     "Et moi Samir, le voisin de Léa."]
    for start, end, text in rows:
        assert body[start:end] == text
    span = conn.execute("SELECT q.text, c.span_start, c.span_end, c.memo FROM coding c "
                        "JOIN quote q ON q.id = c.quote_id WHERE c.span_start IS NOT NULL"
                        ).fetchone()
    assert span[0][span[1]:span[2]] == "le voisin de Léa"
    assert span[3] == "Samir aide Léa"


Output = Callable[[Cli, str, Path, str], str]
"""Makes one output of the project (`tag` keeps the files made before and after apart)."""


def _zip_text(path: Path) -> str:
    """Every entry of a zip (REFI-QDA, xlsx, docx) as text: tags made spaces, entities and
    character references decoded, so `H&#233;l&#232;ne` is read as the name it spells."""
    with zipfile.ZipFile(path) as archive:
        return "\n".join(html.unescape(re.sub(r"<[^>]*>", " ", archive.read(entry).decode(
            "utf-8", "replace"))) for entry in archive.namelist())


def _xlsx_text(path: Path) -> str:
    """What a spreadsheet shows, as openpyxl decodes it (a name is never split there)."""
    book = openpyxl.load_workbook(path, read_only=True)
    cells = [str(v) for sheet in book.worksheets
             for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    return "\n".join([*book.sheetnames, *cells, _zip_text(path)])


def _docx_text(path: Path) -> str:
    """What a document shows, as python-docx joins its runs (XML may split a name)."""
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in (*section.header.paragraphs, *section.footer.paragraphs)]
    parts.append(document.core_properties.title or "")
    return "\n".join([*parts, _zip_text(path)])


def _report_file(fmt: str) -> Output:
    read = {"xlsx": _xlsx_text, "docx": _docx_text}.get(
        fmt, lambda path: path.read_text(encoding="utf-8"))

    def make(cli: Cli, db: str, folder: Path, tag: str) -> str:
        target = folder / f"report-{tag}.{fmt}"
        result = cli("--db", db, "report", "--format", fmt, "-o", str(target))
        assert result.code == 0, result.err
        return read(target)

    return make


def _qdpx(cli: Cli, db: str, folder: Path, tag: str) -> str:
    target = folder / f"project-{tag}.qdpx"
    result = cli("--db", db, "export", str(target))
    assert result.code == 0, result.err
    return _zip_text(target)


def _codebook(cli: Cli, db: str, folder: Path, tag: str) -> str:
    assert cli("--db", db, "codebook", "export", f"cb-{tag}.yaml").code == 0
    return (folder / f"cb-{tag}.yaml").read_text(encoding="utf-8")


def _says(*args: str) -> Output:
    def make(cli: Cli, db: str, folder: Path, tag: str) -> str:
        result = cli("--db", db, *args)
        assert result.code == 0, result.err
        return result.out

    return make


OUTPUTS: dict[str, tuple[Output, bool]] = {
    # name: (how to make it, whether it shows the names before pseudonymisation)
    "quotes --json": (_says("quotes", "--json"), True),
    "quotes": (_says("quotes"), True),
    "log": (_says("log"), True),
    "search NAME --json": (_says("search", "Karim", "--json"), True),
    "search PSEUDONYM --json": (_says("search", "Samir", "--json"), False),
    "suggest --json": (_says("suggest", "--json"), False),
    "duplicates": (_says("duplicates"), True),
    "duplicates --json": (_says("duplicates", "--json"), False),
    "agreement --format json": (_says("agreement", "--format", "json", "--by-group"), False),
    "agreement --format md": (_says("agreement", "--format", "md", "--by-group"), False),
    "report (stdout json)": (_says("report", "--format", "json"), True),
    **{f"report --format {fmt}": (_report_file(fmt), fmt != "csv")  # csv: counts only
       for fmt in ("json", "md", "csv", "html", "xlsx", "docx")},
    "export FILE.qdpx": (_qdpx, True),
    "codebook export": (_codebook, False),
}
NEAR_DUPLICATE = ("group,speaker,text\n"
                  "G2,P6,\"J'ai vu Hèlene et Kariim au cabinet. Claire aussi, c'est clair !\"\n")


@pytest.fixture
def coded(cli: Cli, project: Path, tmp_path: Path) -> Path:
    """Two coders have coded the quotes that name people (for the agreement and the report's
    verbatims), and one of them was imported twice (for the duplicates)."""
    (tmp_path / "again.csv").write_text(NEAR_DUPLICATE, encoding="utf-8")
    assert cli("--db", str(project), "import", "again.csv").code == 0
    quotes = cli("--db", str(project), "quotes", "--json").json()
    for n, quote in enumerate(q for q in quotes if _mentions(q["text"] + q["speaker"])):
        for coder, code in (("ana", "caregiving"), ("ben", "caregiving" if n % 2 else "hacking")):
            result = cli("--db", str(project), "--coder", coder, "code", str(quote["id"]), code)
            assert result.code == 0, result.err
    return project


@pytest.mark.parametrize("output", OUTPUTS)
def test_no_output_keeps_a_mapped_name(cli: Cli, coded: Path, tmp_path: Path,
                                       output: str) -> None:
    make, shows_names = OUTPUTS[output]
    db = str(coded)
    before = make(cli, db, tmp_path, "before")
    if shows_names:  # the check below can see names when they are there
        assert _mentions(before), before[:2000]
    assert cli("--db", db, "pseudonymise", "--map", "map.csv").code == 0
    after = make(cli, db, tmp_path, "after")
    assert _mentions(after) == [], after[:2000]


def test_search_finds_the_pseudonyms(cli: Cli, coded: Path) -> None:
    """After pseudonymisation the quotes are found under the new names, not the old."""
    db = str(coded)
    assert cli("--db", db, "pseudonymise", "--map", "map.csv").code == 0
    found = cli("--db", db, "search", "Samir", "--json").json()
    assert {"Comme disait Paule tout à l'heure, le docteur a appelé Samir.",
            "Et moi Samir, le voisin de Léa."} <= {hit["text"] for hit in found}
    assert cli("--db", db, "search", "Karim", "--json").json() == []


def test_map_never_enters_the_project_file(cli: Cli, project: Path) -> None:
    """Even with a workbench holding the project open (so the write-ahead log is not
    simply deleted on close), neither the file nor its log keeps the old texts."""
    workbench = sqlite3.connect(project)
    workbench.execute("SELECT COUNT(*) FROM quote").fetchone()
    result = cli("--db", str(project), "pseudonymise", "--map", "map.csv")
    assert result.code == 0 and result.err == ""
    blob = b"".join(Path(f"{project}{s}").read_bytes() for s in ("", "-wal", "-shm")
                    if Path(f"{project}{s}").exists())
    workbench.close()
    for name in (*REAL_NAMES, "Helene", "Hèlene", "Kariim", "KARIM", "HÉLÈNE"):
        for form in {name, name.upper(), fold(name)}:
            for encoded in (form.encode("utf-8"), form.encode("unicode_escape")):
                assert encoded not in blob, form
    (payload,) = sqlite3.connect(project).execute(
        "SELECT payload FROM event WHERE action = 'pseudonymise'").fetchone()
    assert '"names": 5' in payload


def test_clashing_pseudonyms_refused_in_one_line_nothing_written(cli: Cli, project: Path,
                                                                 tmp_path: Path) -> None:
    clash = tmp_path / "clash.csv"
    clash.write_text("name,pseudonym\nHélène Martin,ANNE\nKarim,Anne\n", encoding="utf-8")
    before = dump(project)
    result = cli("--db", str(project), "pseudonymise", "--map", str(clash))
    assert result.code == 1
    assert result.err.count("\n") == 1 and "would both become 'ANNE'" in result.err
    assert dump(project) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("nom,pseudo\nA,B\n", "map.csv:1: the map's header must be `name,pseudonym`"),
        ("name,pseudonym\nAnne\n", "map.csv:2: expected 2 fields"),
        ("name,pseudonym\nAnne,\n", "map.csv:2: a name and its pseudonym must both be given"),
        ("name,pseudonym\nAnne,B\nanne,C\n", "map.csv:3: this name is already mapped at line 2"),
        ("name,pseudonym\n", "map.csv: the map has no names"),
    ],
)
def test_bad_maps(cli: Cli, project: Path, content: str, message: str) -> None:
    Path("map.csv").write_text(content, encoding="utf-8")
    result = cli("--db", str(project), "pseudonymise", "--map", "map.csv")
    assert result.code == 1 and result.err.count("\n") == 1 and message in result.err


def _matcher() -> Matcher:
    entries = [Entry(n, p, tuple(fold(w) for w in re.findall(r"[^\W\d_]+", n)))
               for n, p in [("Marie", "Léa"), ("Pierre", "Paul"), ("Claire", "Inès"),
                            ("Dupont", "Durand"), ("Rose", "Iris")]]
    return Matcher(entries)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("La mairie est fermée.", []),
        ("Mairie fermée le lundi.", []),  # a capital at a sentence start proves nothing
        ("Il est marié depuis peu.", []),
        ("une pierre, une rose, une eau claire", []),
        ("C'est clair. Claire est venue.", ["Claire"]),
        ("Il a épousé Marie hier.", ["Marie"]),
        ("Il a épousé MARIE hier.", ["MARIE"]),
        ("Il a vu Mme Dupond.", ["Dupond"]),  # one letter off: a spelling variant
        ("Il a vu Mme Dupuis.", []),
        ("Pierre est là. Marine aussi.", ["Pierre"]),
        ("Avec Marine aussi.", ["Marine"]),  # one letter off a mapped name, mid-sentence
        ("Rose est venue.", ["Rose"]),  # exact (accent-folded) names count anywhere
    ],
)
def test_matcher_false_positives_and_variants(text: str, found: list[str]) -> None:
    assert [h.found for h in _matcher().find(text) if not h.doubtful] == found


def test_ordinary_words_in_lower_case_are_listed_not_replaced() -> None:
    hits = _matcher().find("une pierre, une rose, une eau claire; il est marié")
    assert [(h.found, h.doubtful) for h in hits] == [
        ("pierre", True), ("rose", True), ("claire", True)]  # "marié" is another word


def test_map_loader_sorts_longer_names_first(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("\ufeffname,pseudonym\nMarie,A\nMarie Dupont,B\n", encoding="utf-8")
    assert [e.name for e in load_map(path)] == ["Marie Dupont", "Marie"]
