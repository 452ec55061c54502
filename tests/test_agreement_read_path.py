"""`agreement` reads through plain SQL: no SQLAlchemy on a file, the same figures through
a Session and on a PostgreSQL server (whose `string_agg` replaces SQLite's
`group_concat` in the packed reads)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from qualcode.db.engine import open_project
from qualcode.db.reader import reader_of
from qualcode.db.reading import reading
from qualcode.reports.agreement import compute

from .conftest import REPO, Cli
from .postgres import postgres_server, postgres_url  # noqa: F401 (fixtures)

CODES = ["hacking", "caregiving", "self-monitoring", "mes activated", "mes never used",
         "quality of care"]
ASKED = [["--format", "json", "--bootstrap", "200", "--by-group"],
         ["--format", "json", "--bootstrap", "50", "--assigned"],
         ["--coders", "alice,bob", "--bootstrap", "100", "--by-group"]]


def team_coding(cli: Cli, db: str) -> None:
    """alice and bob on the demo's first 40 quotes, the same way on any database: each
    codes, reviews only, or skips a quote by its rank; then a shared sample to code."""
    quotes = [q["id"] for q in cli("--db", db, "quotes", "--json").json()][:40]
    for rank, quote in enumerate(quotes):
        for turn, coder in enumerate(("alice", "bob")):
            step = (rank * 7 + turn * 3) % 10
            if step == 0:
                continue
            args = ["--reviewed"] if step == 1 else [CODES[(rank + turn * step) % len(CODES)]]
            if step > 6:
                args.append(CODES[(rank * 3) % len(CODES)])
            assert cli("--db", db, "--coder", coder, "code", str(quote), *args).code == 0
    assert cli("--db", db, "assign", "--coders", "alice,bob", "--share", "30%",
               "--seed", "4").code == 0


def test_agreement_imports_no_sqlalchemy(cli: Cli, demo_db: Path) -> None:
    team_coding(cli, str(demo_db))
    probe = f"""
import sys
from qualcode.cli import main
for args in {ASKED!r}:
    sys.argv = ["qualcode", "--db", {str(demo_db)!r}, "agreement", *args]
    try:
        main()
    except SystemExit as exc:
        assert not exc.code, (args, exc.code)
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "sqlmodel"))
print("IMPORTED", heavy, file=sys.stderr)
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=REPO, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "IMPORTED []" in done.stderr, done.stderr[-2000:]
    assert '"krippendorff_alpha_ci"' in done.stdout and "## Group" in done.stdout


def test_reader_and_session_give_the_same_figures(cli: Cli, demo_db: Path) -> None:
    team_coding(cli, str(demo_db))
    with reading(str(demo_db)) as reader:
        light = compute(reader, by_group=True, replicates=100, assigned=True)
    project = open_project(str(demo_db), warn=False)
    try:
        with project.read() as session:
            heavy = compute(reader_of(session), by_group=True, replicates=100, assigned=True)
    finally:
        project.close()
    assert light == heavy
    assert light["assigned"] > 0 and light["codes"][0]["krippendorff_alpha_ci"] is not None


@pytest.mark.postgres
def test_postgresql_gives_the_file_s_figures(cli: Cli, demo_db: Path, postgres_url: str,  # noqa: F811
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    assert cli("--db", postgres_url, "demo", "--no-tui").code == 0
    for db in (str(demo_db), postgres_url):
        team_coding(cli, db)
    for args in ASKED:
        on_file = cli("--db", str(demo_db), "agreement", *args)
        on_server = cli("--db", postgres_url, "agreement", *args)
        assert on_file.code == on_server.code == 0, (args, on_server.err)
        if "json" in args:
            assert json.loads(on_file.out) == json.loads(on_server.out), args
        else:
            assert on_file.out == on_server.out, args
