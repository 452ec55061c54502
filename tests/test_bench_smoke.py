"""The benchmark corpus and harness at the smoke size: correctness only, never timings."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from sklearn.metrics import cohen_kappa_score

from benchmarks import corpus as corpora
from benchmarks import peers
from benchmarks.cases import import_coded, import_tables, quotes, report_json
from benchmarks.harness import Case, Corpus, Timed, Unavailable
from benchmarks.run import Options, discover, main, measure, run_case, table

from .conftest import Cli


@pytest.fixture(autouse=True)
def no_peers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The smoke tests never install qc: every peer figure is skipped, as offline."""
    monkeypatch.setenv(peers.ENABLED, "0")


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = tmp_path_factory.mktemp("corpora")
    return corpora.load("smoke", root)


def _db(corpus: Corpus) -> sqlite3.Connection:
    return sqlite3.connect(corpus.db)


def test_counts_are_what_the_manifest_says(smoke: Corpus) -> None:
    manifest = corpora.read_manifest(smoke.db.parent)
    assert manifest is not None
    conn = _db(smoke)

    def one(query: str) -> int:
        return int(conn.execute(query).fetchone()[0])

    assert one("SELECT COUNT(*) FROM quote") == manifest.quotes == smoke.quotes == 300
    assert one("SELECT COUNT(*) FROM study_group") == manifest.groups == 6
    assert one("SELECT COUNT(*) FROM participant") == manifest.participants
    assert one("SELECT COUNT(*) FROM participant WHERE is_moderator") == manifest.groups
    assert {r[0] for r in conn.execute("SELECT label FROM participant WHERE is_moderator")} \
        == {"ANIMATRICE"}
    assert one("SELECT COUNT(*) FROM quote q JOIN participant p ON p.id = q.participant_id "
               "WHERE p.is_moderator") == manifest.moderator_quotes > 0
    per_coder = dict(conn.execute("SELECT k.name, COUNT(*) FROM coding c "
                                  "JOIN coder k ON k.id = c.coder_id GROUP BY k.name"))
    assert per_coder == manifest.codings
    assert set(per_coder) == {"alice", "bob", "carol"}
    reviews = dict(conn.execute("SELECT k.name, COUNT(*) FROM review r "
                                "JOIN coder k ON k.id = r.coder_id GROUP BY k.name"))
    assert reviews == manifest.reviews
    # Moderators are never coded nor reviewed; every other turn is, by every coder.
    assert one("SELECT COUNT(*) FROM coding c JOIN quote q ON q.id = c.quote_id "
               "JOIN participant p ON p.id = q.participant_id WHERE p.is_moderator") == 0
    assert one("SELECT COUNT(*) FROM review r JOIN quote q ON q.id = r.quote_id "
               "JOIN participant p ON p.id = q.participant_id WHERE p.is_moderator") == 0
    touched = one("SELECT COUNT(*) FROM (SELECT quote_id, coder_id FROM coding UNION "
                  "SELECT quote_id, coder_id FROM review)")
    assert touched == 3 * (manifest.quotes - manifest.moderator_quotes)
    # Density: 1-3 codes on about a third of the participants' turns.
    coded = Counter(q for (q,) in conn.execute(
        "SELECT c.quote_id FROM coding c JOIN coder k ON k.id = c.coder_id "
        "WHERE k.name = 'alice'"))
    assert set(coded.values()) <= {1, 2, 3}
    assert 0.2 < len(coded) / (manifest.quotes - manifest.moderator_quotes) < 0.5
    # At most one child of an exclusive parent per coder and quote.
    assert conn.execute(
        "SELECT c.quote_id, c.coder_id, d.parent_id, COUNT(*) FROM coding c "
        "JOIN code d ON d.id = c.code_id JOIN code p ON p.id = d.parent_id "
        "WHERE p.exclusive GROUP BY 1, 2, 3 HAVING COUNT(*) > 1").fetchall() == []


def test_raw_files_hold_the_same_turns_at_the_stored_offsets(smoke: Corpus) -> None:
    conn = _db(smoke)
    rows = conn.execute(
        "SELECT g.name, p.label, q.text, q.start, q.\"end\", s.text FROM quote q "
        "JOIN study_group g ON g.id = q.group_id JOIN participant p ON p.id = q.participant_id "
        "JOIN source s ON s.id = q.source_id ORDER BY g.position, q.position").fetchall()
    for _group, label, text, start, end, source in rows:
        assert source[start:end] == text
        assert source[:start].endswith(f"\n{label} : ")
        assert ":" not in text and "\n" not in text
    for (name, source) in conn.execute("SELECT name, text FROM source"):
        on_disk = (smoke.raw / "transcripts" / name).read_text(encoding="utf-8")
        assert on_disk == source
        header, _, body = on_disk.partition("\n\n")
        assert ":" not in header
        assert all(re.match(r"^\S+ : \S", line) for line in body.splitlines())
    with (smoke.raw / "quotes.csv").open(encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0] == ["group", "speaker", "text"]
    assert [tuple(r) for r in table[1:]] == [(g, lab, t) for g, lab, t, *_ in rows]
    assert any(ch in "".join(t for *_, t in table[1:]) for ch in "éèàçœ\u00a0")


def test_alice_and_bob_agree_like_real_double_coders(smoke: Corpus) -> None:
    conn = _db(smoke)
    themes = dict(conn.execute("SELECT id, name FROM code WHERE parent_id IS NULL"))
    parent = dict(conn.execute("SELECT id, parent_id FROM code"))

    def theme(code: int) -> str:
        while parent[code] is not None:
            code = parent[code]
        return str(themes[code])

    units = [q for (q,) in conn.execute(
        "SELECT q.id FROM quote q JOIN participant p ON p.id = q.participant_id "
        "WHERE NOT p.is_moderator ORDER BY q.id")]
    applied: dict[str, set[tuple[int, str]]] = {"alice": set(), "bob": set()}
    for quote, coder, code in conn.execute(
            "SELECT c.quote_id, k.name, c.code_id FROM coding c JOIN coder k "
            "ON k.id = c.coder_id WHERE k.name IN ('alice', 'bob')"):
        applied[coder].add((quote, theme(code)))
    manifest = corpora.read_manifest(smoke.db.parent)
    assert manifest is not None
    kappas = []
    for name in themes.values():
        a = [int((q, name) in applied["alice"]) for q in units]
        b = [int((q, name) in applied["bob"]) for q in units]
        kappa = float(cohen_kappa_score(a, b))
        assert manifest.kappa[name] == pytest.approx(kappa)
        kappas.append(kappa)
    mean = sum(kappas) / len(kappas)
    assert 0.5 <= mean <= 0.9, kappas
    assert all(0.4 <= k <= 0.95 for k in kappas), kappas


def test_same_seed_same_project_other_seed_another(tmp_path: Path,
                                                   smoke: Corpus) -> None:
    again = corpora.load("smoke", tmp_path / "again")
    other = corpora.load("smoke", tmp_path / "other", seed=7)
    assert corpora.content_digest(again.db) == corpora.content_digest(smoke.db)
    assert corpora.content_digest(other.db) != corpora.content_digest(smoke.db)
    for path in ("quotes.csv", "transcripts/G3.txt"):
        assert (again.raw / path).read_bytes() == (smoke.raw / path).read_bytes()


def test_a_stale_corpus_is_rebuilt(tmp_path: Path, smoke: Corpus) -> None:
    folder = tmp_path / "c"
    corpora.load("smoke", folder)
    manifest = json.loads((folder / "smoke" / "manifest.json").read_text(encoding="utf-8"))
    manifest["version"] = corpora.GENERATOR_VERSION - 1
    (folder / "smoke" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (folder / "smoke" / "raw" / "quotes.csv").write_text("stale", encoding="utf-8")
    rebuilt = corpora.load("smoke", folder)
    assert (rebuilt.raw / "quotes.csv").read_bytes() == (smoke.raw / "quotes.csv").read_bytes()


def test_floors_do_the_same_work_as_the_runs(smoke: Corpus) -> None:
    with (smoke.raw / "quotes.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    # every row is a turn, a repeated "Oui." included
    assert import_tables.run(smoke) == import_tables.floor(smoke) == len(rows) == smoke.quotes
    assert import_coded.run(smoke) == import_coded.floor(smoke) > 0
    assert json.loads(quotes.run(smoke)) == json.loads(quotes.floor(smoke))
    report = json.loads(report_json.run(smoke))
    names = {t["name"] for t in report["themes"]}
    conn = _db(smoke)
    code_name = dict(conn.execute("SELECT id, name FROM code"))
    group_name = dict(conn.execute("SELECT id, name FROM study_group"))
    bare = {(code_name[t], group_name[g]): (n, p) for t, g, n, p, _ in
            json.loads(report_json.floor(smoke))}
    cells = {(c["theme"], c["group"]): (c["quotes"], c["participants"])
             for c in report["cells"] if c["quotes"]}
    assert cells == bare
    assert {theme for theme, _ in cells} <= names and len(cells) > 20


def test_harness_runs_every_case_and_writes_results(tmp_path: Path, smoke: Corpus) -> None:
    printed: list[str] = []
    results = tmp_path / "results"
    opts = Options(sizes=["smoke"], repeat=1, out=smoke.db.parents[1], results=results,
                   in_process=True)
    rows = main(opts, echo=printed.append)
    cases = discover()
    assert {c.name for _, c in cases} >= {"import quote table (csv)", "report json",
                                          "quotes --json one group"}
    assert len(rows) == len(cases)
    for (_, case), row in zip(cases, rows, strict=True):
        assert row.error is None, row.error
        if row.skipped is None:
            assert row.run is not None and row.run > 0, case.name
            assert (row.floor is not None) == (case.floor is not None), case.name
    output = "\n".join(printed)
    assert "run/floor" in output and "peak RSS" in output
    assert all(c.name in output for _, c in cases)
    latest = json.loads((results / "latest.json").read_text(encoding="utf-8"))
    assert len(list(results.glob("*.json"))) == 2
    assert [r["case"] for r in latest["results"]] == [c.name for _, c in cases]
    assert latest["corpora"]["smoke"]["quotes"] == 300
    printed.clear()
    main(Options(sizes=["smoke"], cases=["report"], repeat=1, out=smoke.db.parents[1],
                 results=results, in_process=True), echo=printed.append)
    assert "compared with the previous latest.json" in printed[-1]
    assert re.search(r"report json\s+smoke\s.*[+-]\d+ %", "\n".join(printed))


def test_a_subprocess_measures_memory(tmp_path: Path, smoke: Corpus) -> None:
    rows = main(Options(sizes=["smoke"], cases=["report json"], repeat=1,
                        out=smoke.db.parents[1], results=tmp_path, in_process=False),
                echo=lambda _: None)
    (row,) = [r for r in rows if r.case == "report json"]
    assert row.error is None, row.error
    assert row.rss_run is not None and row.rss_base is not None
    assert row.rss_peak is not None and row.rss_peak >= row.rss_run >= row.rss_base > 10 * 2**20
    assert row.run is not None and row.floor is not None
    assert len(row.run_times) == len(row.floor_times) == 1


def _qualcode(corpus: Corpus, *args: str) -> str:
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "qualcode", "--db", str(corpus.db), *args],
                          capture_output=True, text=True, check=True).stdout


def test_whole_process_floors_compute_what_the_commands_print(smoke: Corpus) -> None:
    """The floors of the whole-process cases (issue 24) give the same quotes, cells,
    segments and alphas as the commands they stand beside, and every such case runs."""
    from benchmarks import floors
    from benchmarks.cases import whole_process

    shown = _qualcode(smoke, "quotes", "--code", "data security", "--json")
    assert floors.quotes_with_code(str(smoke.db), "data security") == shown
    assert json.loads(shown)
    every = _qualcode(smoke, "quotes", "--json")
    assert floors.quotes_with_code(str(smoke.db)) == every
    assert len(json.loads(every)) == smoke.quotes
    assert floors.report(str(smoke.db)) == _qualcode(smoke, "report", "--format", "json")
    segments = floors.segments(str(smoke.db))
    assert _qualcode(smoke, "segments", "--format", "json") == segments
    assert len(json.loads(segments)) == sum(corpora.read_manifest(smoke.db.parent)
                                            .codings.values())  # type: ignore[union-attr]
    agreement = json.loads(_qualcode(smoke, "agreement", "--format", "json"))
    alphas = [row["krippendorff_alpha"] for row in agreement["codes"] + agreement["exclusive"]]
    assert json.loads(floors.agreement(str(smoke.db))) == pytest.approx(alphas)
    for case in whole_process.CASES:
        assert case.run(smoke) is not None, case.name
        if case.floor is not None:
            assert case.floor(smoke) is not None, case.name
        if case.peer is not None:
            with pytest.raises(Unavailable):
                case.peer(smoke)


def test_the_quotes_floor_prints_the_commands_bytes_with_segments_memos_and_reviews(
        cli: Cli, demo_db: Path) -> None:
    """The floor of `quotes --code --json` writes what the command writes, on a project
    holding what the benchmark corpus lacks: segments (two of one code), memos on the
    quote and on codings, a review mark without codes, the consensus, a code two levels
    under the one asked for, and texts JSON must escape."""
    from benchmarks import floors

    db = str(demo_db)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("INSERT INTO code (name, parent_id, position, description, include, "
                      "exclude, example, keywords, exclusive) SELECT 'rançongiciel', id, 0, "
                      "'', '', '', '', '[]', 0 FROM code WHERE name = 'hacking'")
    first, second, third, fourth, fifth = (row[0] for row in conn.execute(
        "SELECT id FROM quote WHERE id NOT IN (SELECT quote_id FROM coding c "
        "JOIN code d ON d.id = c.code_id JOIN code p ON p.id = d.parent_id "
        "WHERE 'data security' IN (d.name, p.name)) ORDER BY id LIMIT 5"))
    conn.close()
    steps = [
        ("alice", str(first), "hacking", "--span", "0:8"),
        ("alice", str(first), "hacking", "--memo", "sur toute la citation"),
        ("alice", str(first), "hacking", "--span", "12:30", "--memo", "« piraté » :\tmot\n"),
        ("alice", str(first), "commercial use", "data security"),
        ("bob", str(first), "storage practices", "--memo", 'il dit "stocké"'),
        ("bob", str(first), "--memo", "Note de bob : à revoir !"),
        ("alice", str(first), "--memo", "Note d’alice"),
        ("carol", str(first), "--reviewed"),
        ("alice", str(fifth), "rançongiciel"),
        ("bob", str(second), "data sensitivity", "hacking"),
        ("tester", str(second), "data sensitivity"),
        ("alice", str(third), "practicality"),
        ("bob", str(fourth), "data security"),
    ]
    for coder, *args in steps:
        done = cli("--db", db, "--coder", coder, "code", *args)
        assert done.code == 0, (args, done.err)
    settled = cli("--db", db, "--coder", "alice", "settle", str(second), "hacking",
                  "data sensitivity")
    assert settled.code == 0, settled.err
    printed = cli("--db", db, "quotes", "--code", "data security", "--json").out
    assert floors.quotes_with_code(db, "data security") == printed
    shown = {q["id"]: q for q in json.loads(printed)}
    assert third not in shown and {first, second, fourth, fifth} <= set(shown)
    assert [s["start"] for s in shown[first]["segments"]] == [0, 12]
    assert [(m["coder"], m["code"]) for m in shown[first]["memos"]][2:] == [
        ("alice", "hacking"), ("alice", "hacking"), ("bob", "storage practices")]
    assert "carol" in shown[first]["reviewed_by"] and "carol" not in shown[first]["codes"]
    assert shown[fifth]["codes"]["alice"] == ["rançongiciel"]
    assert "consensus" in shown[second]["codes"]


def test_a_peer_that_cannot_run_leaves_its_column_empty_with_the_reason(
        smoke: Corpus) -> None:
    def absent(_: Corpus) -> object:
        raise Unavailable("qc could not be installed: no network")

    timing = measure(Case("x", lambda c: 1, lambda c: 2, peer=absent), smoke, repeat=2)
    assert timing.error is None and len(timing.run_times) == len(timing.floor_times) == 2
    assert timing.peer_times == [] and timing.peer_skipped == \
        "qc could not be installed: no network"
    row = run_case("m", Case("x", lambda c: Timed(2.0), lambda c: Timed(1.0),
                             peer=lambda c: Timed(4.0), peer_name="qc x", beside="y"),
                   smoke, smoke.db.parent, repeat=1, in_process=True, timeout=60)
    assert (row.run, row.floor, row.peer, row.peer_ratio) == (2.0, 1.0, 4.0, 0.5)
    skipped = run_case("m", Case("z", lambda c: 1, peer=absent, peer_name="qc z"), smoke,
                       smoke.db.parent, repeat=1, in_process=True, timeout=60)
    printed = table([row, skipped], {})
    assert re.search(r"^x\s+smoke\s+2\.00 s\s+1\.00 s\s+2\.00×\s+-\s+4\.00 s\s+0\.50×",
                     printed, re.M), printed
    assert re.search(r"^z\s+smoke\s+\S+ .s\s+-\s+-\s+-\s+n/a\s+-", printed, re.M), printed
    assert "  x: qc x" in printed
    assert "not measured: qc could not be installed: no network" in printed


def test_the_qc_corpus_puts_turn_k_on_line_2k_and_the_codebook_is_qcs_yaml(
        smoke: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    monkeypatch.setattr(peers, "PEERS", tmp_path)
    texts = peers.corpus_texts(smoke)
    conn = _db(smoke)
    for group, label, position, text in conn.execute(
            "SELECT g.name, p.label, q.position, q.text FROM quote q "
            "JOIN study_group g ON g.id = q.group_id "
            "JOIN participant p ON p.id = q.participant_id"):
        lines = (texts / f"{group}.txt").read_text(encoding="utf-8").split("\n")
        assert lines[2 * position] == f"{label} : {text}"
    assert sorted(p.name for p in texts.iterdir()) == sorted(
        f"{g}.txt" for (g,) in conn.execute("SELECT name FROM study_group"))
    tree = yaml.safe_load(peers._codebook_yaml(smoke))
    security = next(node for node in tree if isinstance(node, dict) and "data security" in node)
    assert "hacking" in security["data security"]
    assert len(tree) == conn.execute("SELECT COUNT(*) FROM code WHERE parent_id IS NULL"
                                     ).fetchone()[0]


def test_memory_readings_never_go_down(monkeypatch: pytest.MonkeyPatch, smoke: Corpus) -> None:
    """The kernel may read a high-water mark a few pages below an earlier reading (CI
    once saw the peak 36 KB under the reading after `run`); the harness holds each one
    at or above the last, so a peak is never smaller than what it includes."""
    from benchmarks import run

    readings = iter([50 * 2**20, 71_589_888, 71_553_024])
    monkeypatch.setattr(run, "_max_rss", lambda: next(readings))
    timing = measure(Case("x", lambda c: 1), smoke, repeat=1)
    assert (timing.rss_base, timing.rss_run, timing.rss_peak) == (
        50 * 2**20, 71_589_888, 71_589_888)
