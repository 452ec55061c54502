"""REFI-QDA files shaped like the real programs' (issue 18), written by the tests: NVivo's
UTF-16 positions, one selection per coding, ATLAS.ti quotation comments, grouping codes,
sources without a name, imports into a study, and what other readers need in ours."""

from __future__ import annotations

import os
import re
import sqlite3
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import Cli
from .refi_support import copy_project, empty_project, make_qdpx, run

USERS = {"U1": "1b0b1791-be46-4557-9957-7333544cfaf2", "U2": "39633935-3331-3962-6632-373436373264"}
CODES = {"joie": "34653336-3766-3235-6466-363134396437",
         "prix": "31366536-3938-3831-6231-633830313036",
         "ton": "36636563-3863-6264-3638-303637613863"}
SOURCE = "9d8c7b6a-5555-4a2b-9c3d-4e5f6a7b8c9d"


def units(text: str, pos: int) -> int:
    """What NVivo writes for code point `pos`: UTF-16 code units before it."""
    return len(text[:pos].encode("utf-16-le")) // 2


@dataclass
class Sel:
    start: int
    end: int
    codes: list[tuple[str, str]]  # (code name, user key)
    name: str | None = None
    description: str | None = None
    notes: list[str] = field(default_factory=list)
    coding_notes: list[str] = field(default_factory=list)
    user: str | None = None


def qde(origin: str, sels: list[Sel], *, source_name: str | None = "comments.txt",
        codes: str | None = None, notes: dict[str, str] | None = None, cases: str = "",
        path: str | None = None) -> str:
    body = []
    for i, s in enumerate(sels):
        attrs = f'guid="aa000000-0000-4000-8000-{i:012x}" startPosition="{s.start}" ' \
                f'endPosition="{s.end}"'
        if s.name is not None:
            attrs += f' name="{s.name}"'
        if s.user:
            attrs += f' creatingUser="{USERS[s.user]}"'
        inner = f"<Description>{s.description}</Description>" if s.description else ""
        for j, (code, user) in enumerate(s.codes):
            refs = "".join(f'<NoteRef targetGUID="{n}"/>' for n in s.coding_notes)
            inner += (f'<Coding guid="bb000000-0000-4000-8000-{i:06x}{j:06x}" '
                      f'creatingUser="{USERS[user]}" creationDateTime="2024-09-15T15:36:45Z">'
                      f'<CodeRef targetGUID="{CODES[code]}"/>{refs}</Coding>')
        inner += "".join(f'<NoteRef targetGUID="{n}"/>' for n in s.notes)
        body.append(f"<PlainTextSelection {attrs}>{inner}</PlainTextSelection>")
    named = f' name="{source_name}"' if source_name is not None else ""
    where = path or f"internal://{SOURCE}.txt"
    users = "".join(f'<User guid="{g}" name="{k.lower()}"/>' for k, g in USERS.items())
    codebook = codes if codes is not None else "".join(
        f'<Code guid="{g}" name="{n}" isCodable="true"/>' for n, g in CODES.items())
    note_xml = "".join(f'<Note guid="{g}" name="note {g[:4]}" creatingUser="{USERS["U1"]}">'
                       f"<PlainTextContent>{t}</PlainTextContent></Note>"
                       for g, t in (notes or {}).items())
    return ('<?xml version="1.0" encoding="UTF-8" standalone="no" ?>'
            f'<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="{origin}">'
            f"<Users>{users}</Users><CodeBook><Codes>{codebook}</Codes></CodeBook>{cases}"
            f'<Sources><TextSource guid="{SOURCE}"{named} plainTextPath="{where}">'
            f"{''.join(body)}</TextSource></Sources>"
            + (f"<Notes>{note_xml}</Notes>" if note_xml else "") + "</Project>")


def write(tmp_path: Path, xml: str, text: str, name: str = "n.qdpx",
          file: str | None = None) -> Path:
    return make_qdpx(tmp_path / name, xml, {f"sources/{file or SOURCE + '.txt'}":
                                            text.encode("utf-8")})


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return [tuple(r) for r in conn.execute(sql)]


@pytest.fixture
def empty(cli: Cli, tmp_path: Path) -> Path:
    db = tmp_path / "p.db"
    assert cli("--db", str(db), "init").code == 0
    return db


def quote_texts(db: Path) -> list[str]:
    return [str(r[0]) for r in rows(db, "SELECT text FROM quote ORDER BY start, id")]


# --- 1. positions as the producer counts them ------------------------------------------

EMOJI = ("\ufeffJ’adore 😀 ce produit 👍🏽 vraiment.\r\nMais le prix 💸 est élevé, "
         "trop élevé 😤😤.\r\nLe café\u0301 sent bon 🌹 et la cre\u0300me aussi.")
WORDS = ["adore", "ce produit", "vraiment", "le prix", "élevé, trop élevé", "café\u0301",
         "sent bon", "cre\u0300me aussi"]


def nvivo_selections(text: str, *, named: bool, bom_counted: bool = False) -> list[Sel]:
    """One selection per phrase, counted in UTF-16 units of the file as NVivo does."""
    body = text if bom_counted else text.removeprefix("\ufeff")
    out = []
    for word in WORDS:
        at = body.index(word)
        out.append(Sel(units(body, at), units(body, at + len(word)), [("joie", "U1")],
                       name=word if named else None))
    return out


@pytest.mark.parametrize("named", [False, True])
@pytest.mark.parametrize("origin", ["NVivo 12 (Windows)", "NVivo for Mac 15.0.0", "Another"])
def test_nvivo_utf16_positions_give_the_exact_words(cli: Cli, empty: Path, tmp_path: Path,
                                                    named: bool, origin: str) -> None:
    qdpx = write(tmp_path, qde(origin, nvivo_selections(EMOJI, named=named)), EMOJI)
    result = cli("--db", str(empty), "import", str(qdpx))
    assert result.code == 0, result.err
    assert quote_texts(empty) == WORDS
    assert "UTF-16 code units" in result.out
    stored = rows(empty, "SELECT text FROM source")[0][0]
    assert stored == EMOJI.removeprefix("\ufeff").replace("\r\n", "\n")


def test_code_point_positions_stay_code_points(cli: Cli, empty: Path, tmp_path: Path) -> None:
    """QualCoder and ATLAS.ti count code points: the same text is not moved."""
    body = EMOJI.removeprefix("\ufeff")
    sels = [Sel(body.index(w), body.index(w) + len(w), [("joie", "U1")]) for w in WORDS]
    qdpx = write(tmp_path, qde("QualCoder 3.6", sels), body)
    result = cli("--db", str(empty), "import", str(qdpx))
    assert result.code == 0, result.err
    assert quote_texts(empty) == WORDS
    assert "UTF-16" not in result.out


def test_bom_counted_in_utf16_units(cli: Cli, empty: Path, tmp_path: Path) -> None:
    qdpx = write(tmp_path, qde("NVivo 12", nvivo_selections(EMOJI, named=False,
                                                             bom_counted=True)), EMOJI)
    assert cli("--db", str(empty), "import", str(qdpx)).code == 0
    assert quote_texts(empty) == WORDS


def test_export_counts_code_points_or_utf16_units_on_request(cli: Cli, empty: Path,
                                                             tmp_path: Path) -> None:
    qdpx = write(tmp_path, qde("NVivo 12", nvivo_selections(EMOJI, named=False)), EMOJI)
    assert cli("--db", str(empty), "import", str(qdpx)).code == 0
    text = EMOJI.removeprefix("\ufeff").replace("\r\n", "\n")
    for mode, count in (("codepoints", lambda p: p), ("utf16", lambda p: units(text, p))):
        out = tmp_path / f"{mode}.qdpx"
        result = cli("--db", str(empty), "export", str(out), "--positions", mode)
        assert result.code == 0, result.err
        assert "outside the BMP" in result.out
        xml = zipfile.ZipFile(out).read("project.qde").decode()
        for word in WORDS:
            at = text.index(word)
            assert f'startPosition="{count(at)}" endPosition="{count(at + len(word))}"' in xml
        again = tmp_path / f"{mode}.db"
        assert cli("--db", str(again), "init").code == 0
        assert cli("--db", str(again), "import", str(out)).code == 0
        assert quote_texts(again) == WORDS
    bad = cli("--db", str(empty), "export", str(tmp_path / "x.qdpx"), "--positions", "bytes")
    assert bad.code == 1 and len(bad.err.splitlines()) == 1


# --- 2. one stretch, one quote -----------------------------------------------------------

STRETCH = ("Le prix est bien trop élevé pour nous.\nMoi j’adore, vraiment, c’est parfait.\n"
           "Bref.")


def at(word: str) -> tuple[int, int]:
    start = STRETCH.index(word)
    return start, start + len(word)


def codings(db: Path) -> list[tuple[object, ...]]:
    return rows(db, "SELECT q.text, d.name, k.name, c.span_start, c.span_end FROM coding c "
                    "JOIN quote q ON q.id = c.quote_id JOIN code d ON d.id = c.code_id "
                    "JOIN coder k ON k.id = c.coder_id ORDER BY q.start, d.name, k.name")


def test_one_stretch_coded_three_times_is_one_quote(cli: Cli, empty: Path,
                                                    tmp_path: Path) -> None:
    first = "Le prix est bien trop élevé pour nous."
    s, e = at(first)
    sels = [Sel(s, e, [("prix", "U1")]), Sel(s, e, [("ton", "U1")]), Sel(s, e, [("prix", "U2")]),
            Sel(s, e, [("joie", "U2")])]
    qdpx = write(tmp_path, qde("NVivo 12", sels), STRETCH)
    result = cli("--db", str(empty), "import", str(qdpx))
    assert result.code == 0, result.err
    assert "4 selections in 'comments.txt' mapped to 1 quote: 3 with the same range" \
        in result.out
    assert codings(empty) == [(first, "joie", "u2", None, None), (first, "prix", "u1", None, None),
                              (first, "prix", "u2", None, None), (first, "ton", "u1", None, None)]
    dup = cli("--db", str(empty), "duplicates")
    assert dup.code == 0 and first not in dup.out
    agreement = cli("--db", str(empty), "agreement", "--format", "json")
    assert agreement.code == 0, agreement.err
    assert '"prix"' in agreement.out  # both coders on the same quote: compared, not apart


def test_nested_and_overlapping_selections_are_segments(cli: Cli, empty: Path,
                                                        tmp_path: Path) -> None:
    line = "Moi j’adore, vraiment, c’est parfait."
    (ls, le), (ns, ne) = at(line), at("j’adore")
    (os_, oe), (ps, pe) = at("vraiment, c’est"), at("c’est parfait")
    last = at("Bref.")
    sels = [Sel(ls, le, [("joie", "U1")]), Sel(ns, ne, [("ton", "U1")]),
            Sel(os_, oe, [("prix", "U2")]), Sel(ps, pe, [("ton", "U2")]),
            # across a line end: not one turn, two quotes
            Sel(at("nous.")[0], at("Moi j’adore")[1], [("prix", "U1")]),
            Sel(*last, [("joie", "U1")])]
    qdpx = write(tmp_path, qde("ATLAS.ti 23", sels), STRETCH)
    result = cli("--db", str(empty), "import", str(qdpx))
    assert result.code == 0, result.err
    off = STRETCH.index(line)
    assert codings(empty) == [
        ("nous.\nMoi j’adore", "prix", "u1", None, None),
        (line, "joie", "u1", None, None), (line, "prix", "u2", os_ - off, oe - off),
        (line, "ton", "u1", ns - off, ne - off), (line, "ton", "u2", ps - off, pe - off),
        ("Bref.", "joie", "u1", None, None)]
    assert "6 selections in 'comments.txt' mapped to 3 quotes" in result.out


# --- 3. nothing dropped without a word ---------------------------------------------------

NOTE = "cd000000-8888-4a2b-9c3d-4e5f6a7b8c9d"
CODING_NOTE = "cd000000-9999-4a2b-9c3d-4e5f6a7b8c9d"


def test_quotation_comments_and_notes_become_memos(cli: Cli, empty: Path,
                                                   tmp_path: Path) -> None:
    s, e = at("Bref.")
    p, q = at("Le prix est bien trop élevé")
    sels = [Sel(s, e, [("joie", "U1")], description="Très « court », l’air las", user="U2"),
            Sel(p, q, [("prix", "U1")], notes=[NOTE], coding_notes=[CODING_NOTE])]
    xml = qde("ATLAS.ti 23.2.3", sels, notes={NOTE: "À relire", CODING_NOTE: "sûr ?"})
    result = cli("--db", str(empty), "import", str(write(tmp_path, xml, STRETCH)))
    assert result.code == 0, result.err
    assert "1 selection description(s) (quotation comments) kept as memos" in result.out
    assert rows(empty, "SELECT q.text, k.name, m.text FROM memo m JOIN quote q "
                       "ON q.id = m.quote_id JOIN coder k ON k.id = m.coder_id ORDER BY q.start") \
        == [("Le prix est bien trop élevé", "u1", "À relire"),
            ("Bref.", "u2", "Très « court », l’air las")]
    assert rows(empty, "SELECT memo FROM coding WHERE memo IS NOT NULL") == [("sûr ?",)]
    assert "attached to no quote" not in result.out


def test_grouping_codes_are_kept_reported_and_exported_back(cli: Cli, empty: Path,
                                                            tmp_path: Path) -> None:
    codes = (f'<Code guid="{CODES["ton"]}" name="Émotions" isCodable="false">'
             f'<Description>Le dossier</Description>'
             f'<Code guid="{CODES["joie"]}" name="joie" isCodable="true"/></Code>'
             f'<Code guid="{CODES["prix"]}" name="prix" isCodable="true"/>')
    s, e = at("Bref.")
    xml = qde("MAXQDA 24", [Sel(s, e, [("joie", "U1")])], codes=codes)
    result = cli("--db", str(empty), "import", str(write(tmp_path, xml, STRETCH)))
    assert result.code == 0, result.err
    assert "1 grouping code(s) (isCodable false, e.g. 'Émotions')" in result.out
    assert rows(empty, "SELECT c.name, p.name FROM code c LEFT JOIN code p ON p.id = c.parent_id "
                       "ORDER BY c.id") == [("Émotions", None), ("joie", "Émotions"),
                                            ("prix", None)]
    out = tmp_path / "back.qdpx"
    assert cli("--db", str(empty), "export", str(out)).code == 0
    xml_out = zipfile.ZipFile(out).read("project.qde").decode()
    assert f'guid="{CODES["ton"]}" name="Émotions" isCodable="false"' in xml_out
    assert f'guid="{CODES["joie"]}" name="joie" isCodable="true"' in xml_out
    assert "Le dossier" in xml_out


def test_a_source_without_a_name_is_named_by_its_path(cli: Cli, empty: Path,
                                                      tmp_path: Path) -> None:
    s, e = at("Bref.")
    xml = qde("NVivo 12", [Sel(s, e, [("joie", "U1")])], source_name=None,
              path="internal://Entretien Léa.txt")
    qdpx = write(tmp_path, xml, STRETCH, file="Entretien Léa.txt")
    assert cli("--db", str(empty), "import", str(qdpx)).code == 0
    assert rows(empty, "SELECT s.name, g.name FROM source s JOIN study_group g "
                       "ON g.id = s.group_id") == [("Entretien Léa.txt", "Entretien Léa")]
    other = tmp_path / "o.db"
    assert cli("--db", str(other), "init").code == 0
    unnamed = write(tmp_path, qde("NVivo 12", [Sel(s, e, [("joie", "U1")])], source_name=None),
                    STRETCH, name="u.qdpx")
    assert cli("--db", str(other), "import", str(unnamed)).code == 0
    assert rows(other, "SELECT name FROM source") == [(f"source {SOURCE[:8].upper()}",)]


def test_a_file_breaking_the_schema_is_warned_about_and_imported(cli: Cli, empty: Path,
                                                                 tmp_path: Path) -> None:
    s, e = at("Bref.")
    xml = qde("Quirkos", [Sel(s, e, [("joie", "U1")])]).replace(
        'name="joie" isCodable="true"', 'name="joie"')
    result = cli("--db", str(empty), "import", str(write(tmp_path, xml, STRETCH)))
    assert result.code == 0, result.err
    assert "warning: project.qde breaks the REFI-QDA schema in 1 place(s)" in result.out
    assert "isCodable" in result.out
    assert quote_texts(empty) == ["Bref."]


def test_the_producers_guids_go_out_again_in_lower_case(cli: Cli, empty: Path,
                                                        tmp_path: Path) -> None:
    s, e = at("Bref.")
    n, m = at("j’adore")
    line = at("Moi j’adore, vraiment, c’est parfait.")
    sels = [Sel(s, e, [("joie", "U1")]), Sel(*line, [("prix", "U2")]), Sel(n, m, [("ton", "U1")])]
    xml = qde("NVivo 12", sels)  # ATLAS.ti writes upper-case GUIDs
    for guid in [*USERS.values(), *CODES.values(), SOURCE, "aa000000-0000-4000-8000-000000000000"]:
        xml = xml.replace(guid, guid.upper())
    assert cli("--db", str(empty), "import", str(write(tmp_path, xml, STRETCH))).code == 0
    out = tmp_path / "back.qdpx"
    assert cli("--db", str(empty), "export", str(out)).code == 0
    back = zipfile.ZipFile(out).read("project.qde").decode()
    for guid in [*USERS.values(), *CODES.values(), SOURCE]:
        assert f'"{guid}"' in back
    for i in range(3):  # the selections: quotes, and the span inside the line
        assert f'guid="aa000000-0000-4000-8000-{i:012x}"' in back
    assert 'guid="bb000000-0000-4000-8000-000000000000"' in back  # a coding
    assert all(g == g.lower() for g in re.findall(r'(?:guid|GUID|User)="([^"]+)"', back))
    again = cli("--db", str(empty), "import", str(out))
    assert again.code == 0 and "1 already imported" in again.out and " 0 quotes" in again.out


def test_reimporting_our_export_into_the_same_project_adds_nothing(cli: Cli, demo_db: Path,
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "demo.qdpx"
    assert cli("--db", str(demo_db), "export", str(out)).code == 0
    before = rows(demo_db, "SELECT count(*) FROM quote UNION ALL SELECT count(*) FROM coding")
    result = cli("--db", str(demo_db), "import", str(out))
    assert result.code == 0 and "1 already imported" in result.out, result.out
    assert rows(demo_db, "SELECT count(*) FROM quote UNION ALL SELECT count(*) FROM coding") \
        == before


# --- 4. into a study ---------------------------------------------------------------------

def videos(tmp_path: Path) -> Path:
    s, e = at("Bref.")
    p, q = at("Le prix est bien trop élevé")
    return write(tmp_path, qde("NVivo 12", [Sel(s, e, [("joie", "U1")]),
                                            Sel(p, q, [("prix", "U2")])],
                               source_name="videos_selection.txt"), STRETCH, name="v.qdpx")


def test_a_foreign_project_into_a_study_with_group(cli: Cli, demo_db: Path,
                                                   tmp_path: Path) -> None:
    qdpx = videos(tmp_path)
    refused = cli("--db", str(demo_db), "import", str(qdpx))
    assert refused.code == 1 and len(refused.err.splitlines()) == 1
    assert "videos_selection" in refused.err and "--group G" in refused.err
    unknown = cli("--db", str(demo_db), "import", str(qdpx), "--group", "G9")
    assert unknown.code == 1 and "G9" in unknown.err
    before = rows(demo_db, "SELECT count(*) FROM quote")[0][0]
    done = cli("--db", str(demo_db), "import", str(qdpx), "--group", "G2")
    assert done.code == 0, done.err
    assert "2 quotes" in done.out
    assert "the file's groups (videos_selection) left out: its sources went to G2" in done.out
    assert rows(demo_db, "SELECT g.name, p.label, q.text FROM quote q JOIN study_group g "
                         "ON g.id = q.group_id JOIN participant p ON p.id = q.participant_id "
                         f"WHERE q.id > {before} ORDER BY q.id") == [
        ("G2", "unattributed", "Le prix est bien trop élevé"), ("G2", "unattributed", "Bref.")]
    assert rows(demo_db, "SELECT count(*) FROM study_group")[0][0] == 6
    agreement = cli("--db", str(demo_db), "report", "--format", "json")
    assert agreement.code == 0


def test_a_foreign_project_into_a_study_with_a_group_map(cli: Cli, demo_db: Path,
                                                         tmp_path: Path) -> None:
    qdpx = videos(tmp_path)
    mapping = tmp_path / "map.csv"
    mapping.write_text("source,group\nvideos_selection,G3\nautre.txt,G1\n", encoding="utf-8")
    done = cli("--db", str(demo_db), "import", str(qdpx), "--groups", str(mapping))
    assert done.code == 0, done.err
    assert "names 1 source(s) the file does not hold, e.g. 'autre.txt'" in done.out
    assert rows(demo_db, "SELECT g.name FROM source s JOIN study_group g "
                         "ON g.id = s.group_id WHERE s.format = 'qdpx'") == [("G3",)]
    for body, message in (("source,group\nautre,G1\n", "names no group for source "
                                                      "'videos_selection.txt'"),
                          ("nom,groupe\nx,G1\n", "header must be `source,group`"),
                          ("source,group\nvideos_selection\n", ":2: expected a source")):
        mapping.write_text(body, encoding="utf-8")
        bad = cli("--db", str(demo_db), "import", str(qdpx), "--groups", str(mapping))
        assert bad.code == 1 and message in bad.err and len(bad.err.splitlines()) == 1
    both = cli("--db", str(demo_db), "import", str(qdpx), "--groups", str(mapping),
               "--group", "G1")
    assert both.code == 1 and "not both" in both.err


# --- generated NVivo-shaped files: every coded word exact, nothing invented ---------------

PIECES = ["Ça", "va", "très", "bien", "😀", "👍🏽", "💸", "e\u0301té", "cre\u0300me", "« oui »",
          "d’accord", "中文", "𠀋字", ",", ".", " ", " ", "\r\n", "\n"]


@st.composite
def nvivo_files(draw: st.DrawFn) -> tuple[str, list[Sel], list[tuple[str, str, str]]]:
    """A text with emoji, CJK outside the BMP, combining accents, CRLF and maybe a BOM;
    selections of whole words counted in UTF-16 units with CRLF as two (as NVivo does),
    named or not; and what each selection's words and coding must come out as."""
    text = "".join(draw(st.lists(st.sampled_from(PIECES), min_size=3, max_size=40)))
    words = [m.span() for m in re.finditer(r"\w[\w\u0300-\u036f’]*", text)]
    if not words:
        words = [(len(text) + 1, len(text) + 4)]
        text += " mot"
    sels, expected = [], []
    for _ in range(draw(st.integers(1, 8))):
        i = draw(st.integers(0, len(words) - 1))
        j = draw(st.integers(i, min(i + 3, len(words) - 1)))
        start, end = words[i][0], words[j][1]
        code, user = draw(st.sampled_from(sorted(CODES))), draw(st.sampled_from(["U1", "U2"]))
        sels.append(Sel(units(text, start), units(text, end), [(code, user)],
                        name=text[start:end] if draw(st.booleans()) else None))
        expected.append((text[start:end].replace("\r\n", "\n"), code, user.lower()))
    return ("\ufeff" if draw(st.booleans()) else "") + text, sels, sorted(set(expected))


@settings(max_examples=int(os.environ.get("QUALCODE_FUZZ_EXAMPLES", "40")) // 2, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(case=nvivo_files())
def test_generated_nvivo_files_keep_every_coded_word(
        case: tuple[str, list[Sel], list[tuple[str, str, str]]],
        tmp_path_factory: pytest.TempPathFactory) -> None:
    text, sels, expected = case
    folder = tmp_path_factory.mktemp("nv")
    db = copy_project(empty_project(), folder / "p.db")
    result = run("--db", str(db), "import", str(write(folder, qde("NVivo 12", sels), text)))
    assert result.code == 0, result.err
    got = sorted({(str(t) if a is None else str(t)[int(str(a)):int(str(b))], str(c), str(k))
                  for t, c, k, a, b in rows(db, "SELECT q.text, d.name, k.name, c.span_start, "
                                                "c.span_end FROM coding c JOIN quote q ON q.id = "
                                                "c.quote_id JOIN code d ON d.id = c.code_id "
                                                "JOIN coder k ON k.id = c.coder_id")})
    assert got == expected


def test_qualcoder_annotations_become_memos_where_they_point(cli: Cli, empty: Path,
                                                             tmp_path: Path) -> None:
    """QualCoder writes a memo on a stretch as a note on the source, with the range in
    the note's own selection; coded or not, the stretch gets the memo."""
    s, e = at("Bref.")
    p, q = at("Le prix")
    xml = qde("QualCoder 3.6", [Sel(s, e, [("joie", "U1")])])
    notes = "".join(f'<Note guid="{g}" creatingUser="{USERS["U2"]}"><PlainTextContent>{t}'
                    f'</PlainTextContent><PlainTextSelection guid="{g[:-1]}0" '
                    f'startPosition="{a}" endPosition="{b}"/></Note>'
                    for g, t, a, b in ((NOTE, "fin « abrupte »", s, e),
                                       (CODING_NOTE, "cher ?", p, q)))
    xml = xml.replace("</TextSource>", f'<NoteRef targetGUID="{NOTE}"/><NoteRef targetGUID='
                      f'"{CODING_NOTE}"/></TextSource>').replace("</Project>",
                                                                  f"<Notes>{notes}</Notes>"
                                                                  "</Project>")
    result = cli("--db", str(empty), "import", str(write(tmp_path, xml, STRETCH)))
    assert result.code == 0, result.err
    assert "whole source" not in result.out and "attached to no quote" not in result.out
    assert rows(empty, "SELECT q.text, k.name, m.text FROM memo m JOIN quote q "
                       "ON q.id = m.quote_id JOIN coder k ON k.id = m.coder_id ORDER BY q.start") \
        == [("Le prix", "u2", "cher ?"), ("Bref.", "u2", "fin « abrupte »")]


@st.composite
def odd_files(draw: st.DrawFn) -> tuple[str, str]:
    """The new shapes at their oddest: positions anywhere (negative, reversed, past the
    end, inside a surrogate pair), descriptions, notes missing or anchored anywhere,
    cases as codes, grouping codes, a source with no name."""
    text = "".join(draw(st.lists(st.sampled_from(PIECES), min_size=0, max_size=12)))
    pos = st.integers(-3, len(text.encode("utf-16-le")) // 2 + 3)
    sels = [Sel(draw(pos), draw(pos), draw(st.lists(st.tuples(
        st.sampled_from(sorted(CODES)), st.sampled_from(["U1", "U2"])), max_size=3)),
        description=draw(st.sampled_from([None, "« note »", ""])),
        notes=draw(st.lists(st.sampled_from([NOTE, CODING_NOTE]), max_size=2)),
        user=draw(st.sampled_from([None, "U1", "U2"])))
        for _ in range(draw(st.integers(0, 6)))]
    codes = None
    if draw(st.booleans()):  # a case code standing for the speaker, as NVivo writes cases
        codes = (f'<Code guid="{CODES["ton"]}" name="Cas" isCodable="false">'
                 f'<Code guid="{CODES["joie"]}" name="Léa" isCodable="true"/></Code>'
                 f'<Code guid="{CODES["prix"]}" name="prix" isCodable="true"/>')
    cases = (f'<Cases><Case guid="{CODES["joie"]}" name="Léa"/></Cases>'
             if draw(st.booleans()) else "")
    xml = qde(draw(st.sampled_from(["NVivo 14", "ATLAS.ti 23", "QualCoder", "qualcode 1"])),
              sels, source_name=draw(st.sampled_from([None, "a.txt", ""])), codes=codes,
              cases=cases, notes={NOTE: "n"} if draw(st.booleans()) else None)
    if draw(st.booleans()):
        a, b = draw(pos), draw(pos)
        xml = xml.replace("</TextSource>", f'<NoteRef targetGUID="{CODING_NOTE}"/></TextSource>'
                          ).replace("</Project>", f'<Notes><Note guid="{CODING_NOTE}">'
                                    f"<PlainTextContent>x</PlainTextContent><PlainTextSelection "
                                    f'guid="{NOTE}" startPosition="{a}" endPosition="{b}"/>'
                                    "</Note></Notes></Project>" if "<Notes>" not in xml else
                                    "</Project>")
    return xml, ("\ufeff" if draw(st.booleans()) else "") + text


@settings(max_examples=int(os.environ.get("QUALCODE_FUZZ_EXAMPLES", "40")) // 2, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(case=odd_files(), group=st.booleans())
def test_odd_files_import_whole_or_refuse_in_one_line(case: tuple[str, str], group: bool,
                                                      tmp_path_factory: pytest.TempPathFactory
                                                      ) -> None:
    xml, text = case
    folder = tmp_path_factory.mktemp("odd")
    db = copy_project(empty_project(), folder / "p.db")
    qdpx = write(folder, xml, text)
    result = run("--db", str(db), "import", str(qdpx), *(["--group", "G1"] if group else []))
    assert result.code in (0, 1), result.err
    if result.code == 1:
        assert result.err.count("\n") == 1 and "internal error" not in result.err, result.err
    else:
        again = run("--db", str(db), "export", str(folder / "back.qdpx"), "--validate")
        assert again.code == 0, again.err
