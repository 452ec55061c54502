"""`qualcode import` end to end: formats, re-imports, corrected versions, bad input."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from .conftest import Cli
from .test_cli_import_and_code import dump, project  # noqa: F401  (fixture)

G1 = """Réunion de groupe G1 — CSP+, <35 — Paris
Date : 12/10/2023

ANIMATRICE : Bonjour, présentez-vous.
P1 : Je suis Awa, j’utilise Doctolib tous les jours.
P2 : Moi je préfère le téléphone, c’est plus humain.
P1 : Oui.
P2 : Oui.
P3 : Les données de santé, j’ai peur qu’elles soient piratées.
ANIMATRICE : Merci.
"""


def quotes(cli: Cli, db: Path) -> list[dict[str, object]]:
    result = cli("--db", str(db), "quotes", "--json")
    assert result.code == 0, result.err
    rows: list[dict[str, object]] = result.json()
    return rows


def test_transcript_import_offsets_and_reimport(cli: Cli, project: Path,  # noqa: F811
                                                tmp_path: Path) -> None:
    path = tmp_path / "g1.txt"
    path.write_bytes(G1.replace("\n", "\r\n").encode("cp1252"))
    first = cli("--db", str(project), "import", str(path), "--group", "G1")
    assert first.code == 0, first.err
    assert first.out == f"{path}: 7 quotes added, 4 speakers (4 new), 0 duplicates skipped\n"
    got = [(q["speaker"], q["moderator"], q["text"]) for q in quotes(cli, project)]
    assert got == [("ANIMATRICE", True, "Bonjour, présentez-vous."),
                   ("P1", False, "Je suis Awa, j’utilise Doctolib tous les jours."),
                   ("P2", False, "Moi je préfère le téléphone, c’est plus humain."),
                   ("P1", False, "Oui."), ("P2", False, "Oui."),
                   ("P3", False, "Les données de santé, j’ai peur qu’elles soient piratées."),
                   ("ANIMATRICE", True, "Merci.")]
    conn = sqlite3.connect(project)
    (text,) = conn.execute("SELECT text FROM source WHERE name='g1.txt'").fetchone()
    assert text == G1
    for start, end, said in conn.execute('SELECT start, "end", text FROM quote'):
        assert text[start:end] == said
    before = dump(project)
    again = cli("--db", str(project), "import", str(path), "--group", "G1")
    assert again.out == f"{path}: already imported, nothing added\n"
    other_bytes = tmp_path / "copie.txt"
    other_bytes.write_bytes(G1.encode("utf-16"))
    same = cli("--db", str(project), "import", str(other_bytes), "--group", "G1")
    assert same.code == 0 and "already imported" in same.out
    assert dump(project) == before


def test_every_format_through_the_cli(cli: Cli, project: Path,  # noqa: F811
                                      tmp_path: Path) -> None:
    import docx
    import openpyxl

    document = docx.Document()
    document.add_paragraph("INTERVIEWER : Et la téléconsultation ?")
    document.add_paragraph("P1 : Jamais essayé.")
    document.save(str(tmp_path / "g2.docx"))
    (tmp_path / "g3.vtt").write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n"
                                     "<v Modératrice>On y va ?</v>\n", encoding="utf-8")
    (tmp_path / "g4.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nFacilitator: Hello\n",
                                     encoding="utf-8")
    (tmp_path / "g5.md").write_text("# G5\n**P9 :** Très bien.\n", encoding="utf-8")
    book = openpyxl.Workbook()
    book.active.append(["group", "speaker", "text", "sexe"])
    book.active.append(["G6", "Zoé", "Ça me rassure.", "F"])
    book.save(tmp_path / "t.xlsx")
    for name, group in (("g2.docx", "G2"), ("g3.vtt", "G3"), ("g4.srt", "G4"), ("g5.md", "G5")):
        result = cli("--db", str(project), "import", str(tmp_path / name), "--group", group)
        assert result.code == 0, result.err
    assert cli("--db", str(project), "import", str(tmp_path / "t.xlsx")).code == 0
    got = [(q["group"], q["speaker"], q["moderator"], q["text"]) for q in quotes(cli, project)]
    assert got == [("G2", "INTERVIEWER", True, "Et la téléconsultation ?"),
                   ("G2", "P1", False, "Jamais essayé."),
                   ("G3", "Modératrice", True, "On y va ?"),
                   ("G4", "Facilitator", True, "Hello"),
                   ("G5", "P9", False, "Très bien."),
                   ("G6", "Zoé", False, "Ça me rassure.")]
    conn = sqlite3.connect(project)
    assert conn.execute("SELECT attributes FROM participant WHERE label='Zoé'").fetchone() == (
        '{"sexe": "F"}',)


def test_corrected_version_replaces_and_keeps_codings(cli: Cli, project: Path,  # noqa: F811
                                                      tmp_path: Path) -> None:
    db = str(project)
    path = tmp_path / "g1.txt"
    path.write_text(G1, encoding="utf-8")
    assert cli("--db", db, "import", str(path), "--group", "G1").code == 0
    ids = {q["text"]: q["id"] for q in quotes(cli, project)}
    awa = ids["Je suis Awa, j’utilise Doctolib tous les jours."]
    phone = ids["Moi je préfère le téléphone, c’est plus humain."]
    fear = ids["Les données de santé, j’ai peur qu’elles soient piratées."]
    assert cli("--db", db, "--coder", "alice", "code", str(awa), "practicality").code == 0
    assert cli("--db", db, "--coder", "alice", "code", str(phone), "dehumanisation").code == 0
    assert cli("--db", db, "--coder", "bob", "code", str(fear), "hacking").code == 0
    from qualcode.db.engine import open_project
    from qualcode.services import coding

    opened = open_project(db)
    with opened.write() as session:  # a span on "piratées" that must follow its word
        span = (fear_text := "Les données de santé, j’ai peur qu’elles soient piratées.").index(
            "piratées")
        coding.apply_codes(session, quote_id=int(str(fear)), codes=["data security"],
                           coder="bob", span=(span, span + len("piratées")))
    opened.close()
    corrected = (G1.replace("tous les jours.", "tous les jours !")
                 .replace("P2 : Moi je préfère le téléphone, c’est plus humain.\n", "")
                 .replace("Les données de santé,", "Mes données de santé, franchement,")
                 .replace("ANIMATRICE : Merci.", "P4 : Et moi ?\nANIMATRICE : Merci."))
    path.write_text(corrected, encoding="utf-8")
    result = cli("--db", db, "import", str(path), "--group", "G1")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == (f"{path}: a corrected version of g1.txt, which it replaces: 4 turns "
                        "unchanged, 2 corrected (codings kept), 1 added, 1 removed; "
                        "5 speakers (1 new)")
    assert lines[1].startswith(f"  #{phone} P2 «Moi je préfère le téléphone") and (
        "alice dehumanisation" in lines[1])
    after = quotes(cli, project)
    assert [q["text"] for q in after] == [
        "Bonjour, présentez-vous.", "Je suis Awa, j’utilise Doctolib tous les jours !", "Oui.",
        "Oui.", "Mes données de santé, franchement, j’ai peur qu’elles soient piratées.",
        "Et moi ?", "Merci."]
    by_id = {q["id"]: q for q in after}
    assert by_id[awa]["codes"] == {"alice": ["practicality"]}
    assert sorted(by_id[fear]["codes"]["bob"]) == ["data security", "hacking"]  # type: ignore[index]
    assert phone not in by_id
    conn = sqlite3.connect(project)
    assert conn.execute("SELECT COUNT(*) FROM source").fetchone() == (1,)
    (text,) = conn.execute("SELECT text FROM source").fetchone()
    assert text == corrected
    for start, end, said in conn.execute('SELECT start, "end", text FROM quote'):
        assert text[start:end] == said
    new_fear = by_id[fear]["text"]
    assert isinstance(new_fear, str)
    span_start, span_end = conn.execute(
        "SELECT span_start, span_end FROM coding WHERE span_start IS NOT NULL").fetchone()
    assert new_fear[span_start:span_end] == "piratées" and fear_text != new_fear
    assert conn.execute("SELECT COUNT(*) FROM coding WHERE quote_id=?", (phone,)).fetchone() == (
        0,)


def test_a_renamed_copy_with_most_turns_equal_is_a_version(cli: Cli, project: Path,  # noqa: F811
                                                          tmp_path: Path) -> None:
    db = str(project)
    (tmp_path / "g1.txt").write_text(G1, encoding="utf-8")
    (tmp_path / "g1-v2.txt").write_text(G1.replace("Merci.", "Merci à vous."), encoding="utf-8")
    (tmp_path / "autre.txt").write_text("P7 : Tout autre chose.\nP8 : Oui.\n", encoding="utf-8")
    assert cli("--db", db, "import", str(tmp_path / "g1.txt"), "--group", "G1").code == 0
    second = cli("--db", db, "import", str(tmp_path / "g1-v2.txt"), "--group", "G1")
    assert "a corrected version of g1.txt" in second.out and "6 turns unchanged" in second.out
    third = cli("--db", db, "import", str(tmp_path / "autre.txt"), "--group", "G1")
    assert "2 quotes added" in third.out
    assert len(quotes(cli, project)) == 9


@pytest.mark.parametrize(
    ("name", "content", "args", "message"),
    [
        ("e.txt", b"", ["--group", "G1"], "e.txt: the file is empty"),
        ("e.txt", b"  \r\n \n", ["--group", "G1"], "e.txt: the file is empty"),
        ("b.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["--group", "G1"], "b.txt: binary"),
        ("n.txt", "Notes prises à la volée : rien.\n".encode(), ["--group", "G1"],
         "n.txt: no speaker turns found"),
        ("g.txt", b"P1 : oui\n", ["--group", "G9"], "g.txt: unknown group 'G9'"),
        ("g.txt", b"P1 : oui\n", [], "g.txt: a transcript needs --group"),
        ("t.csv", b"group;speaker;verbatim\nG1;A;x\n", [], "t.csv:1: the table has no `text`"),
        ("t.csv", b"group;speaker;text\nG1;A;x\nG1;B;\"open\n", [], "t.csv:"),
        ("t.csv", b"group,speaker,text\nG1,A,x\nG7,B,y\n", [], "t.csv:3: unknown group 'G7'"),
        ("c.docx", b"PK\x03\x04garbage", ["--group", "G1"], "c.docx: not a readable Word"),
        ("c.xlsx", b"not a workbook at all", ["--group", "G1"], "c.xlsx: not a readable Excel"),
        ("s.vtt", b"hello\n", ["--group", "G1"], "s.vtt: not a valid WebVTT file"),
        ("x.pdf", b"%PDF-1.4\n...", ["--group", "G1"], "x.pdf: a PDF"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(cli: Cli, project: Path,  # noqa: F811
                                                   tmp_path: Path, name: str, content: bytes,
                                                   args: list[str], message: str) -> None:
    good = tmp_path / "good.txt"
    good.write_text(G1, encoding="utf-8")
    assert cli("--db", str(project), "import", str(good), "--group", "G2").code == 0
    before = dump(project)
    bad = tmp_path / name
    bad.write_bytes(content)
    fresh = tmp_path / "fresh.csv"  # a good file before the bad one: it must not land either
    fresh.write_text("group,speaker,text\nG3,Nina,Un nouveau tour.\n", encoding="utf-8")
    result = cli("--db", str(project), "import", str(fresh), str(bad), *args)
    assert result.code == 1
    assert result.err.count("\n") == 1 and message in result.err, result.err
    assert "Traceback" not in result.err and "internal error" not in result.err
    assert dump(project) == before


def test_format_option_overrides_the_name(cli: Cli, project: Path,  # noqa: F811
                                          tmp_path: Path) -> None:
    path = tmp_path / "export.dat"
    path.write_text("# Titre\nP1 : Salut\n", encoding="utf-8")
    assert cli("--db", str(project), "import", str(path), "--group", "G1", "--format",
               "md").code == 0
    assert [q["text"] for q in quotes(cli, project)] == ["Salut"]
    bad = cli("--db", str(project), "import", str(path), "--format", "pdf")
    assert bad.code == 1 and "unknown format 'pdf'" in bad.err


def test_progress_bar_only_on_a_terminal_and_only_when_slow(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    from qualcode.cli.progress import progress_bar

    with progress_bar("importing", 3, delay=0.0) as advance:  # not a terminal: nothing
        advance()
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with progress_bar("importing", 3, delay=3600.0) as advance:  # quick: nothing
        advance()
    assert capsys.readouterr().err == ""
    with progress_bar("importing", 3, delay=0.0) as advance:
        advance()
        advance()
    assert "importing" in capsys.readouterr().err


def test_replacing_one_transcript_leaves_the_groups_other_one_in_place(
        cli: Cli, project: Path, tmp_path: Path) -> None:  # noqa: F811
    db = str(project)
    first, second = tmp_path / "partie1.txt", tmp_path / "partie2.txt"
    first.write_text("P1 : Un.\nP2 : Deux.\n", encoding="utf-8")
    second.write_text("P1 : Trois.\nP2 : Quatre.\n", encoding="utf-8")
    assert cli("--db", db, "import", str(first), str(second), "--group", "G1").code == 0
    before = {q["text"]: q["id"] for q in quotes(cli, project)}
    first.write_text("P1 : Un.\nP3 : Un et demi.\nP2 : Deux.\n", encoding="utf-8")
    result = cli("--db", db, "import", str(first), "--group", "G1")
    assert "2 turns unchanged, 0 corrected (codings kept), 1 added, 0 removed" in result.out
    after = quotes(cli, project)
    assert [q["text"] for q in after] == ["Un.", "Un et demi.", "Deux.", "Trois.", "Quatre."]
    assert all(before[str(q["text"])] == q["id"] for q in after if q["text"] in before)
    conn = sqlite3.connect(project)
    positions = [p for (p,) in conn.execute(
        "SELECT position FROM quote ORDER BY position")]
    assert positions == [1, 2, 3, 4, 5]
