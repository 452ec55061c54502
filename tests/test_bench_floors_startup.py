"""The harness measures on the demo too, and its floors pay the start-up their command
needs: the `demo` corpus is the project `qualcode demo` builds, the search floor imports
NumPy (qualcode's engine scores on it) and prints the hits it printed before, and the
`init + import` floor is two processes that leave the rows the user's two commands
leave, the first loading the libraries `init` loads to read the study and codebook."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import corpus as corpora
from benchmarks import peers, process
from benchmarks.__main__ import parse
from benchmarks.cases import whole_process
from benchmarks.harness import Corpus
from benchmarks.run import find_case, run_case

REPO = Path(__file__).resolve().parents[1]
STUDY, CODEBOOK = "data/study.toml", "codebooks/numerique-sante.yaml"

CODINGS = ("SELECT q.external_id, q.text, c.name, x.span_start, x.span_end, x.memo, k.name "
           "FROM coding x "
           "JOIN quote q ON q.id = x.quote_id JOIN code c ON c.id = x.code_id "
           "JOIN coder k ON k.id = x.coder_id ORDER BY 1, 3, 7")
QUOTES = ("SELECT g.name, p.label, p.is_moderator, p.attributes, q.position, q.text, "
          "q.external_id, q.text_hash, q.start, q.\"end\" FROM quote q "
          "JOIN study_group g ON g.id = q.group_id "
          "JOIN participant p ON p.id = q.participant_id ORDER BY 1, 5")
PARTICIPANTS = ("SELECT g.name, p.label, p.is_moderator, p.attributes FROM participant p "
                "JOIN study_group g ON g.id = p.group_id ORDER BY 1, 2")
SOURCES = "SELECT group_id, name, kind, format, content_hash, text FROM source ORDER BY id"
BY_KEY = {"participant": PARTICIPANTS, "quote": QUOTES, "source": SOURCES,
          "coding": CODINGS}
"""Tables whose ids the floor numbers its own way (speakers sorted), or whose rows hold a
time or the coder's name: compared by what does not depend on them. The journal
(`event`: times, paths) is left out, as `corpus.content_digest` leaves it out."""

SEARCH_BEFORE = """
import sqlite3, sys, unicodedata
from rapidfuzz import fuzz, process
def fold(t):
    return "".join(c for c in unicodedata.normalize("NFD", t.casefold())
                   if not unicodedata.combining(c))
conn = sqlite3.connect(sys.argv[1])
texts = [fold(t) for (t,) in conn.execute("SELECT text FROM quote")]
print(process.extract(fold(sys.argv[2]), texts, scorer=fuzz.partial_ratio, limit=20))
"""
"""The search floor as it was before it imported NumPy: what it must still print."""


@pytest.fixture(autouse=True)
def _no_peers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(peers.ENABLED, "0")


@pytest.fixture(scope="module")
def corpora_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("corpora")


@pytest.fixture(scope="module")
def demo(corpora_root: Path) -> Corpus:
    return corpora.load(corpora.DEMO, corpora_root)


@pytest.fixture(scope="module")
def smoke(corpora_root: Path) -> Corpus:
    return corpora.load("smoke", corpora_root)


def _python(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    return done


def _query(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows but the journal's, the id-numbered ones by natural keys."""
    conn = sqlite3.connect(db)
    try:
        tables = [t for (t,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'event' "
            "AND name NOT LIKE 'sqlite%' ORDER BY name")]
        return {t: conn.execute(BY_KEY.get(t, f'SELECT * FROM "{t}" ORDER BY rowid')).fetchall()
                for t in tables}
    finally:
        conn.close()


# The demo corpus


def test_the_demo_corpus_holds_what_qualcode_demo_builds(demo: Corpus, tmp_path: Path) -> None:
    made = tmp_path / "made.db"
    _python("-m", "qualcode", "--db", str(made), "demo", "--no-tui")
    ours, theirs = _rows(demo.db), _rows(made)
    assert len(ours["quote"]) == 22 == demo.quotes
    assert ours == theirs
    codings = _query(demo.db, CODINGS)
    assert codings and codings == _query(made, CODINGS)
    assert {k for *_, k in codings} == {"seed"}
    manifest = corpora.read_manifest(demo.db.parent)
    assert manifest is not None and manifest.size == corpora.DEMO
    assert manifest.codings == {"seed": len(codings)}


def test_the_demo_corpus_raw_files_and_empty_project_are_inits(demo: Corpus,
                                                               tmp_path: Path) -> None:
    assert (demo.raw / "study.toml").read_bytes() == (REPO / STUDY).read_bytes()
    assert (demo.raw / "codebook.yaml").read_bytes() == (REPO / CODEBOOK).read_bytes()
    assert (demo.raw / "quotes.csv").read_bytes() == (REPO / "data/quotes.csv").read_bytes()
    assert not (demo.raw / "transcripts").exists()  # the demo's quotes come from a table
    made = tmp_path / "init.db"
    _python("-m", "qualcode", "--db", str(made), "init", "--study", STUDY,
            "--codebook", CODEBOOK)
    empty = demo.db.parent / "empty.db"
    assert _rows(empty) == _rows(made)
    assert _rows(empty)["code"] and not _rows(empty)["quote"]
    journal = "SELECT coder, action, payload FROM event"
    assert _query(empty, journal) == _query(made, journal)


def test_a_demo_corpus_whose_demo_files_changed_is_rebuilt(tmp_path: Path) -> None:
    first = corpora.load(corpora.DEMO, tmp_path)
    marker = first.db.parent / "marker"
    marker.touch()
    assert corpora.load(corpora.DEMO, tmp_path).db == first.db and marker.exists()  # cached
    manifest = first.db.parent / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["inputs"] = "built from other demo files"
    manifest.write_text(json.dumps(data), encoding="utf-8")
    corpora.load(corpora.DEMO, tmp_path)
    assert not marker.exists()
    rebuilt = corpora.read_manifest(first.db.parent)
    assert rebuilt is not None and rebuilt.inputs == corpora.demo_inputs()


def test_make_bench_measures_the_demo_first_and_the_commands_there(demo: Corpus) -> None:
    assert parse([]).sizes.split(",") == [corpora.DEMO, "1k", "10k", "100k"]
    on_demo = {c.name for c in whole_process.CASES if corpora.DEMO in c.sizes}
    assert {"process: search", "process: init + import quotes.csv",
            "process: report --format json", "process: quotes --json"} <= on_demo
    assert on_demo == {c.name for c in whole_process.CASES} - whole_process.NOT_ON_THE_DEMO
    # The demo has no transcript: the case importing them skips it, without running.
    row = run_case("import_transcripts", find_case("import_transcripts",
                                                   "import transcripts (txt)"),
                   demo, demo.db.parent, repeat=1, in_process=True, timeout=60)
    assert row.skipped and not row.error and not row.run_times


# The search floor


def test_the_search_floor_imports_numpy(demo: Corpus) -> None:
    done = _python("-X", "importtime", "-c", whole_process.SEARCH_FLOOR, str(demo.db),
                   whole_process.QUERY)
    imported = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:") and "|" in line}
    assert {"numpy", "rapidfuzz", "sqlite3"} <= imported


@pytest.mark.parametrize("size", [corpora.DEMO, "smoke"])
def test_the_search_floor_prints_the_hits_it_printed_before(size: str,
                                                            corpora_root: Path) -> None:
    corpus = corpora.load(size, corpora_root)
    now = _python("-c", whole_process.SEARCH_FLOOR, str(corpus.db), whole_process.QUERY)
    before = _python("-c", SEARCH_BEFORE, str(corpus.db), whole_process.QUERY)
    assert now.stdout == before.stdout
    assert now.stdout.count("(") >= 10  # hits, not an empty list


# The init + import floor


@pytest.mark.parametrize("size", [corpora.DEMO, "smoke"])
def test_the_import_floor_is_two_processes_leaving_what_init_and_import_leave(
        size: str, corpora_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = corpora.load(size, corpora_root)
    monkeypatch.setattr(whole_process, "_FOLDER", tmp_path)
    commands: list[list[str]] = []
    after_first: list[dict[str, list[tuple[object, ...]]]] = []
    real_run = process.run

    def run(command: list[str], cwd: Path | None = None) -> process.Finished:
        finished = real_run(command, cwd)
        commands.append(list(command))
        if command[2:4] == ["benchmarks.import_floor", "init"]:
            after_first.append(_rows(Path(command[-1])))  # the project as init leaves it
        return finished

    monkeypatch.setattr(process, "run", run)
    whole_process._import_floor(corpus)
    assert [c[2:4] for c in commands] == [["benchmarks.import_floor", "init"],
                                          ["benchmarks.import_floor", "import"]]
    floor_db = tmp_path / f"import-floor-{size}" / "project.db"
    (made,) = after_first
    assert made["code"] and made["study_group"] and not made["quote"]  # init's share alone

    commands.clear()
    whole_process._init_import(corpus)  # the case's run: qualcode init, qualcode import
    assert [c[c.index("--db") + 2] for c in commands] == ["init", "import"]
    ours = _rows(tmp_path / f"import-{size}" / "project.db")
    assert _rows(floor_db) == ours
    assert len(ours["quote"]) == corpus.quotes
    assert ours["participant"] and ours["source"]


def test_the_floors_first_process_loads_what_init_loads_to_read_its_inputs(
        demo: Corpus, tmp_path: Path) -> None:
    """tomllib for the study, PyYAML for the codebook; rapidfuzz only when `init` loads
    it (for codebook names that may be near duplicates: none in the study's)."""
    libraries = ("tomllib", "yaml", "rapidfuzz", "numpy")
    probe = ("import runpy, sys\n"
             "module, *sys.argv[1:] = sys.argv[1:]\n"
             "try:\n"
             "    runpy.run_module(module, run_name='__main__', alter_sys=True)\n"
             "except SystemExit as end:\n"
             "    assert not end.code, end.code\n"
             f"print(' '.join(m for m in {libraries!r} if m in sys.modules))\n")
    raw = demo.raw
    init = _python("-c", probe, "qualcode", "--db", str(tmp_path / "q.db"), "init",
                   "--study", str(raw / "study.toml"), "--codebook", str(raw / "codebook.yaml"))
    floor = _python("-c", probe, "benchmarks.import_floor", "init", str(demo.db.parent),
                    str(tmp_path / "f.db"))
    loaded = init.stdout.strip().splitlines()[-1].split()  # after init's "created …"
    assert {"tomllib", "yaml"} <= set(loaded)
    assert floor.stdout.split() == loaded


@pytest.mark.parametrize(("name", "broken", "error"), [
    ("study.toml", "[study\ntitle = ", "toml"), ("codebook.yaml", "codes: [unclosed", "yaml")])
def test_the_floors_first_process_parses_the_study_and_the_codebook(
        name: str, broken: str, error: str, demo: Corpus, tmp_path: Path) -> None:
    """Loaded is not enough: a floor of `init` reads and parses both files, so a broken one
    stops it as it stops `init`."""
    folder = tmp_path / "corpus"
    (folder / "raw").mkdir(parents=True)
    (folder / "empty.db").write_bytes((demo.db.parent / "empty.db").read_bytes())
    for each in ("study.toml", "codebook.yaml"):
        (folder / "raw" / each).write_bytes((demo.raw / each).read_bytes())
    (folder / "raw" / name).write_text(broken, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "benchmarks.import_floor", "init", str(folder),
                           str(tmp_path / "p.db")], cwd=REPO, capture_output=True, text=True,
                          check=False)
    assert done.returncode != 0 and error in done.stderr.lower()
    assert not (tmp_path / "p.db").exists()  # stopped before making the project
