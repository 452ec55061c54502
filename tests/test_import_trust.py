"""Imports a researcher can trust: each case of issue 17, on files the tests write."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from .conftest import REPO, Cli

GROUP_G2 = """Focus group G2 - Paris, 12 octobre 2023
Animatrice : Claire D.

Animatrice : Bonjour à tous, on commence.
Sandrine : Moi je mets tout sur Doctolib : c'est pratique.
Nadia : Moi j'ai tout mis dedans : mes analyses, les radios.
Sandrine : Oui.
Paul : Moi j'ai une appli.
Paul : Et puis voilà
Doctolib : c'est pratique aussi, hein
Sandrine : Oui.
"""


def quotes(cli: Cli, db: str, group: str) -> list[tuple[str, str]]:
    rows = cli("--db", db, "quotes", "--group", group, "--json").json()
    return [(q["speaker"], q["text"]) for q in rows]


@pytest.fixture
def project(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    db = str(tmp_path / "p.db")
    monkeypatch.chdir(REPO)
    assert cli("--db", db, "init", "--study", "data/study.toml", "--codebook",
               "codebooks/numerique-sante.yaml").code == 0
    monkeypatch.chdir(tmp_path)
    return db


def test_every_word_goes_to_its_speaker_and_doubts_are_printed(cli: Cli, project: str,
                                                                tmp_path: Path) -> None:
    path = tmp_path / "g2.txt"
    path.write_text(GROUP_G2, encoding="utf-8")
    dry = cli("--db", project, "import", str(path), "--group", "G2", "--dry-run")
    assert dry.code == 0, dry.err
    assert "4 speakers (nothing written)" in dry.out and "  Nadia: 1 turns" in dry.out
    assert "line 6  Nadia: Moi j'ai tout mis dedans : mes analyses, …" in dry.out
    assert quotes(cli, project, "G2") == []  # the dry run wrote nothing
    done = cli("--db", project, "import", str(path), "--group", "G2")
    assert done.code == 0, done.err
    assert "4 speakers" in done.out
    assert f"{path}:1: lines 1-2 kept as the transcript's header, not as quotes" in done.out
    assert f"{path}:6: « Nadia » speaks only here: taken as a speaker" in done.out
    assert f"{path}:10: « Doctolib : » read as words of the turn before" in done.out
    assert quotes(cli, project, "G2") == [
        ("Animatrice", "Bonjour à tous, on commence."),
        ("Sandrine", "Moi je mets tout sur Doctolib : c'est pratique."),
        ("Nadia", "Moi j'ai tout mis dedans : mes analyses, les radios."),
        ("Sandrine", "Oui."),
        ("Paul", "Moi j'ai une appli."),
        ("Paul", "Et puis voilà\nDoctolib : c'est pratique aussi, hein"),
        ("Sandrine", "Oui.")]


def test_a_mostly_utf8_file_keeps_its_accents_and_controls_go(cli: Cli, project: str,
                                                               tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes("Animatrice : Bonjour.\nP1 : Les données de santé, c'est sensible.\n"
                     .encode() + "P2 : Mes données chez un assureur, jamais.\n"
                     .encode("cp1252") + "P1 : Déjà vu\x0cailleurs.\x07\n".encode())
    done = cli("--db", project, "import", str(path), "--group", "G1")
    assert done.code == 0, done.err
    assert f"{path}:3: not UTF-8 like the rest of the file: read as Windows-1252" in done.out
    assert f"{path}:4: control characters removed" in done.out
    assert quotes(cli, project, "G1") == [
        ("Animatrice", "Bonjour."), ("P1", "Les données de santé, c'est sensible."),
        ("P2", "Mes données chez un assureur, jamais."), ("P1", "Déjà vu\nailleurs.")]
    bad = tmp_path / "bad.txt"
    bad.write_bytes("P1 : données\n".encode() + b"P2 : \x81\x8d\x8f\x90\x9d\n")
    refused = cli("--db", project, "import", str(bad), "--group", "G1")
    assert refused.code == 1 and f"{bad}:2:" in refused.err
    assert "neither UTF-8 nor Windows-1252" in refused.err


def test_every_row_is_a_turn_and_a_new_version_adds_only_new_rows(cli: Cli, project: str,
                                                                   tmp_path: Path) -> None:
    table = tmp_path / "table.csv"
    rows = [["group", "speaker", "text"], ["G1", "P1", "Oui."], ["G1", "P2", "Non."],
            ["G1", "P1", "Oui."]]
    with table.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    first = cli("--db", project, "import", str(table))
    assert "3 quotes added" in first.out, first.out
    assert quotes(cli, project, "G1") == [("P1", "Oui."), ("P2", "Non."), ("P1", "Oui.")]
    assert "already imported" in cli("--db", project, "import", str(table)).out
    with table.open("a", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerow(["G1", "P1", "Oui."])
    again = cli("--db", project, "import", str(table))
    assert "1 quotes added" in again.out and "3 duplicates skipped" in again.out
    assert len(quotes(cli, project, "G1")) == 4


def test_groups_grow_and_the_roster_names_the_speakers(cli: Cli, project: str,
                                                       tmp_path: Path) -> None:
    study = (REPO / "data/study.toml").read_text(encoding="utf-8") + """
[[groups]]
name = "G7"
csp = "CSP-"
age = "60+"
city = "Lille"

[[groups.participants]]
label = "Nadia"
caregiver = "oui"

[[groups.participants]]
label = "Animatrice"
"""
    spec = tmp_path / "study.toml"
    spec.write_text(study, encoding="utf-8")
    transcript = tmp_path / "g7.txt"
    transcript.write_text("ANIMATRICE : Bonjour.\nNADIA : Moi : tout dedans.\n"
                          "Inconnu 2 : Et moi ?\n", encoding="utf-8")
    refused = cli("--db", project, "import", str(transcript), "--group", "G7")
    assert refused.code == 1 and "unknown group 'G7'" in refused.err
    grown = cli("--db", project, "study", "import", str(spec))
    assert grown.code == 0, grown.err
    assert "1 groups added (G7)" in grown.out and "2 participants added" in grown.out
    assert "0 groups added" in cli("--db", project, "study", "import", str(spec)).out
    done = cli("--db", project, "import", str(transcript), "--group", "G7")
    assert done.code == 0, done.err
    assert f"{transcript}:3: speaker « Inconnu 2 » is not among the group's participants " \
           "(Animatrice, Nadia): added" in done.out
    assert quotes(cli, project, "G7") == [("Animatrice", "Bonjour."),
                                          ("Nadia", "Moi : tout dedans."),
                                          ("Inconnu 2", "Et moi ?")]
    report = cli("--db", project, "report", "--format", "json").json()
    assert [g["name"] for g in report["groups"]][-1] == "G7"


def test_the_demo_as_a_coded_spreadsheet_round_trips(cli: Cli, demo_db: Path,
                                                     tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    db = str(demo_db)
    assert cli("--db", db, "--coder", "alice", "code", "3", "hacking").code == 0
    assert cli("--db", db, "--coder", "alice", "code", "4", "--reviewed").code == 0
    before = cli("--db", db, "report", "--format", "json").out
    listed = cli("--db", db, "quotes", "--json").json()
    for fmt in ("xlsx", "csv"):
        table = tmp_path / f"demo.{fmt}"
        written = cli("--db", db, "quotes", "--format", fmt, "-o", str(table))
        assert written.code == 0, written.err
        fresh = str(tmp_path / f"fresh-{fmt}.db")
        monkeypatch.chdir(REPO)
        assert cli("--db", fresh, "init", "--study", "data/study.toml", "--codebook",
                   "codebooks/numerique-sante.yaml").code == 0
        done = cli("--db", fresh, "import", str(table))
        assert done.code == 0, done.err
        assert cli("--db", fresh, "report", "--format", "json").out == before
        assert cli("--db", fresh, "quotes", "--json").json() == listed
        assert "already imported" in cli("--db", fresh, "import", str(table)).out


def test_coded_tables_name_unknown_codes_and_can_add_them(cli: Cli, project: str,
                                                          tmp_path: Path) -> None:
    table = tmp_path / "coded.csv"
    table.write_text("group,speaker,text,coder,codes,hacking\n"
                     "G1,P1,Les données piratées.,bob,commercial use,x\n"
                     "G1,P2,Mes radios partout.,bob,radios,\n", encoding="utf-8")
    refused = cli("--db", project, "import", str(table))
    assert refused.code == 1 and f"{table}:3:" in refused.err and "'radios'" in refused.err
    assert quotes(cli, project, "G1") == []
    done = cli("--db", project, "import", str(table), "--add-codes")
    assert done.code == 0, done.err
    coded = {q["text"]: q["codes"] for q in cli("--db", project, "quotes", "--json").json()}
    assert coded == {"Les données piratées.": {"bob": ["commercial use"],
                                               "tester": ["hacking"]},
                     "Mes radios partout.": {"bob": ["radios"]}}
    tree = cli("--db", project, "codebook", "show").out
    assert "from coded.csv" in tree and "radios" in tree


def test_a_formula_looking_verbatim_stays_text_both_ways(cli: Cli, project: str,
                                                         tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text('group,speaker,text\nG1,P1,"=HYPERLINK(""http://x"",""clic"")"\n'
                     "G1,P2,=> oui\n", encoding="utf-8")
    assert cli("--db", project, "import", str(table)).code == 0
    out = tmp_path / "out.xlsx"
    assert cli("--db", project, "quotes", "--format", "xlsx", "-o", str(out)).code == 0
    with zipfile.ZipFile(out) as package:
        sheet = package.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    cells = [r[3] for r in load_workbook(out).active.iter_rows(min_row=2, values_only=True)]
    assert cells == ['=HYPERLINK("http://x","clic")', "=> oui"]
    flat = tmp_path / "out.csv"
    assert cli("--db", project, "quotes", "--format", "csv", "-o", str(flat)).code == 0
    texts = [r["text"] for r in csv.DictReader(io.StringIO(flat.read_text("utf-8-sig")))]
    assert texts == ['\'=HYPERLINK("http://x","clic")', "'=> oui"]
    again = str(tmp_path / "again.db")
    assert cli("--db", again, "init").code == 0
    assert cli("--db", again, "import", str(flat)).code == 0
    assert [t for _, t in quotes(cli, again, "G1")] == ['=HYPERLINK("http://x","clic")',
                                                         "=> oui"]
    assert json.loads("[]") == []
