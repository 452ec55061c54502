"""Disagreements, settling them into the consensus the report uses, and merging files."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from qualcode.db.engine import open_project
from qualcode.errors import UserError
from qualcode.services.review import disagreements, progress, settle

from .conftest import Cli


def code(cli: Cli, db: Path, coder: str, quote: int, *codes: str) -> None:
    args = ["--db", str(db), "--coder", coder, "code", str(quote)]
    result = cli(*args, *(codes or ["--reviewed"]))
    assert result.code == 0, result.err


def test_disagreements_filters_and_settling(cli: Cli, demo_db: Path) -> None:
    db = demo_db
    code(cli, db, "alice", 1, "hacking")
    code(cli, db, "bob", 1, "hacking")  # agree: not a disagreement
    code(cli, db, "alice", 2, "hacking", "caregiving")
    code(cli, db, "bob", 2, "caregiving")
    code(cli, db, "alice", 3)  # reviewed, none applies
    code(cli, db, "bob", 3, "mes activated")
    code(cli, db, "alice", 4, "commercial use")  # bob never looked: nothing to compare
    project = open_project(str(db))
    with project.read() as s:
        pair = disagreements(s, pair=("alice", "bob"))
        assert {d.quote_id for d in pair} == {2, 3}
        by_id = {d.quote_id: d for d in pair}
        assert by_id[2].codes == {"alice": ["hacking", "caregiving"], "bob": ["caregiving"]}
        assert by_id[3].codes == {"alice": [], "bob": ["mes activated"]}
        assert {d.quote_id for d in disagreements(s, pair=("alice", "bob"),
                                                  code="data security")} == {2}
        group = by_id[3].group
        assert {d.quote_id for d in disagreements(s, pair=("alice", "bob"),
                                                  group=group)} == {
            q for q, d in by_id.items() if d.group == group}
        assert progress(pair).settled == 0 and progress(pair).total == 2
        with pytest.raises(UserError):
            disagreements(s, pair=("alice", "nobody"))
    with project.write() as s:
        settle(s, quote_id=2, codes=["caregiving"], coder="carol")
        settle(s, quote_id=3, codes=[], coder="carol")
    with project.write() as s, pytest.raises(UserError, match="exclude each other"):
        settle(s, quote_id=2, codes=["mes activated", "mes never used"], coder="carol")
    with project.read() as s:
        after = disagreements(s, pair=("alice", "bob"))
        assert progress(after).settled == 2
        assert {d.quote_id: d.consensus for d in after} == {2: ("caregiving",), 3: ()}
    project.close()
    quotes = {q["id"]: q for q in cli("--db", str(db), "quotes", "--json").json()}
    assert quotes[2]["codes"]["consensus"] == ["caregiving"]
    assert "consensus" in quotes[3]["reviewed_by"] and "consensus" not in quotes[3]["codes"]
    report = cli("--db", str(db), "report", "--consensus").json()
    cells = {(c["theme"], c["group"]): c["quotes"] for c in report["cells"]}
    assert cells[("caregiving", quotes[2]["group"])] == 1
    assert cells[("reassurance", quotes[2]["group"])] == 1  # the parent counts it too
    assert sum(cells.values()) == 2
    log = cli("--db", str(db), "log", "--coder", "carol").out
    assert log.count("settle") == 2
    # settling again to the same codes changes nothing and journals nothing
    project = open_project(str(db))
    with project.write() as s:
        change = settle(s, quote_id=2, codes=["caregiving"], coder="carol")
        assert change.event_id is None
    project.close()


def test_merge_is_lossless_idempotent_and_never_overwrites(cli: Cli, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           demo_db: Path) -> None:
    from .conftest import REPO

    mine, theirs = demo_db, tmp_path / "theirs.db"
    monkeypatch.chdir(REPO)
    assert cli("--db", str(theirs), "demo", "--no-tui").code == 0
    monkeypatch.chdir(tmp_path)
    quotes = cli("--db", str(theirs), "quotes", "--json").json()
    rng = random.Random(3)
    pool = ["hacking", "caregiving", "self-monitoring", "quality of care"]
    for q in quotes:
        code(cli, mine, "alice", q["id"], rng.choice(pool))
        code(cli, theirs, "bob", q["id"], *rng.sample(pool, rng.randint(0, 2)))
    code(cli, theirs, "alice", quotes[0]["id"], "caregiving")  # alice's other copy
    assert cli("--db", str(theirs), "--coder", "bob", "code", str(quotes[1]["id"]),
               "--memo", "à revoir « vite »").code == 0
    # the other side edited one quote's text a little and has a code we do not have
    other = sqlite3.connect(theirs)
    fixed = quotes[5]["text"].replace("e", "é", 1)
    other.execute("UPDATE quote SET text = ?, text_hash = 'changed' WHERE id = ?",
                  (fixed, quotes[5]["id"]))
    other.execute("INSERT INTO code (name, parent_id, position, description, include, exclude,"
                  " example, keywords, exclusive) VALUES ('trust in doctors', NULL, 9, '', '',"
                  " '', '', '[]', 0)")
    new_code = other.execute("SELECT id FROM code WHERE name = 'trust in doctors'").fetchone()[0]
    bob = other.execute("SELECT id FROM coder WHERE name = 'bob'").fetchone()[0]
    other.execute("INSERT INTO coding (quote_id, code_id, coder_id, created_at) VALUES "
                  "(?, ?, ?, '2026-01-01 00:00:00')", (quotes[6]["id"], new_code, bob))
    other.execute("INSERT INTO participant (group_id, label, is_moderator, attributes) "
                  "VALUES (1, 'P99', 0, '{}')")
    other.execute("INSERT INTO quote (group_id, participant_id, position, text, text_hash) "
                  "VALUES (1, last_insert_rowid(), 999, 'Une phrase que personne n''a ici.', 'x')")
    other.commit()
    other.close()
    before = {(q["id"], c, code_name) for q in cli("--db", str(mine), "quotes", "--json").json()
              for c, names in q["codes"].items() for code_name in names}

    first = cli("--db", str(mine), "--coder", "lead", "merge", str(theirs))
    assert first.code == 0, first.err
    assert "1 by similar text, 1 not found here" in first.out
    assert "not found: G1 P99: Une phrase que personne n'a ici." in first.out
    assert "codes added: trust in doctors" in first.out
    merged = cli("--db", str(mine), "quotes", "--json").json()
    after = {(q["id"], c, n) for q in merged for c, names in q["codes"].items() for n in names}
    assert before <= after  # nothing of ours removed
    theirs_codings = {(q["id"], c, n) for q in cli("--db", str(theirs), "quotes", "--json").json()
                      for c, names in q["codes"].items() for n in names}
    assert theirs_codings <= after  # both files came from the same demo: same quote ids
    assert (quotes[6]["id"], "bob", "trust in doctors") in after
    assert (quotes[0]["id"], "alice", "caregiving") in after
    by_id = {q["id"]: q for q in merged}
    assert "bob" in by_id[quotes[1]["id"]]["reviewed_by"]
    conn = sqlite3.connect(mine)
    assert conn.execute("SELECT text FROM memo m JOIN coder k ON k.id = m.coder_id "
                        "WHERE k.name = 'bob'").fetchall() == [("à revoir « vite »",)]
    counts = conn.execute("SELECT (SELECT COUNT(*) FROM coding), (SELECT COUNT(*) FROM review),"
                          " (SELECT COUNT(*) FROM memo), (SELECT COUNT(*) FROM code)").fetchone()
    conn.close()

    second = cli("--db", str(mine), "--coder", "lead", "merge", str(theirs))
    assert second.code == 0 and "0 codings added" in second.out
    conn = sqlite3.connect(mine)
    assert conn.execute("SELECT (SELECT COUNT(*) FROM coding), (SELECT COUNT(*) FROM review),"
                        " (SELECT COUNT(*) FROM memo), (SELECT COUNT(*) FROM code)"
                        ).fetchone() == counts
    assert conn.execute("SELECT COUNT(*) FROM event WHERE action = 'merge' AND coder = 'lead'"
                        ).fetchone() == (2,)
    conn.close()
    assert cli("--db", str(mine), "merge", str(mine)).code == 1
