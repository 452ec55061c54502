"""Each format and encoding a French office produces, read into the same turns."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from qualcode.errors import UserError
from qualcode.importers import detect_format, parser_for
from qualcode.importers.base import ParsedSource, decode_text

TEXT = ("Groupe G2 — transcription\r\n"
        "ANIMATRICE : Qu’en pensez-vous ? « Mon Espace Santé », ça vous dit ?\r\n"
        "Mme Léa Müller : Pas très sûre… j’ai peur pour mes données.\r\n"
        "Ça dépend [rires].\r\n"
        "P2 : Œuvre, cœur, 50 €.\r\n")
EXPECTED = [
    ("ANIMATRICE", True, "Qu’en pensez-vous ? « Mon Espace Santé », ça vous dit ?"),
    ("Mme Léa Müller", False, "Pas très sûre… j’ai peur pour mes données.\nÇa dépend [rires]."),
    ("P2", False, "Œuvre, cœur, 50 €."),
]


def parse(path: Path, fmt: str = "auto") -> ParsedSource:
    return parser_for(detect_format(path) if fmt == "auto" else fmt)(path)


def triples(src: ParsedSource) -> list[tuple[str, bool, str]]:
    assert src.text is not None
    for turn in src.turns:
        assert turn.start is not None and turn.end is not None
        assert src.text[turn.start:turn.end] == turn.text
    return [(t.speaker, t.is_moderator, t.text) for t in src.turns]


@pytest.mark.parametrize("encoded", [
    TEXT.encode("utf-8"),
    b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
    TEXT.encode("utf-16"),  # with its BOM, in this machine's byte order
    b"\xff\xfe" + TEXT.encode("utf-16-le"),
    b"\xfe\xff" + TEXT.encode("utf-16-be"),
    TEXT.encode("utf-16-le"),  # no BOM: told by its NUL bytes
    TEXT.encode("cp1252"),
    TEXT.replace("\r\n", "\n").encode("cp1252"),
    TEXT.replace("\r\n", "\r").encode("cp1252"),
    TEXT.replace("€", "EUR").replace("’", "'").replace("…", "...").replace("Œ", "OE")
        .replace("œ", "oe").replace("—", "-").encode("latin-1"),
], ids=["utf8", "utf8-bom", "utf16", "utf16le-bom", "utf16be-bom", "utf16le-nobom", "cp1252",
        "cp1252-lf", "cp1252-cr", "latin1"])
def test_text_encodings_and_line_ends(tmp_path: Path, encoded: bytes) -> None:
    path = tmp_path / "g2.txt"
    path.write_bytes(encoded)
    src = parse(path)
    got = triples(src)
    if b"EUR" in encoded:
        assert got[1] == ("Mme Léa Müller", False,
                          "Pas très sûre... j'ai peur pour mes données.\nÇa dépend [rires].")
    else:
        assert got == EXPECTED
    assert src.text is not None and "\r" not in src.text and src.format == "txt"


def test_decoding_normalises_to_nfc(tmp_path: Path) -> None:
    decomposed = "P1 : e\u0301te\u0301\n".encode()
    assert decode_text(decomposed, tmp_path / "x") == "P1 : été\n"


def test_same_text_in_other_bytes_has_the_same_hash(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_bytes(TEXT.encode("utf-16"))
    b.write_bytes(TEXT.replace("\r\n", "\n").encode("utf-8"))
    assert parse(a).content_hash == parse(b).content_hash


def test_markdown(tmp_path: Path) -> None:
    path = tmp_path / "g.md"
    path.write_text("# Focus group 2\n\n**ANIMATRICE :** Bonjour.\n\n## Tour de table\n\n"
                    "**P1** : Salut, *vraiment*.\nEt voilà.\n", encoding="utf-8")
    assert triples(parse(path)) == [("ANIMATRICE", True, "Bonjour."),
                                    ("P1", False, "Salut, *vraiment*.\nEt voilà.")]


def test_docx(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Focus group G2", level=1)
    document.add_paragraph("Date : 12 octobre 2023")
    for line in TEXT.split("\r\n")[1:-1]:
        document.add_paragraph(line)
    document.add_heading("Deuxième partie", level=2)
    document.add_paragraph("notes hors tour")
    paragraph = document.add_paragraph("P3 : Première ligne")
    paragraph.add_run().add_break()
    paragraph.add_run("deuxième ligne")
    path = tmp_path / "g2.docx"
    document.save(str(path))
    src = parse(path)
    assert src.format == "docx"
    assert triples(src) == EXPECTED + [("P3", False, "Première ligne\ndeuxième ligne")]


def test_corrupt_docx_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(UserError, match=r"bad.docx: not a readable Word .docx file"):
        parse(path)


VTT = """WEBVTT

NOTE made by a videoconference tool

1
00:00:01.000 --> 00:00:03.500
<v Animatrice>Bonjour à tous,
on commence ?</v>

2
00:00:03.500 --> 00:00:05.000
<v Animatrice>Qui veut parler ?</v>

3
00:00:05.000 --> 00:00:07.000
<v.loud Jean Dupont>Moi, <i>volontiers</i>.</v>

4
00:00:07.000 --> 00:00:08.000
Léa : Et moi aussi.
"""


def test_vtt_voices_and_joined_cues(tmp_path: Path) -> None:
    path = tmp_path / "g.vtt"
    path.write_text(VTT, encoding="utf-8")
    src = parse(path)
    assert triples(src) == [("Animatrice", True, "Bonjour à tous, on commence ? Qui veut parler ?"),
                            ("Jean Dupont", False, "Moi, volontiers."),
                            ("Léa", False, "Et moi aussi.")]
    assert src.text is not None and src.text.startswith("[00:00:01] Animatrice : Bonjour")


def test_srt_names_in_text_cp1252_crlf(tmp_path: Path) -> None:
    srt = ("1\r\n00:00:01,000 --> 00:00:02,000\r\nANIMATEUR : Ça va ?\r\n\r\n"
           "2\r\n00:00:02,000 --> 00:00:04,000\r\nP1 : Très bien,\r\nmerci.\r\n\r\n"
           "3\r\n00:00:04,000 --> 00:00:05,000\r\net vous ?\r\n\r\n"
           "4\r\n00:00:05,000 --> 00:00:06,000\r\nP1 : Encore moi.\r\n")
    path = tmp_path / "g.srt"
    path.write_bytes(srt.encode("cp1252"))
    assert triples(parse(path)) == [("ANIMATEUR", True, "Ça va ?"),
                                    ("P1", False, "Très bien, merci. et vous ? Encore moi.")]


def test_srt_without_speakers_gives_one_turn_a_cue(tmp_path: Path) -> None:
    path = tmp_path / "g.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nBonjour.\n\n"
                    "2\n00:00:02,000 --> 00:00:03,000\nSalut.\n", encoding="utf-8")
    assert triples(parse(path)) == [("Intervenant", False, "Bonjour."),
                                    ("Intervenant", False, "Salut.")]


def test_xlsx_table_sheet_with_text_column(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["rien", "ici"])
    sheet = book.create_sheet("Verbatims")
    sheet.append(["Group", "Speaker", "Text", "Âge", "ALD"])
    sheet.append(["G1", "Awa", "« Sans internet on est coincé. »\nVraiment.", 34, None])
    sheet.append(["G4", "ANIMATRICE", "Merci.", None, None])
    sheet.append([None, None, None, None, None])
    sheet.append(["G4", "Luc", "Ça va", 61.0, "oui"])
    path = tmp_path / "t.xlsx"
    book.save(path)
    src = parse(path)
    assert src.kind == "table" and src.format == "xlsx"
    assert [(t.group, t.speaker, t.is_moderator, t.text, t.attributes, t.line)
            for t in src.turns] == [
        ("G1", "Awa", False, "« Sans internet on est coincé. »\nVraiment.", {"Âge": "34"}, 2),
        ("G4", "ANIMATRICE", True, "Merci.", {}, 3),
        ("G4", "Luc", False, "Ça va", {"Âge": "61", "ALD": "oui"}, 5),
    ]


def test_xlsx_errors_name_the_row(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["group", "speaker", "text"])
    book.active.append(["G1", "Awa", "ok"])
    book.active.append(["G1", None, "sans locuteur"])
    path = tmp_path / "t.xlsx"
    book.save(path)
    with pytest.raises(UserError, match=r"t.xlsx:3: row has no speaker"):
        parse(path)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(path.read_bytes()[:200])
    with pytest.raises(UserError, match=r"broken.xlsx: not a readable Excel"):
        parse(broken)


def test_excel_csv_with_sep_line_quotes_and_cp1252(tmp_path: Path) -> None:
    content = ('sep=;\r\ngroup;speaker;text;ville\r\n'
               'G3;Mme D.;"Tous mes rapports; mes radios\r\net le « reste »";Lille\r\n'
               'G3;P2;"Il a dit ""non"".";\r\n')
    path = tmp_path / "excel.csv"
    path.write_bytes(content.encode("cp1252"))
    src = parse(path)
    assert [(t.speaker, t.text, t.attributes, t.line) for t in src.turns] == [
        ("Mme D.", "Tous mes rapports; mes radios\net le « reste »", {"ville": "Lille"}, 3),
        ("P2", 'Il a dit "non".', {}, 5)]
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"sep=;\ngroup;speaker;text\nG1;A;x\nG1;B\nG1;C;y;z\n")
    with pytest.raises(UserError, match=r"bad.csv:4: row has no text"):
        parse(bad)
    bad.write_bytes(b"sep=;\ngroup;speaker;text\nG1;A;\"x\ny\"\nG1;C;y;z\n")
    with pytest.raises(UserError, match=r"bad.csv:5: row has 4 fields"):
        parse(bad)


def test_auto_format_by_extension_then_content(tmp_path: Path) -> None:
    import docx

    named = {"a.TXT": "txt", "a.md": "md", "a.vtt": "vtt", "a.srt": "srt", "a.csv": "csv",
             "a.xlsx": "xlsx", "a.docx": "docx"}
    for name, fmt in named.items():
        (tmp_path / name).write_text("x", encoding="utf-8")
        assert detect_format(tmp_path / name) == fmt
    (tmp_path / "sub").write_text(VTT, encoding="utf-8")
    (tmp_path / "srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nP1 : a\n", encoding="utf-8")
    (tmp_path / "table").write_text("group;speaker;text\nG1;A;x\n", encoding="utf-8")
    (tmp_path / "plain").write_text("P1 : bonjour\n", encoding="utf-8")
    document = docx.Document()
    document.add_paragraph("P1 : bonjour")
    document.save(str(tmp_path / "word"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("xl/workbook.xml", "<workbook/>")
    (tmp_path / "sheet").write_bytes(buffer.getvalue())
    assert {n: detect_format(tmp_path / n) for n in ("sub", "srt", "table", "plain", "word",
                                                      "sheet")} == {
        "sub": "vtt", "srt": "srt", "table": "csv", "plain": "txt", "word": "docx",
        "sheet": "xlsx"}
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 20)
    with pytest.raises(UserError, match=r"old.doc: an old Word .doc file: save it as .docx"):
        detect_format(tmp_path / "old.doc")
