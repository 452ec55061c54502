"""A teammate's action is seen by an open workbench's watcher, on SQLite and on a server.

Two `Project` objects on one database stand for two people's processes (each has its
own engine and connections, as two processes would).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from qualcode.db.engine import Project, open_project
from qualcode.db.models import Meta
from qualcode.services.codebook_edit import CodeFields, update_code
from qualcode.services.coding import apply_codes
from qualcode.services.live import Seen, Watcher, heartbeat, present

from .postgres import postgres_server, postgres_url  # noqa: F401 (fixtures)
from .test_team_concurrency import build_project


def wait_for(watcher: Watcher) -> Seen:
    """Poll as the workbench does until news arrives (a notification may lag its commit)."""
    for _ in range(500):
        seen = watcher.poll()
        if seen.changed:
            return seen
        time.sleep(0.01)
    return Seen()


@pytest.fixture(params=["sqlite", "postgresql"])
def two_people(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[
        tuple[Project, Project, list[int]]]:
    if request.param == "sqlite":
        db = str(tmp_path / "team.db")
    else:
        db = request.getfixturevalue("postgres_url")
    quote_ids = build_project(db, tmp_path)
    alice, bob = open_project(db, warn=False), open_project(db, warn=False)
    yield alice, bob, quote_ids
    alice.close()
    bob.close()


def test_a_teammates_coding_and_codebook_change_are_seen(
        two_people: tuple[Project, Project, list[int]]) -> None:
    alice, bob, quotes = two_people
    watcher = Watcher(alice, "alice")
    watcher.start()
    assert watcher.poll() == Seen()  # nothing new yet
    with bob.write() as s:
        apply_codes(s, quote_id=quotes[3], codes=["hacking"], coder="bob")
    seen = wait_for(watcher)
    assert seen.quotes == {quotes[3]} and not seen.everything and seen.by == ("bob",)
    assert watcher.poll() == Seen()  # told once
    with alice.write() as s:  # one's own action is not news
        apply_codes(s, quote_id=quotes[4], codes=["hacking"], coder="alice")
    time.sleep(0.2)
    assert watcher.poll() == Seen()
    with bob.write() as s:
        from sqlalchemy import text

        code = s.execute(text("SELECT id FROM code WHERE name = 'caregiving'")).scalar_one()
        update_code(s, code_id=code, fields=CodeFields(name="aidants"), coder="bob")
    assert wait_for(watcher).everything
    watcher.close()


def test_a_rolled_back_action_is_not_news(
        two_people: tuple[Project, Project, list[int]]) -> None:
    alice, bob, quotes = two_people
    watcher = Watcher(alice, "alice")
    watcher.start()
    with pytest.raises(RuntimeError), bob.write() as s:
        apply_codes(s, quote_id=quotes[3], codes=["hacking"], coder="bob")
        raise RuntimeError("the action failed after its event was written")
    time.sleep(0.3)
    assert watcher.poll() == Seen()
    watcher.close()


def test_who_else_is_working_now(two_people: tuple[Project, Project, list[int]]) -> None:
    alice, bob, _ = two_people
    with bob.write() as s:
        heartbeat(s, "bob")
    with alice.write() as s:
        heartbeat(s, "alice")
        old = (datetime.now(UTC) - timedelta(minutes=5)).isoformat(timespec="seconds")
        s.add(Meta(key="presence:carol", value=old))  # closed her workbench long ago
    with alice.read() as s:
        assert present(s, "alice") == ["bob"]
    with bob.read() as s:
        assert present(s, "bob") == ["alice"]
