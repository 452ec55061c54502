"""Export → import into an empty project loses nothing: the demo, and generated
projects with several coders, memos, spans, moderators and French text."""

from __future__ import annotations

import atexit
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.db.engine import create_project, open_project
from qualcode.domain.codebook import Codebook, CodeSpec
from qualcode.domain.study import GroupSpec, StudySpec
from qualcode.importers.base import ParsedSource, ParsedTurn, content_hash
from qualcode.services import coding
from qualcode.services.codebook import import_codebook
from qualcode.services.imports import write_source
from qualcode.services.study import apply_study

from .conftest import Cli
from .refi_support import assert_valid_qdpx, copy_project, project_snapshot, round_trip, run


def test_demo_round_trip_is_lossless(demo_db: Path, cli: Cli, tmp_path: Path) -> None:
    cli("--db", str(demo_db), "code", "3", "--memo", "« À revoir » : l’exemple est fort")
    cli("--db", str(demo_db), "--coder", "bob", "code", "3", "--reviewed")
    cli("--db", str(demo_db), "--coder", "bob", "code", "5", "data security", "--memo", "sûr")
    qdpx, imported = round_trip(demo_db, tmp_path)
    assert_valid_qdpx(qdpx)
    before, after = project_snapshot(demo_db), project_snapshot(imported)
    assert before["memos"] and before["reviews"] and before["report"]["cells"]
    assert after == before


def test_selections_are_named_by_their_first_words(demo_db: Path, cli: Cli,
                                                  tmp_path: Path) -> None:
    """A selection's name is a label, not a second copy of the text (issue 24: the
    100k project.qde was three times its content)."""
    import re

    from qualcode.exchange.qdpx_export import label

    assert label("Je ne veux pas que mes données finissent chez un assureur") == (
        "Je ne veux pas que mes données finissent…")
    assert label("Oui.") == "Oui."
    assert label("x" * 200) == "x" * 60 + "…"
    target = tmp_path / "d.qdpx"
    assert cli("--db", str(demo_db), "export", str(target)).code == 0
    with zipfile.ZipFile(target) as zf:
        qde = zf.read("project.qde").decode()
    names = re.findall(r'<PlainTextSelection [^>]*name="([^"]*)"', qde)
    assert names and max(len(n) for n in names) <= 61
    assert "Je me demande jusqu'à quel point les documents…" in {
        n.replace("&apos;", "'") for n in names}


def test_exports_are_stable_owner_only_and_distinct_per_project(demo_db: Path, cli: Cli,
                                                                 tmp_path: Path) -> None:
    first, second = tmp_path / "a.qdpx", tmp_path / "b.qdpx"
    assert cli("--db", str(demo_db), "export", str(first)).code == 0
    assert cli("--db", str(demo_db), "export", str(second)).code == 0
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    read = [zipfile.ZipFile(p).read("project.qde") for p in (first, second)]
    assert read[0] == read[1]
    assert cli("--db", str(tmp_path / "fresh.db"), "init").code == 0
    assert cli("--db", str(tmp_path / "fresh.db"), "import", str(first)).code == 0
    again = tmp_path / "c.qdpx"
    assert cli("--db", str(tmp_path / "fresh.db"), "export", str(again)).code == 0
    assert zipfile.ZipFile(again).read("project.qde") != read[0]  # a new project, new GUIDs


def test_export_refuses_another_extension_and_writes_nothing(demo_db: Path, cli: Cli,
                                                             tmp_path: Path) -> None:
    result = cli("--db", str(demo_db), "export", str(tmp_path / "x.zip"))
    assert result.code == 1 and "*.qdpx" in result.err and len(result.err.splitlines()) == 1
    assert not (tmp_path / "x.zip").exists()


def test_reimporting_the_same_file_adds_nothing(demo_db: Path, cli: Cli, tmp_path: Path) -> None:
    qdpx, imported = round_trip(demo_db, tmp_path)
    before = project_snapshot(imported)
    result = cli("--db", str(imported), "import", str(qdpx))
    assert result.code == 0 and "0 quotes" in result.out and "1 already imported" in result.out
    assert project_snapshot(imported) == before


# --- generated projects ---------------------------------------------------------------

PIECES = list("abcdeéèêàçôùœÉÀ«»’'\"&<>;:!?.,-—") + ["\u00a0", "\u202f", " ", "\r\n", "\n",
                                                      "\t", "Ça", "d’accord", "« oui »"]
TEXT = st.lists(st.sampled_from(PIECES), min_size=1, max_size=25).map("".join)
CODERS = ("alice", "bob", "Zoé")
SPEAKERS = ("P1", "Mme D.", "Jérôme", "ANIMATRICE")
CODEBOOK = Codebook(name="livre", version="2", codes=[
    CodeSpec(name="sécurité des données", description="Peur d’une fuite « massive ».\n\nDeux",
             include="fuite, piratage", exclude="méfiance générale", example="« on peut être "
             "hacké »", color="#1565c0", key="1", keywords=["fuite", "hacké"], children=[
                 CodeSpec(name="revente", color="#42A5F5"),
                 CodeSpec(name="piratage", description="ligne 1\nligne 2")]),
    CodeSpec(name="canal", exclusive=True, key="2", children=[
        CodeSpec(name="en ligne"), CodeSpec(name="au cabinet")]),
    CodeSpec(name="déshumanisation"),
])
CODE_NAMES = [c.name for c, _, _ in CODEBOOK.walk()]


@dataclass
class Generated:
    sources: list[tuple[bool, int, list[tuple[int, int, str]]]]  # transcript?, group, turns
    codings: list[tuple[int, int, int, tuple[float, float] | None, str | None]]
    memos: list[tuple[int, int, str]]
    reviews: list[tuple[int, int]]
    attributes: list[dict[str, str]]


@st.composite
def generated(draw: st.DrawFn) -> Generated:
    turn = st.tuples(st.integers(0, 2), st.integers(0, 3), TEXT)
    sources = draw(st.lists(st.tuples(st.booleans(), st.integers(0, 2),
                                      st.lists(turn, min_size=1, max_size=5)),
                            min_size=1, max_size=3))
    pick = st.integers(0, 10_000)
    span = st.none() | st.tuples(st.floats(0, 1), st.floats(0, 1))
    codings = draw(st.lists(st.tuples(pick, st.integers(0, len(CODE_NAMES) - 1),
                                      st.integers(0, 2), span, st.none() | TEXT), max_size=14))
    memos = draw(st.lists(st.tuples(pick, st.integers(0, 2), TEXT), max_size=4))
    reviews = draw(st.lists(st.tuples(pick, st.integers(0, 2)), max_size=3))
    attributes = draw(st.lists(st.dictionaries(st.sampled_from(["âge", "ville", "ALD"]), TEXT,
                                               max_size=2), min_size=4, max_size=4))
    return Generated(sources, codings, memos, reviews, attributes)


GROUPS = ["G1", "G2", "G3"]


@cache
def base_project() -> Path:
    """The design and codebook every generated project starts from, built once."""
    folder = Path(tempfile.mkdtemp(prefix="qualcode-refi-base-"))
    atexit.register(shutil.rmtree, folder, True)
    project = create_project(str(folder / "base.db"))
    try:
        with project.write() as session:
            apply_study(session, StudySpec(
                title="Les Français et le numérique « en santé »",
                attributes={"terrain": "janvier 2024", "villes": 3},
                dimensions={"csp": ["CSP+", "CSP-"], "âge": ["<35", "35-59", "60+"]},
                groups=[GroupSpec(g, {"csp": ["CSP+", "CSP-"][i % 2],
                                      "âge": ["<35", "35-59", "60+"][i]},
                                  {"ville": "Orléans", "n": i + 6, "payé": i == 1, "durée": 1.5})
                        for i, g in enumerate(GROUPS)]))
            import_codebook(session, CODEBOOK)
    finally:
        project.close()
    return folder / "base.db"


def build(db: Path, gen: Generated) -> None:
    project = open_project(str(copy_project(base_project(), db)))
    groups = GROUPS
    try:
        with project.write() as session:
            serial = 0
            for index, (transcript, group, turns) in enumerate(gen.sources):
                parsed: list[ParsedTurn] = []
                text = ""
                for row_group, speaker, body in turns:
                    serial += 1
                    body = f"{serial}. {body}"  # unique: duplicates would be skipped
                    label = SPEAKERS[speaker]
                    head = f"{label} : "
                    start = len(text) + len(head)
                    text += head + body + "\r\n"
                    parsed.append(ParsedTurn(
                        speaker=label, text=body, is_moderator=label == "ANIMATRICE",
                        start=start if transcript else None,
                        end=start + len(body) if transcript else None,
                        group=None if transcript else groups[row_group],
                        attributes=gen.attributes[speaker]))
                source = ParsedSource(
                    name=f"source {index}.{'txt' if transcript else 'csv'}",
                    format="txt" if transcript else "csv",
                    kind="transcript" if transcript else "table",
                    content_hash=content_hash(text), turns=parsed,
                    text=text if transcript else None)
                write_source(session, source.name, source, group=groups[group] if transcript
                             else None, coder=CODERS[index % 3])
            from sqlmodel import col, select

            from qualcode.db.models import Quote

            quotes = session.exec(select(Quote).order_by(col(Quote.id))).all()
            for q_pick, code, who, span, memo in gen.codings:
                quote = quotes[q_pick % len(quotes)]
                chosen = None
                if span is not None:
                    a, b = sorted(int(x * len(quote.text)) for x in span)
                    chosen = (a, b) if a < b else None
                coding.apply_codes(session, quote_id=quote.id or 0, codes=[CODE_NAMES[code]],
                                   coder=CODERS[who], memo=memo, span=chosen)
            for q_pick, who, text in gen.memos:
                coding.set_memo(session, quote_id=quotes[q_pick % len(quotes)].id or 0,
                                coder=CODERS[who], text=text)
            for q_pick, who in gen.reviews:
                coding.mark_reviewed(session, quote_id=quotes[q_pick % len(quotes)].id or 0,
                                     coder=CODERS[who])
    finally:
        project.close()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gen=generated())
def test_generated_projects_round_trip(gen: Generated) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "gen.db"
        build(db, gen)
        qdpx, imported = round_trip(db, Path(folder))
        assert_valid_qdpx(qdpx)
        assert project_snapshot(imported) == project_snapshot(db)
        again = Path(folder) / "again.qdpx"
        assert run("--db", str(db), "export", str(again)).code == 0
        assert zipfile.ZipFile(again).read("project.qde") == zipfile.ZipFile(qdpx).read(
            "project.qde")


def test_import_into_a_project_with_the_same_design(demo_db: Path, cli: Cli,
                                                    tmp_path: Path) -> None:
    from .conftest import REPO

    qdpx = tmp_path / "demo.qdpx"
    assert cli("--db", str(demo_db), "export", str(qdpx)).code == 0
    target = tmp_path / "designed.db"
    assert cli("--db", str(target), "init", "--study", str(REPO / "data/study.toml"),
               "--codebook", str(REPO / "codebooks/numerique-sante.yaml")).code == 0
    result = cli("--db", str(target), "import", str(qdpx))
    assert result.code == 0, result.err
    assert "codes 0 added, 25 updated" in result.out
    report = ("report", "--format", "json")
    assert cli("--db", str(target), *report).json() == cli("--db", str(demo_db), *report).json()
