"""Agreement read from counts (`services.agreed`) settles the quotes a coder-by-coder
comparison settles: any mix of codes, "none applies" marks, segments (a code twice by
one coder), assignments, `auto` suggestions and adjudications, on a file or a server.

The expected consensus is computed here from the rows the test writes, each person's
set of codes compared, not from the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from qualcode.db.engine import open_project
from qualcode.db.reading import reading
from qualcode.services.agreed import agreed

from .conftest import REPO, Cli
from .postgres import postgres_server, postgres_url  # noqa: F401 (fixtures)

CODERS = ["alice", "bob", "carol", "auto", "consensus"]
QUOTES, CODES = 6, 4
STAMP = "2026-01-01 00:00:00"
MADE: dict[str, tuple[list[int], list[int]]] = {}
"""Each test project's quote and code ids, by its file."""

Coding = tuple[int, str, int, tuple[int, int] | None]
Marks = list[tuple[int, str]]
SPANS: list[list[tuple[int, int] | None]] = [*[[None]] * 5, [(0, 4)], [(0, 4), (5, 9)],
                                             [None, (5, 9)]]
"""How a code is applied: to the whole quote, once or more on stretches, or both."""
PEOPLE = ["alice", "bob", "carol"]
DOING = {**dict.fromkeys(PEOPLE, ["alike", "alike", "other", "nothing", "reviewed"]),
         "auto": ["nothing", "nothing", "other"],
         "consensus": ["nothing"] * 4 + ["alike", "reviewed"]}
"""What each coder may do on a quote, the adjudicator seldom."""


@st.composite
def work(draw: st.DrawFn) -> tuple[list[Coding], Marks, Marks]:
    """Codings, "none applies" marks and assignments where coders often agree: on each
    quote, each coder applies the quote's own set of codes, another set, or nothing, or
    only marks it reviewed; a quote may be assigned to some of them."""
    codings: list[Coding] = []
    reviews: Marks = []
    assignments: Marks = []
    for q in range(QUOTES):
        if draw(st.integers(0, 3)) == 0:
            assignments += [(q, who) for who in draw(st.sets(st.sampled_from(CODERS),
                                                             min_size=1, max_size=3))]
        shared = draw(st.sets(st.integers(0, CODES - 1), max_size=3))
        for who in CODERS:
            how = draw(st.sampled_from(DOING[who]))
            codes = (shared if how == "alike" else draw(st.sets(st.integers(0, CODES - 1),
                                                                max_size=3))
                     if how == "other" else set())
            if how == "reviewed" or (codes and draw(st.booleans())):
                reviews.append((q, who))
            codings += [(q, who, code, span) for code in sorted(codes)
                        for span in draw(st.sampled_from(SPANS))]
    return codings, reviews, assignments


def expected(codings: list[Coding], reviews: Marks, assignments: Marks
             ) -> dict[int, frozenset[int]]:
    adjudicated = {q for q, who, *_ in codings if who == "consensus"} | {
        q for q, who in reviews if who == "consensus"}
    looked: dict[int, dict[str, set[int]]] = {}
    for q, who, code, _span in codings:
        if who not in ("auto", "consensus"):
            looked.setdefault(q, {}).setdefault(who, set()).add(code)
    for q, who in reviews:
        if who not in ("auto", "consensus"):
            looked.setdefault(q, {}).setdefault(who, set())
    teams: dict[int, set[str]] = {}
    for q, who in assignments:
        teams.setdefault(q, set()).add(who)
    out = {}
    for q, by in looked.items():
        team = teams.get(q, set(by))
        if q in adjudicated or len(team) < 2 or not team <= by.keys():
            continue
        if len({frozenset(by[who]) for who in team}) == 1:
            out[q] = frozenset(by[next(iter(team))])
    return out


def _project(cli: Cli, db: str, folder: Path) -> tuple[list[int], list[int]]:
    table = folder / "quotes.csv"
    table.write_text("group,speaker,text\n" + "".join(
        f"G1,P{n},Réponse n° {n} : « mes données »\n" for n in range(QUOTES)), encoding="utf-8")
    for args in (["init", "--study", str(REPO / "data" / "study.toml"), "--codebook",
                  str(REPO / "codebooks" / "numerique-sante.yaml")], ["import", str(table)]):
        done = cli("--db", db, *args)
        assert done.code == 0, done.err
    project = open_project(db, warn=False)
    try:
        with project.write() as s:
            for name in CODERS:
                s.execute(text("INSERT INTO coder (name) SELECT CAST(:n AS VARCHAR) WHERE NOT "
                               "EXISTS (SELECT 1 FROM coder WHERE name = :n)"), {"n": name})
        with project.read() as s:
            quotes = [int(i) for i, in s.execute(text("SELECT id FROM quote ORDER BY id"))]
            codes = [int(i) for i, in s.execute(text("SELECT id FROM code ORDER BY id"))]
    finally:
        project.close()
    return quotes, codes[:CODES]


def _settled(db: str, ids: tuple[list[int], list[int]], codings: list[Coding],
             reviews: Marks, assignments: Marks) -> dict[int, frozenset[int]]:
    """The rows written (replacing the last example's), then `agreed` in quote and code
    numbers 0…n-1."""
    quotes, codes = ids
    project = open_project(db, warn=False)
    try:
        with project.write() as s:
            coder = {n: i for i, n in s.execute(text("SELECT id, name FROM coder"))}
            for table in ("coding", "review", "assignment"):
                s.execute(text(f"DELETE FROM {table}"))
            for q, who, code, span in codings:
                s.execute(text(
                    "INSERT INTO coding (quote_id, code_id, coder_id, span_start, span_end, "
                    "created_at) VALUES (:q, :c, :k, :a, :b, :t)"),
                    {"q": quotes[q], "c": codes[code], "k": coder[who],
                     "a": span[0] if span else None, "b": span[1] if span else None,
                     "t": STAMP})
            for table, rows in (("review", reviews), ("assignment", assignments)):
                for q, who in rows:
                    s.execute(text(f"INSERT INTO {table} (quote_id, coder_id, created_at) "
                                   "VALUES (:q, :k, :t)"),
                              {"q": quotes[q], "k": coder[who], "t": STAMP})
    finally:
        project.close()
    with reading(db) as reader:
        got = agreed(reader)
    return {quotes.index(q): frozenset(codes.index(c) for c in cs) for q, cs in got.items()}


def _check(db: str, ids: tuple[list[int], list[int]], *rows: Any) -> None:
    assert _settled(db, ids, *rows) == expected(*rows)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(done=work())
def test_counts_settle_what_comparing_each_coder_settles(
        cli: Cli, tmp_path: Path, done: tuple[list[Coding], Marks, Marks]) -> None:
    db = str(tmp_path / "agreed.db")  # one project for all the examples
    if db not in MADE:
        MADE[db] = _project(cli, db, tmp_path)
    _check(db, MADE[db], *done)


def test_a_server_settles_the_same_quotes(cli: Cli, tmp_path: Path,
                                          postgres_url: str) -> None:  # noqa: F811
    ids = _project(cli, postgres_url, tmp_path)
    same = [(q, who, 1, None) for q in range(3) for who in ("alice", "bob")]
    cases = [
        (same, [], []),
        (same + [(0, "carol", 2, (0, 4))], [(1, "carol"), (3, "alice"), (3, "bob")],
         [(2, "alice"), (2, "carol")]),
        (same + [(1, "alice", 1, (0, 4)), (2, "consensus", 0, None), (4, "auto", 3, None)],
         [(4, "alice"), (4, "bob"), (5, "alice")], [(0, "alice"), (0, "bob")]),
    ]
    for rows in cases:
        _check(postgres_url, ids, *rows)
