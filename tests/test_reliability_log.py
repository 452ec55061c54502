"""`qualcode log`: who did what and when, in words (quote ids, code names), filterable
by coder and by date; memo texts stay out of it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from .conftest import REPO, Cli


@pytest.fixture
def project(cli: Cli, tmp_path: Path) -> Path:
    db = tmp_path / "p.db"
    assert cli("--db", str(db), "init", "--study", str(REPO / "data/study.toml"),
               "--codebook", str(REPO / "codebooks/numerique-sante.yaml")).code == 0
    table = tmp_path / "t.csv"
    table.write_text("group,speaker,text\nG1,P1,« Sans internet on est coincé. »\n"
                     "G2,P2,Mes données ?\n", encoding="utf-8")
    assert cli("--db", str(db), "import", str(table)).code == 0
    steps = [("alice", "code", "1", "hacking", "data sensitivity"),
             ("bob", "code", "1", "reassurance"),
             ("alice", "code", "2", "--memo", "Hélène a peur du piratage"),
             ("alice", "code", "1", "hacking", "--remove"),
             ("bob", "code", "2", "--reviewed")]
    for who, *args in steps:
        assert cli("--db", str(db), "--coder", who, *args).code == 0
    conn = sqlite3.connect(db)  # spread the journal over three days, in order
    conn.execute("UPDATE event SET at = '2026-11-20 10:00:00.000000' WHERE id <= 2")
    conn.execute("UPDATE event SET at = '2026-11-25 09:30:00.000000' WHERE id BETWEEN 3 AND 4")
    conn.execute("UPDATE event SET at = '2026-11-27 16:45:00.000000' WHERE id > 4")
    conn.commit()
    return db


def test_log_reads_as_sentences(cli: Cli, project: Path) -> None:
    result = cli("--db", str(project), "log")
    assert result.code == 0
    lines = [line.split(maxsplit=4) for line in result.out.splitlines()]
    assert [(d, who, action, text) for d, _t, who, action, text in lines] == [
        ("2026-11-20", "tester", "init", "created the project (study "
         f"{REPO / 'data/study.toml'}, codebook {REPO / 'codebooks/numerique-sante.yaml'})"),
        ("2026-11-20", "tester", "import", f"imported {project.parent / 't.csv'} (csv): 2 quotes"),
        ("2026-11-25", "alice", "code", "quote 1: + hacking, + data sensitivity"),
        ("2026-11-25", "bob", "code", "quote 1: + reassurance"),
        ("2026-11-27", "alice", "memo", "quote 2: memo written"),
        ("2026-11-27", "alice", "uncode", "quote 1: − hacking"),
        ("2026-11-27", "bob", "review", "quote 2: reviewed, no code applies"),
    ]
    assert "Hélène" not in result.out and "{" not in result.out


def test_log_filters_by_coder_and_dates(cli: Cli, project: Path) -> None:
    def actions(*args: str) -> list[str]:
        result = cli("--db", str(project), "log", *args)
        assert result.code == 0, result.err
        return [" ".join(line.split()[2:4]) for line in result.out.splitlines()]

    assert actions("--coder", "bob") == ["bob code", "bob review"]
    assert actions("--since", "2026-11-25", "--until", "2026-11-25") == ["alice code", "bob code"]
    assert actions("--coder", "alice", "--since", "2026-11-26") == ["alice memo", "alice uncode"]
    assert actions("--until", "2026-11-20T10:00:00") == []
    assert actions("--since", "2026-12-01") == []


def test_log_bad_date_is_one_line(cli: Cli, project: Path) -> None:
    result = cli("--db", str(project), "log", "--since", "hier")
    assert result.code == 1
    assert result.err == "qualcode: --since 'hier' is not a date like 2026-11-28\n"
