"""Read commands take the light path: plain SQL on sqlite3, no SQLAlchemy imported, and
the same answers as the Session path the workbench and PostgreSQL use (issue 24)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from qualcode.db.engine import open_project
from qualcode.db.reader import Reader, reader_of
from qualcode.db.reading import reading
from qualcode.reports.counts import Options, Scope, compute
from qualcode.services.quotes import QuoteFilter, list_quotes
from qualcode.services.segments import segment_rows

from .conftest import REPO, Cli
from .postgres import postgres_server, postgres_url  # noqa: F401 (fixtures)

READ_COMMANDS = [
    ["report", "--format", "json"],
    ["report", "--format", "md", "--all-quotes", "--context"],
    ["report", "--format", "csv", "--consensus"],
    ["quotes", "--json"],
    ["quotes", "--code", "data security", "--json"],
    ["quotes", "--coder", "consensus", "--json"],
    ["segments"],
    ["segments", "--format", "json", "--code", "hacking"],
]

PROBE = """
import sys
from qualcode.cli import main
for args in {commands!r}:
    sys.argv = ["qualcode", "--db", {db!r}, *args]
    try:
        main()
    except SystemExit as exc:
        assert not exc.code, (args, exc.code)
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "sqlmodel",
                                                             "alembic", "textual"))
print("IMPORTED", heavy, file=sys.stderr)
"""


def test_read_commands_import_no_sqlalchemy(demo_db: Path) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE.format(commands=READ_COMMANDS,
                                                              db=str(demo_db))],
                          capture_output=True, text=True, cwd=REPO, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "IMPORTED []" in done.stderr, done.stderr[-2000:]
    assert "data security" in done.stdout


def _through_reader(db: str) -> tuple[object, ...]:
    with reading(db) as reader:
        assert isinstance(reader, Reader)
        return _answers(reader)


def _through_session(db: str) -> tuple[object, ...]:
    project = open_project(db, warn=False)
    try:
        with project.read() as session:
            return _answers(reader_of(session))
    finally:
        project.close()


def _answers(reader: Reader) -> tuple[object, ...]:
    report = compute(reader, Scope(consensus=False), Options(quotes=3, by="age"))
    consensus = compute(reader, Scope(consensus=True), Options(theme="data security"))
    quotes = [vars(q) for q in list_quotes(reader, QuoteFilter(code="hacking"))]
    table = segment_rows(reader, coder="seed")
    return report, consensus, quotes, table.columns, list(table.records())


def test_sqlite3_and_session_paths_agree(demo_db: Path) -> None:
    light, heavy = _through_reader(str(demo_db)), _through_session(str(demo_db))
    assert light == heavy
    report, _consensus, quotes, _columns, segments = light
    assert report["by"] == "age" and quotes and segments  # type: ignore[index]


def test_postgresql_runs_the_same_queries(cli: Cli, demo_db: Path, postgres_url: str,  # noqa: F811
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo built on a server answers every read command as the file does: the
    `?` and `:name` markers, JSON columns and booleans come back the same from psycopg."""
    monkeypatch.chdir(REPO)
    assert cli("--db", postgres_url, "demo", "--no-tui").code == 0
    for args in READ_COMMANDS:
        on_file = cli("--db", str(demo_db), *args)
        on_server = cli("--db", postgres_url, *args)
        assert on_file.code == on_server.code == 0, (args, on_server.err)
        if "--json" in args or "json" in args:
            assert json.loads(on_file.out) == json.loads(on_server.out), args
        else:
            assert on_file.out == on_server.out, args
    assert _through_reader(postgres_url) == _through_reader(str(demo_db))
