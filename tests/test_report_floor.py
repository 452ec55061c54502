"""The report's whole-process floor (`benchmarks.floors.report`) prints what
`qualcode report --format json` prints, byte for byte. The floor computes the report
anew from the tables, without qualcode, so each comparison here also checks the report's
numbers against an independent computation: on the demo, on the benchmark's smoke
corpus, and on projects built here to hold what those lack (segments, the consensus,
`auto`, coded moderators, a sub-code only one coder used, a group without quotes, a
level without groups, indicators beside the project, studies of another title or with
no language of their own)."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks import corpus as corpora
from benchmarks import floors
from benchmarks.harness import Corpus

from .conftest import REPO, Cli


def _printed(db: Path, cwd: Path, **env: str) -> bytes:
    """The command's standard output, run as users run it: a process of its own in `cwd`
    (where `data/indicators.yaml` and `qualcode.toml` are looked for)."""
    done = subprocess.run(
        [sys.executable, "-m", "qualcode", "--db", str(db), "report", "--format", "json"],
        cwd=cwd, env={**os.environ, **env}, capture_output=True, check=True)
    return done.stdout


def _floor(db: Path, cwd: Path, monkeypatch: pytest.MonkeyPatch, **env: str) -> bytes:
    """The floor's text, from the same folder and environment, as the bytes it prints."""
    monkeypatch.chdir(cwd)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return floors.report(str(db)).encode()


def _same(db: Path, cwd: Path, monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    """Holds the floor to the command's bytes; the report, for the test's own checks."""
    printed = _printed(db, cwd, **env)
    assert _floor(db, cwd, monkeypatch, **env) == printed
    report: dict[str, Any] = json.loads(printed)
    return report


def test_the_demo(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """From a folder without `data/`: the indicators come from qualcode's own copy."""
    report = _same(demo_db, tmp_path, monkeypatch)
    assert report["indicators"] and report["language"] == "fr"
    assert report["quotes"] and any(c["quotes"] for c in report["cells"])


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return corpora.load("smoke", tmp_path_factory.mktemp("corpora"))


def test_the_benchmark_corpus(smoke: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    """From the repository: the indicators are `data/indicators.yaml`. Three coders who
    agree only in part (a cell's codings outnumber its quotes), moderators' turns."""
    report = _same(smoke.db, REPO, monkeypatch)
    assert report["indicators"]
    assert {q["coders"] for q in report["quotes"]} >= {1, 2, 3}
    assert any(c["codings"] > c["quotes"] > c["participants"] > 0 for c in report["cells"])
    assert any(p["quotes"] for p in report["cooccurrence"]["pairs"])


STUDY = """[study]
title = "{title}"
{language}
[dimensions]
age = ["<35", "35-59", "60+"]
region = ["nord", "sud"]

[[groups]]
name = "A1"
age = "<35"
region = "nord"

[[groups]]
name = "A2"
age = "35-59"
region = "sud"

[[groups]]
name = "A3"
age = "35-59"
region = "nord"
"""
"""Three groups (A3 never speaks) and a level (60+) no group has."""

CODEBOOK = """name: "Aidants"
codes:
  - name: "fatigue"
    children:
      - name: "sleep"
      - name: "burnout"
        children:
          - name: "night shifts"
  - name: "money"
    exclusive: true
    children:
      - name: "costs"
      - name: "aid"
  - name: "trust"
"""

WORDS = ("on", "se", "relaie", "la", "nuit", "avec", "ma", "sœur", "et", "l'infirmière",
         "« passe »", "le", "matin", "mais", "c'est", "dur")


def _project(cli: Cli, folder: Path, title: str, *, language: str = "",
             coded: bool = True) -> Path:
    """A project of STUDY and CODEBOOK holding 80 turns in A1 and A2, a moderator's every
    fifth; with `coded`, alice, bob and carol each coded every participant's turn (often
    `trust` in A1, seldom in A2, and `costs`), or marked it "none applies"."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "study.toml").write_text(STUDY.format(title=title, language=language),
                                       encoding="utf-8")
    (folder / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    rng = random.Random(2007)
    rows = [["id", "group", "speaker", "text", "coder", "codes"]]
    for group, people, trust in (("A1", 6, 0.7), ("A2", 4, 0.1)):
        for i in range(40):
            key = f"{group}-{i:02d}"
            speaker = "Animatrice" if i % 5 == 0 else f"P{i % people + 1}"
            size = rng.choice((1, 3, 12, 30, 90)) if i > 9 else 12  # "Oui." to a monologue
            text = f"{speaker} {i} : " + " ".join(rng.choice(WORDS) for _ in range(size))
            if speaker == "Animatrice" or not coded:
                rows.append([key, group, speaker, text, "", ""])
                continue
            for coder in ("alice", "bob", "carol"):
                codes = [c for c, p in (("trust", trust), ("costs", 0.3)) if rng.random() < p]
                rows.append([key, group, speaker, text, coder, ";".join(codes)])
    import csv

    with (folder / "quotes.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    db = folder / "p.db"
    for args in (("init", "--study", str(folder / "study.toml"), "--codebook",
                  str(folder / "codebook.yaml")), ("import", str(folder / "quotes.csv"))):
        done = cli("--db", str(db), *args)
        assert done.code == 0, done.err
    return db


def _quote(db: Path, key: str) -> str:
    conn = sqlite3.connect(db)
    try:
        (qid,) = conn.execute("SELECT id FROM quote WHERE external_id = ?", (key,)).fetchone()
    finally:
        conn.close()
    return str(qid)


INDICATORS = """study: "{title}"
indicators:
  - id: nights
    value: 41.5
    unit: "%"
    wording: "des aidants dorment mal"
    theme: "Night   Shifts"
  - value: "12"
    wording: "sans identifiant : appelé par sa ligne"
    base: "aidants (n = 300)"
    theme: trust
"""


def test_a_project_with_segments_the_consensus_auto_and_a_silent_group(
        cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the corpora lack, each in a cell the report must show: segments' words in
    place of the turn (overlapping or touching ones joined, the others apart), a theme
    also applied to the whole turn (the turn then), a sub-code only bob applied, the
    consensus (adjudicated quotes first), `auto`'s codings (never counted), a coded
    moderator's turn (never counted), a coder who only reviewed, a group that never
    spoke, a level no group has, a theme whose id is not in codebook order. The
    indicators beside the project win over those in the current folder; one has no id
    and is called by its line."""
    title = "Étude des aidants"
    db = _project(cli, tmp_path / "project", title, language='language = "en"')
    later = tmp_path / "project" / "later.yaml"  # a theme added first, with the last id
    later.write_text(CODEBOOK.replace("codes:\n", 'codes:\n  - name: "isolation"\n'),
                     encoding="utf-8")
    assert cli("--db", str(db), "codebook", "import", str(later)).code == 0
    x, y, z, w = (_quote(db, key) for key in ("A2-01", "A2-02", "A1-03", "A1-04"))
    moderator = _quote(db, "A1-05")
    steps = [
        ("carol", z, "isolation"),
        ("carol", w, "isolation"),
        ("bob", _quote(db, "A1-08"), "isolation", "trust"),
        ("alice", x, "sleep", "--span", "0:6"),  # 0:6, 4:9 and 9:12 join; 14:16 apart
        ("bob", x, "sleep", "--span", "4:9"),
        ("alice", x, "sleep", "--span", "9:12"),
        ("bob", x, "sleep", "--span", "14:16"),
        ("alice", y, "sleep"),
        ("bob", y, "sleep", "--span", "0:4"),
        ("bob", z, "night shifts"),
        ("bob", w, "night shifts", "--span", "0:5", "--memo", "la nuit"),
        ("alice", w, "burnout"),
        ("alice", moderator, "trust", "costs"),
        ("dave", y, "--reviewed"),
    ]
    for coder, *args in steps:
        done = cli("--db", str(db), "--coder", coder, "code", *args)
        assert done.code == 0, (args, done.err)
    for key, codes in (("A2-03", ["trust"]), ("A1-06", ["costs", "trust"]), ("A1-07", [])):
        done = cli("--db", str(db), "--coder", "carol", "settle", _quote(db, key),
                   *(codes or ["--none"]))
        assert done.code == 0, done.err
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("INSERT INTO coder (name) VALUES ('auto')")
        conn.execute("INSERT INTO coding (quote_id, code_id, coder_id, created_at) "
                     "SELECT q.id, c.id, k.id, '2024-01-01' FROM quote q, code c, coder k "
                     "WHERE c.name IN ('aid', 'trust') AND k.name = 'auto' AND NOT EXISTS "
                     "(SELECT 1 FROM coding d WHERE d.quote_id = q.id AND d.code_id = c.id "
                     "AND d.coder_id = k.id)")
    conn.close()
    (tmp_path / "project" / "indicators.yaml").write_text(INDICATORS.format(title=title),
                                                         encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "indicators.yaml").write_text(
        INDICATORS.format(title=title).replace("41.5", "99"), encoding="utf-8")

    report = _same(db, tmp_path, monkeypatch)
    cells = {(c["theme"], c["group"]): c for c in report["cells"]}
    assert all(cells[("aid", g)]["quotes"] == 0 for g in ("A1", "A2", "A3"))
    assert all(c["quotes"] == 0 and c["base"] == 0 for c in report["cells"]
               if c["group"] == "A3")
    assert cells[("night shifts", "A1")]["quotes"] == 2
    assert {c["flag"] for c in report["cells"] if c["theme"] == "trust"} >= {"above", "below"}
    assert [lv["level_quotes"] for lv in report["levels"] if lv["theme"] == "trust"
            and lv["dimension"] == "age"] == [32, 32, 0]
    shown = {(q["theme"], q["id"]): q for q in report["quotes"]}
    assert " […] " in shown[("sleep", int(x))]["text"]
    assert shown[("sleep", int(y))]["text"].startswith("P3 2 : ")
    assert shown[("night shifts", int(w))]["text"] == "P5 4"
    assert any(q["consensus"] for q in report["quotes"])
    assert report["themes"][0]["name"] == "isolation"
    assert all(p["quotes"] for p in report["cooccurrence"]["pairs"] if p["a"] == "isolation")
    assert [i["value"] for i in report["indicators"]] == [41.5, 12]
    assert report["indicators"][1]["id"].startswith("line-")
    assert report["language"] == "en"


@pytest.mark.parametrize(("setting", "env", "language"), [
    (None, {}, "en"),
    (None, {"QUALCODE_LANG": "fr"}, "fr"),
    ('lang = "fr"\n', {}, "fr"),
    (None, {"LANG": "fr_FR.UTF-8"}, "fr"),
])
def test_a_project_without_codings_of_another_study(
        cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str | None,
        env: dict[str, str], language: str) -> None:
    """Nothing coded: zeros, no flag, no quote, no pair. The indicators in the current
    folder are another study's, so none is shown; the study names no language, so the
    report speaks the interface's: `$QUALCODE_LANG`, the settings file's, the locale's."""
    db = _project(cli, tmp_path / "project", "Une autre étude", coded=False)
    folder = tmp_path / "here"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "indicators.yaml").write_bytes((REPO / "data/indicators.yaml")
                                                      .read_bytes())
    if setting is not None:
        (folder / "qualcode.toml").write_text(setting, encoding="utf-8")
    report = _same(db, folder, monkeypatch, **env)
    assert report["language"] == language and report["indicators"] == []
    assert report["quotes"] == [] and not any(c["quotes"] or c["flag"] for c in report["cells"])
    assert [g["quotes"] for g in report["groups"]] == [32, 32, 0]


def test_an_empty_project(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`init` alone: no study title (so no indicators file is read), no group, no code."""
    db = tmp_path / "empty.db"
    assert cli("--db", str(db), "init").code == 0
    report = _same(db, REPO, monkeypatch)
    assert report["cells"] == [] and report["title"] == "" and report["indicators"] == []


def test_the_floor_writes_json_as_qualcode_writes_it() -> None:
    """Small documents as `json.dumps(indent=2, ensure_ascii=False)`, large ones as
    orjson (a float under 1e-4 spelt otherwise): `exporters.json_array` picks by size."""
    from qualcode.exporters.json_array import SMALL, json_bytes

    assert floors.SMALL_JSON == SMALL
    tiny = [0.0, -0.0, 1.0, 1 / 3, 1e-4, 9.99e-05, 5e-05, -6.25e-05, 1.5e-06, 2e-300, 1e16,
            1.5e17, 123456789.125]
    small: dict[str, Any] = {"texts": ["é « » \u00a0", "\x00\x1f\"\\\n\r\t\b\f", "\u2028\x7f"],
                             "floats": tiny, "others": [None, True, False, 0, -3, 2**40],
                             "empty": [{}, [], {"a": []}], "nested": {"b": [{"c": {"d": 1}}]}}
    large = {**small, "filler": [{"i": i} for i in range(SMALL)]}
    for data in (small, large):
        assert floors._json_text(data).encode() == json_bytes(data)
    assert "5e-05" in floors._json_text(small) and "0.00005" in floors._json_text(large)


def test_the_floors_fisher_test_is_scipys() -> None:
    """The flags' test, written anew in the floor, against SciPy's on tables small and
    large, balanced and extreme (the report's own is held to SciPy elsewhere)."""
    from scipy.stats import fisher_exact

    rng = random.Random(11)
    tables = [(0, 0, 0, 0), (0, 5, 0, 7), (3, 0, 0, 3), (1, 9, 11, 3), (5, 5, 5, 5)]
    for _ in range(300):
        n = rng.choice((10, 60, 400, 5000, 60000))
        row, col = rng.randint(0, n), rng.randint(0, n)
        a = rng.randint(max(0, row + col - n), min(row, col))
        tables.append((a, row - a, col - a, n - row - col + a))
    for a, b, c, d in tables:
        expected = float(fisher_exact([[a, b], [c, d]])[1]) if a + b + c + d else 1.0
        assert floors._fisher(a, b, c, d) == pytest.approx(expected, rel=1e-6, abs=1e-300)
        shortened = floors._fisher(a, b, c, d, enough=floors.ALPHA)
        assert (shortened < floors.ALPHA) == (expected < floors.ALPHA)
