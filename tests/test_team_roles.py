"""Each coder in their own lane on a real PostgreSQL server: roles, refusals, plain SQL.

The project is created by the server's superuser (its owner); members are added with
`team add` and connect with the URL it prints once. What a member may not write is
refused by the CLI in one line and, for crafted SQL, by the server's row security.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from qualcode.db.engine import open_project
from qualcode.errors import UserError
from qualcode.services.codebook_edit import CodeFields, update_code
from qualcode.services.review import settle

from .conftest import Cli
from .postgres import postgres_server, postgres_url  # noqa: F401 (fixtures)
from .test_team_concurrency import build_project


def add(cli: Cli, db: str, name: str, role: str) -> str:
    result = cli("--db", db, "team", "add", name, "--role", role)
    assert result.code == 0, result.err
    (url,) = re.findall(r"postgresql://\S+", result.out)
    return url


def coder_rows(owner: str, coder: str) -> list[tuple[int, int]]:
    with psycopg.connect(owner) as conn:
        return conn.execute(
            "SELECT c.quote_id, c.code_id FROM coding c JOIN coder k ON k.id = c.coder_id "
            "WHERE k.name = %s ORDER BY 1, 2", (coder,)).fetchall()


@pytest.fixture
def team(cli: Cli, postgres_url: str, tmp_path: Path,  # noqa: F811
         monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, dict[str, str], list[int]]]:
    quote_ids = build_project(postgres_url, tmp_path)
    urls = {name: add(cli, postgres_url, name, role) for name, role in
            [("alice", "coder"), ("bob", "coder"), ("judy", "adjudicator"), ("vic", "viewer")]}
    monkeypatch.delenv("QUALCODE_CODER")  # members code as the role they connect as
    yield postgres_url, urls, quote_ids
    for name in urls:  # roles belong to the whole server: leave none for the next test
        cli("--db", postgres_url, "team", "remove", name)


def test_members_code_as_themselves_and_only_as_themselves(
        cli: Cli, team: tuple[str, dict[str, str], list[int]]) -> None:
    owner, urls, quotes = team
    listed = cli("--db", owner, "team", "list").out.split("\n")
    assert listed[:4] == ["alice\tcoder", "bob\tcoder", "judy\tadjudicator", "vic\tviewer"]
    assert cli("--db", urls["alice"], "code", str(quotes[0]), "hacking").code == 0
    assert cli("--db", urls["bob"], "code", str(quotes[1]), "caregiving").code == 0
    assert len(coder_rows(owner, "alice")) == 1 and len(coder_rows(owner, "bob")) == 1
    posing = cli("--db", urls["alice"], "--coder", "bob", "code", str(quotes[2]), "hacking")
    assert posing.code == 1 and posing.err.count("\n") == 1
    assert "you are 'alice'" in posing.err and "'bob' is refused" in posing.err
    viewer = cli("--db", urls["vic"], "code", str(quotes[2]), "hacking")
    assert viewer.code == 1 and "viewer" in viewer.err
    assert cli("--db", urls["vic"], "quotes", "--json").code == 0  # a viewer reads
    assert "vic" not in {r for r, in psycopg.connect(owner).execute("SELECT name FROM coder")}


def test_plain_sql_on_another_coders_work_is_refused_by_the_server(
        cli: Cli, team: tuple[str, dict[str, str], list[int]]) -> None:
    owner, urls, quotes = team
    assert cli("--db", urls["bob"], "code", str(quotes[1]), "caregiving").code == 0
    assert cli("--db", urls["alice"], "code", str(quotes[0]), "hacking").code == 0
    before = coder_rows(owner, "bob")
    with psycopg.connect(urls["alice"], autocommit=True) as conn:
        bob = conn.execute("SELECT id FROM coder WHERE name = 'bob'").fetchone()[0]
        other = conn.execute("SELECT id FROM code WHERE name = 'hacking'").fetchone()[0]
        # alice can read bob's work (the team reads everything)…
        assert conn.execute("SELECT COUNT(*) FROM coding WHERE coder_id = %s",
                            (bob,)).fetchone()[0] == 1
        # …but changes none of it: row security hides it from UPDATE and DELETE,
        assert conn.execute("UPDATE coding SET code_id = %s WHERE coder_id = %s",
                            (other, bob)).rowcount == 0
        assert conn.execute("DELETE FROM coding WHERE coder_id = %s", (bob,)).rowcount == 0
        # refuses a row in his name, and the codebook and consensus are not hers.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO coding (quote_id, code_id, coder_id, created_at) "
                         "VALUES (%s, %s, %s, now())", (quotes[5], other, bob))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE code SET name = 'piratage' WHERE id = %s", (other,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO coder (name) VALUES ('consensus')")
    assert coder_rows(owner, "bob") == before


def test_adjudicator_settles_and_edits_the_codebook_a_coder_cannot(
        cli: Cli, team: tuple[str, dict[str, str], list[int]]) -> None:
    owner, urls, quotes = team
    judy = open_project(urls["judy"], warn=False)
    with judy.write() as s:
        settle(s, quote_id=quotes[0], codes=["hacking"], coder="judy")
    with judy.read() as s:
        from sqlalchemy import text
        hacking = s.execute(text("SELECT id FROM code WHERE name = 'hacking'")).scalar_one()
    with judy.write() as s:
        update_code(s, code_id=hacking, fields=CodeFields(name="piratage"), coder="judy")
    judy.close()
    assert coder_rows(owner, "consensus") == [(quotes[0], hacking)]
    alice = open_project(urls["alice"], warn=False)
    with pytest.raises(UserError, match="writing as 'consensus' is refused"), alice.write() as s:
        settle(s, quote_id=quotes[1], codes=["piratage"], coder="alice")
    with pytest.raises(UserError, match="team server refused"), alice.write() as s:
        update_code(s, code_id=hacking, fields=CodeFields(name="hack"), coder="alice")
    alice.close()


def test_remove_keeps_the_codings_and_refusals_are_one_line(
        cli: Cli, team: tuple[str, dict[str, str], list[int]], tmp_path: Path) -> None:
    owner, urls, quotes = team
    assert cli("--db", urls["bob"], "code", str(quotes[1]), "caregiving").code == 0
    gone = cli("--db", owner, "team", "remove", "bob")
    assert gone.code == 0 and "removed bob (coder)" in gone.out
    assert "bob" not in cli("--db", owner, "team", "list").out
    assert len(coder_rows(owner, "bob")) == 1
    for args, needle in [(("team", "remove", "bob"), "not a member"),
                         (("team", "add", "alice", "--role", "coder"), "exists already"),
                         (("team", "add", "Robert'); DROP", "--role", "coder"), "member name"),
                         (("team", "add", "carl", "--role", "boss"), "role 'boss'"),
                         (("team", "add", "consensus", "--role", "coder"), "member name")]:
        result = cli("--db", owner, *args)
        assert result.code == 1 and result.err.count("\n") == 1 and needle in result.err, args
    lone = tmp_path / "solo.db"
    assert cli("--db", str(lone), "init").code == 0
    solo = cli("--db", str(lone), "team", "list")
    assert solo.code == 1 and "PostgreSQL" in solo.err
