"""Review you can discuss: a thread per quote, decisions with their reasons, in the log."""

from __future__ import annotations

from pathlib import Path

from .conftest import Cli
from .test_team_concurrency import build_project


def test_thread_decision_and_log(cli: Cli, tmp_path: Path) -> None:
    db = str(tmp_path / "team.db")
    q = build_project(db, tmp_path)[0]
    assert cli("--db", db, "--coder", "alice", "code", str(q), "hacking").code == 0
    assert cli("--db", db, "--coder", "bob", "code", str(q), "caregiving").code == 0
    said = cli("--db", db, "--coder", "alice", "comment", str(q),
               "Elle parle du « piratage » de ses données, pas de l’aidant.")
    assert said.code == 0, said.err
    said = cli("--db", db, "--coder", "bob", "comment", str(q), "D’accord : hacking.")
    lines = said.out.splitlines()
    assert [line.split("  ", 1)[1] for line in lines] == [
        "alice: Elle parle du « piratage » de ses données, pas de l’aidant.",
        "bob: D’accord : hacking."]
    assert cli("--db", db, "comment", str(q)).out.splitlines() == lines  # read only
    done = cli("--db", db, "--coder", "lead", "settle", str(q), "hacking",
               "--why", "le verbatim parle de piratage")
    assert done.code == 0, done.err
    log = cli("--db", db, "log").out
    assert (f"quote {q}: the consensus is now hacking (decided by lead, because le verbatim "
            "parle de piratage)") in log
    assert f"quote {q}: commented « D’accord : hacking. »" in log
    listed = cli("--db", db, "quotes", "--coder", "consensus", "--json").json()
    assert [(v["id"], v["codes"]["consensus"]) for v in listed] == [(q, ["hacking"])]


def test_bad_comments_and_settlements_are_one_line(cli: Cli, tmp_path: Path) -> None:
    db = str(tmp_path / "team.db")
    q = build_project(db, tmp_path)[0]
    for args, needle in [(("comment", str(q), "   "), "needs some text"),
                         (("comment", "999999", "x"), "no quote with id"),
                         (("comment", str(q), "x" * 5000), "at most"),
                         (("settle", str(q)), "--none"),
                         (("settle", str(q), "hacking", "--none"), "--none"),
                         (("settle", str(q), "no such code"), "no such code")]:
        result = cli("--db", db, *args)
        assert result.code == 1 and result.err.count("\n") == 1 and needle in result.err, (
            args, result.err)
    assert cli("--db", db, "comment", str(q)).out == f"no comment on quote {q} yet\n"
