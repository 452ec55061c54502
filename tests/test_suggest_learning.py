"""Suggestions learned from the project's own coding: what they learn from, what they say
of a quote and why, and how they are measured (by cross-validation grouped by focus
group, beside keywords alone)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

import pytest
from sklearn.metrics import precision_recall_fscore_support

from benchmarks.corpus import build
from qualcode.db.engine import open_project
from qualcode.reports.counts import Scope
from qualcode.search.evaluate import Tally, evaluate
from qualcode.search.examples import Examples, load_examples
from qualcode.search.suggest import KeptSuggester, Suggester, most_informative
from qualcode.services.code_tree import code_tree
from qualcode.services.coding import apply_codes
from tests.conftest import Cli

INSURER = "Je ne veux pas que mes données finissent chez un assureur ou chez Google"
DATA_SECURITY = {"data security", "data sensitivity", "commercial use", "hacking",
                 "storage practices"}


def add_quote(cli: Cli, db: Path, tmp_path: Path, text: str) -> int:
    table = tmp_path / "more.csv"
    table.write_text(f'group,speaker,text\nG3,P9,"{text}"\n', encoding="utf-8")
    assert cli("--db", str(db), "import", str(table)).code == 0
    rows = sqlite3.connect(db).execute("SELECT id FROM quote WHERE text = ?", (text,))
    return int(rows.fetchone()[0])


def test_the_insurer_quote_gets_a_data_security_code_with_its_reasons(
        cli: Cli, demo_db: Path, tmp_path: Path) -> None:
    quote = add_quote(cli, demo_db, tmp_path, INSURER)
    (found,) = cli("--db", str(demo_db), "suggest", str(quote), "--json").json()
    best = found["suggestions"][0]
    assert best["code"] in DATA_SECURITY and best["score"] >= 70
    why = best["why"]
    assert "données" in why["keywords"]
    # the demo's coded quotes about data (#9 hacking and sensitivity, #10 commercial use)
    assert set(why["similar_quotes"]) & {9, 10}
    assert any("données" in w for w in why["words"])
    shown = cli("--db", str(demo_db), "suggest", str(quote)).out
    assert "like #" in shown and "« données »" in shown


def test_keywords_alone_left_it_below_the_threshold(cli: Cli, tmp_path: Path) -> None:
    """The same quote in a project nobody has coded: keywords only, one word, 50."""
    db = tmp_path / "bare.db"
    repo = Path(__file__).resolve().parents[1]
    assert cli("--db", str(db), "init", "--study", str(repo / "data/study.toml"),
               "--codebook", str(repo / "codebooks/numerique-sante.yaml")).code == 0
    quote = add_quote(cli, db, tmp_path, INSURER)
    (found,) = cli("--db", str(db), "suggest", str(quote), "--json").json()
    assert [(s["code"], round(s["score"])) for s in found["suggestions"]] == [
        ("data security", 50)]
    assert found["suggestions"][0]["why"]["by"] == "keywords"


def test_auto_and_moderators_never_teach(demo_db: Path) -> None:
    conn = sqlite3.connect(demo_db)
    conn.execute("UPDATE participant SET is_moderator = 1 WHERE id = "
                 "(SELECT participant_id FROM quote WHERE id = 2)")
    conn.commit()
    conn.close()
    project = open_project(str(demo_db))
    try:
        with project.write() as session:
            apply_codes(session, quote_id=1, codes=["hacking"], coder="auto")
            codes = code_tree(session)
            everyone = load_examples(session, codes)
            seed_only = load_examples(session, codes, Scope(coder="seed"))
            auto_only = load_examples(session, codes, Scope(coder="auto"))
    finally:
        project.close()
    hacking = next(c.id for c in codes if c.name == "hacking")
    assert hacking not in everyone.labels[everyone.ids.index(1)]  # auto taught nothing
    assert 2 not in everyone.ids  # a moderator's turn is no example
    assert everyone.ids == seed_only.ids and len(everyone) == 21
    assert len(auto_only) == 0
    # a sub-code teaches its theme: quote 9 (hacking) carries data security too
    data = next(c.id for c in codes if c.name == "data security")
    assert data in everyone.labels[everyone.ids.index(9)]


def test_figures_match_an_independent_computation() -> None:
    truth = [1, 1, 1, 0, 0, 1, 0, 1]
    guess = [1, 0, 1, 1, 0, 1, 0, 0]
    tally = Tally()
    for t, g in zip(truth, guess, strict=True):
        tally.true_positives += t and g
        tally.false_positives += (not t) and g
        tally.false_negatives += t and not g
    precision, recall, f1, _ = precision_recall_fscore_support(truth, guess, average="binary")
    assert (tally.precision, tally.recall, tally.f1) == pytest.approx((precision, recall, f1))
    assert Tally().f1 == 0.0 and Tally().precision is None


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The benchmarks' synthetic project of 1,000 quotes (six groups, three coders)."""
    folder = tmp_path_factory.mktemp("corpus") / "1k"
    build("1k", folder)
    return folder / "project.db"


def test_cross_validation_never_trains_on_the_group_it_tests(
        corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each fold takes its held-out quotes, then its training quotes, out of the examples:
    their groups never meet, and every group is held out once."""
    subsets: list[set[int]] = []
    real = Examples.subset

    def spy(self: Examples, rows: Iterable[int]) -> Examples:
        part = real(self, rows)
        subsets.append(set(part.groups))
        return part

    monkeypatch.setattr(Examples, "subset", spy)
    project = open_project(str(corpus))
    try:
        with project.read() as session:
            result = evaluate(session, Scope(coder="alice"), folds=3)
            every = set(load_examples(session, code_tree(session), Scope(coder="alice")).groups)
    finally:
        project.close()
    folds = list(zip(subsets[0::2], subsets[1::2], strict=True))  # (held out, trained)
    assert len(folds) == 3 and result.folds == 3 and result.groups == len(every) == 6
    assert all(tested and trained and not tested & trained for tested, trained in folds)
    assert set().union(*(tested for tested, _ in folds)) == every


def test_learned_suggestions_beat_keywords_on_the_synthetic_corpus(cli: Cli,
                                                                   corpus: Path) -> None:
    result = cli("--db", str(corpus), "suggest", "--evaluate", "--coder", "alice", "--json")
    assert result.code == 0, result.err
    data = result.json()
    enough = [c for c in data["codes"] if c["enough_codings"]]
    assert len(enough) == data["codes_with_enough_codings"] >= 20
    better = [c["code"] for c in enough if c["learned"]["f1"] > c["keywords"]["f1"]]
    print(f"learned F1 above keywords for {len(better)} of {len(enough)} codes")
    # At 10,000 quotes it is every code; at 1,000, a few codes have 15 codings or so.
    assert len(better) >= 0.8 * len(enough)
    mean = sum(c["learned"]["f1"] for c in enough) / len(enough)
    baseline = sum(c["keywords"]["f1"] for c in enough) / len(enough)
    assert mean > baseline + 0.15
    text = cli("--db", str(corpus), "suggest", "--evaluate", "--coder", "alice").out
    assert "cross-validation by group over 6 groups" in text and "R@3" in text


def test_evaluate_needs_two_groups_and_refuses_apply(cli: Cli, demo_db: Path,
                                                    tmp_path: Path) -> None:
    bad = cli("--db", str(demo_db), "suggest", "--evaluate", "--apply")
    assert bad.code == 1 and bad.err.count("\n") == 1
    bad = cli("--db", str(demo_db), "suggest", "--evaluate", "--coder", "nobody")
    assert bad.code == 1 and "unknown coder" in bad.err
    db = tmp_path / "one.db"
    repo = Path(__file__).resolve().parents[1]
    assert cli("--db", str(db), "init", "--study", str(repo / "data/study.toml"),
               "--codebook", str(repo / "codebooks/numerique-sante.yaml")).code == 0
    quote = add_quote(cli, db, tmp_path, INSURER)
    assert cli("--db", str(db), "code", str(quote), "hacking").code == 0
    lone = cli("--db", str(db), "suggest", "--evaluate")
    assert lone.code == 1 and "two groups or more" in lone.err


def test_apply_codes_as_auto_and_teaches_nothing(cli: Cli, corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    db.write_bytes(corpus.read_bytes())
    before = cli("--db", str(db), "suggest", "--evaluate", "--json").json()
    applied = cli("--db", str(db), "--coder", "alice", "suggest", "--apply")
    assert applied.code == 0 and "as `auto`" in applied.out
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM coding c JOIN coder k ON k.id = c.coder_id "
                        "WHERE k.name = 'auto'").fetchone()[0] > 0
    conn.close()
    assert cli("--db", str(db), "suggest", "--evaluate", "--json").json() == before


def test_the_kept_model_is_trained_again_only_when_the_coding_changes(demo_db: Path) -> None:
    kept = KeptSuggester()
    project = open_project(str(demo_db))
    try:
        with project.read() as session:
            assert kept.current(session) is None and kept.last is None
            first = kept.get(session)
            assert kept.get(session) is first and kept.current(session) is first
        with project.write() as session:
            apply_codes(session, quote_id=1, codes=["hacking"], coder="bob")
        with project.read() as session:
            assert kept.current(session) is None and kept.last is first  # stale, kept
            assert kept.get(session) is not first
            assert kept.current(session) is kept.last is not first
    finally:
        project.close()


def test_most_informative_puts_the_doubtful_first() -> None:
    from qualcode.services.code_tree import CodeNode

    codes = [CodeNode(1, "hacking", None, 0, None, None, False, ())]
    texts = [f"on m'a piraté le compte bancaire, numéro {i}" for i in range(12)]
    texts += [f"une consultation chez le médecin, numéro {i}" for i in range(12)]
    labels = [frozenset({1})] * 12 + [frozenset()] * 12
    model = Suggester(codes, Examples(list(range(1, 25)), texts, [1, 2] * 12, labels))
    assert model.learned is not None and model.learned.has_model(1)
    asked = ["piraté, mon compte bancaire", "mon compte, à la consultation", "rien à voir",
             "le compte", "piraté chez le médecin"]
    p = model.learned.probabilities(asked)[1]
    assert p[0] > 0.5 and p[2] == 0.0  # sure of the first; nothing known of the third
    order = most_informative(model, [101, 102, 103, 104, 105], asked)
    doubt = {101 + i: 1 - abs(2 * p[i] - 1) for i in range(5)}
    assert order == sorted(doubt, key=lambda q: (-doubt[q], q))
    assert doubt[103] == min(doubt.values()) == 0.0 and order[0] != 103
    assert Suggester(codes).suggest("piraté") == []  # no coding, no keyword: nothing


async def test_the_workbench_brings_the_most_informative_quotes_first(
        cli: Cli, demo_db: Path, tmp_path: Path) -> None:
    from qualcode.tui.widgets.quote_list import QuoteList

    from .tui_support import SIZE, ready, settle, workbench

    table = tmp_path / "new.csv"
    new = [INSURER, "C'est simple et rapide, je prends rendez-vous en ligne.",
           "Le temps qu'il fait aujourd'hui.", "Mon espace santé, je ne l'ai pas activé."]
    table.write_text("group,speaker,text\n" + "".join(f'G4,P8,"{t}"\n' for t in new),
                     encoding="utf-8")
    assert cli("--db", str(demo_db), "import", str(table)).code == 0
    conn = sqlite3.connect(demo_db)
    ids = {t: int(i) for i, t in conn.execute("SELECT id, text FROM quote")}
    conn.close()
    project = open_project(str(demo_db))
    try:
        with project.read() as session:
            model = KeptSuggester().get(session)
    finally:
        project.close()
    expected = most_informative(model, [ids[t] for t in new], new)
    assert expected != sorted(expected)  # not the order they came in
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("f", *"most informative", "enter")
        await settle(pilot)
        quotes = screen.query_one(QuoteList)
        assert [quotes.bench.ids[i] for i in quotes.order] == expected
        assert "most informative first" in str(screen.criteria[0].label)


def test_all_models_at_once_give_scikit_learns_probabilities(corpus: Path) -> None:
    from qualcode.search.learning import _present, _with_column
    from qualcode.search.suggest import suggester

    project = open_project(str(corpus))
    try:
        with project.read() as session:
            learned = suggester(session).learned
    finally:
        project.close()
    assert learned is not None and len(learned._models) >= 20
    texts = learned.examples.texts[:200]
    present = _present(learned._vectoriser.transform(texts))
    found, _ = learned._probabilities(present, texts)
    keyword = learned._keyword_matrix(texts)
    for code, model in learned._models.items():
        expected = model.predict_proba(_with_column(present, keyword[:, learned._column[code]]))
        assert found[code] == pytest.approx(expected[:, 1], abs=1e-6)
