"""The consensus holds what the team agreed on as well as what was adjudicated.

Expected consensus sets are decided by the test itself and rolled up to themes with
plain SQL over the codebook, independently of the report's scan.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from qualcode.db.engine import open_project
from qualcode.services.review import settle

from .conftest import Cli
from .test_team_concurrency import build_project


def theme_counts(db: Path, consensus: dict[int, set[str]]) -> dict[str, int]:
    """Quotes per code, each code counting its descendants (one group, G1), from the
    expected consensus sets."""
    conn = sqlite3.connect(db)
    parent = dict(conn.execute(
        "SELECT c.name, p.name FROM code c LEFT JOIN code p ON p.id = c.parent_id"))

    def chain(name: str) -> set[str]:
        out = {name}
        while parent[name] is not None:
            name = parent[name]
            out.add(name)
        return out

    counts: dict[str, int] = {}
    for codes in consensus.values():
        for theme in set().union(*(chain(c) for c in codes)) if codes else set():
            counts[theme] = counts.get(theme, 0) + 1
    return counts


def test_agreed_and_adjudicated_codings_are_the_consensus_alike(cli: Cli,
                                                                tmp_path: Path) -> None:
    db_path = tmp_path / "team.db"
    db = str(db_path)
    q = build_project(db, tmp_path)

    def code(coder: str, quote: int, *codes: str) -> None:
        assert cli("--db", db, "--coder", coder, "code", str(quote), *codes).code == 0

    code("alice", q[0], "hacking")
    code("bob", q[0], "hacking")                 # agreed
    code("alice", q[1], "hacking")
    code("bob", q[1], "caregiving")              # disagreement, not settled
    code("alice", q[2], "--reviewed")
    code("bob", q[2], "--reviewed")              # agreed: none applies
    code("alice", q[3], "hacking")               # one coder only
    code("alice", q[4], "hacking", "caregiving")
    code("bob", q[4], "hacking", "caregiving")   # agreed, then adjudicated otherwise
    project = open_project(db, warn=False)
    with project.write() as s:
        settle(s, quote_id=q[4], codes=["self-monitoring"], coder="lead")
    project.close()

    listed = cli("--db", db, "quotes", "--coder", "consensus", "--json").json()
    assert {v["id"]: v["codes"].get("consensus", []) for v in listed} == {
        q[0]: ["hacking"], q[2]: [], q[4]: ["self-monitoring"]}
    assert all("consensus" in v["reviewed_by"] for v in listed)
    only = cli("--db", db, "quotes", "--coder", "consensus", "--code", "hacking", "--json")
    assert [v["id"] for v in only.json()] == [q[0]]

    expected = {q[0]: {"hacking"}, q[2]: set(), q[4]: {"self-monitoring"}}
    report = cli("--db", db, "report", "--consensus", "--format", "json").json()
    got = {c["theme"]: c["quotes"] for c in report["cells"] if c["group"] == "G1"
           and c["quotes"]}
    assert got == theme_counts(db_path, expected)

    code("bob", q[0], "hacking", "--remove")     # a later change reopens the quote
    listed = cli("--db", db, "quotes", "--coder", "consensus", "--json").json()
    assert sorted(v["id"] for v in listed) == sorted([q[2], q[4]])
    report = cli("--db", db, "report", "--consensus", "--format", "json").json()
    got = {c["theme"]: c["quotes"] for c in report["cells"] if c["group"] == "G1"
           and c["quotes"]}
    assert got == theme_counts(db_path, {q[4]: {"self-monitoring"}})


def test_an_assigned_quote_needs_every_assigned_coder(cli: Cli, tmp_path: Path) -> None:
    db = str(tmp_path / "team.db")
    q = build_project(db, tmp_path)
    assert cli("--db", db, "assign", "--coders", "alice,bob,carol", "--share", "100%",
               "--seed", "1").code == 0
    for coder in ("alice", "bob"):
        assert cli("--db", db, "--coder", coder, "code", str(q[0]), "hacking").code == 0
    assert cli("--db", db, "quotes", "--coder", "consensus", "--json").json() == []
    assert cli("--db", db, "--coder", "carol", "code", str(q[0]), "hacking").code == 0
    assert [v["id"] for v in
            cli("--db", db, "quotes", "--coder", "consensus", "--json").json()] == [q[0]]
