"""Two people doing the same thing to the same row at the same moment, on one server.

Each test holds the first action's transaction open while the second runs, so the
collision is certain, not a matter of timing luck: the second action must end in one
clear outcome (refused with one line and nothing written, or applied after the first),
never a driver error, and the data must say exactly one story.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session

from qualcode.db.engine import Project, open_project
from qualcode.errors import UserError
from qualcode.services.codebook_edit import CodeFields, update_code
from qualcode.services.review import settle

from .postgres import postgres_server, postgres_url  # noqa: F401 (fixtures)
from .test_team_concurrency import build_project

HOLD = 1.0  # seconds the first action keeps its transaction open once the second started


def collide(project: Project, first: Callable[[Session], object],
            second: Callable[[Session], object]) -> BaseException | None:
    """Run `first` and hold its transaction while `second` runs; `second`'s failure."""
    started = threading.Event()
    outcome: list[BaseException | None] = [None]

    def run_second() -> None:
        started.wait(timeout=30)
        try:
            with project.write() as session:
                second(session)
        except BaseException as exc:  # reported to the test, not swallowed
            outcome[0] = exc

    other = threading.Thread(target=run_second)
    other.start()
    with project.write() as session:
        first(session)
        session.flush()
        started.set()
        other.join(timeout=HOLD)  # the second is now blocked on the first's rows
    other.join(timeout=60)
    assert not other.is_alive()
    return outcome[0]


def code_id(project: Project, name: str) -> int:
    with project.read() as s:
        return int(s.execute(text("SELECT id FROM code WHERE name = :n"), {"n": name}).one()[0])


@pytest.fixture
def team_project(postgres_url: str, tmp_path: Path) -> tuple[Project, list[int]]:  # noqa: F811
    quote_ids = build_project(postgres_url, tmp_path)
    return open_project(postgres_url, warn=False), quote_ids


def test_two_renames_to_one_name_refuse_the_second_with_one_line(
        team_project: tuple[Project, list[int]]) -> None:
    project, _ = team_project
    hacking, caregiving = code_id(project, "hacking"), code_id(project, "caregiving")
    failure = collide(
        project,
        lambda s: update_code(s, code_id=hacking, fields=CodeFields(name="piratage"),
                              coder="alice"),
        lambda s: update_code(s, code_id=caregiving, fields=CodeFields(name="piratage"),
                              coder="bob"))
    assert isinstance(failure, UserError)
    assert "teammate changed the same thing" in str(failure)
    with project.read() as s:
        names = dict(s.execute(text("SELECT id, name FROM code WHERE id IN (:a, :b)"),
                               {"a": hacking, "b": caregiving}).all())
        edits = s.execute(text("SELECT coder FROM event WHERE action = 'codebook.edit'")).all()
    assert names == {hacking: "piratage", caregiving: "caregiving"}
    assert [e[0] for e in edits] == ["alice"]
    project.close()


def test_two_adjudicators_on_one_quote_act_one_after_the_other(
        team_project: tuple[Project, list[int]]) -> None:
    project, quote_ids = team_project
    quote = quote_ids[0]
    with project.write() as s:  # the consensus coder exists already, as in a real review
        settle(s, quote_id=quote_ids[1], codes=["hacking"], coder="alice")
    failure = collide(
        project,
        lambda s: settle(s, quote_id=quote, codes=["hacking"], coder="alice"),
        lambda s: settle(s, quote_id=quote, codes=["caregiving"], coder="bob"))
    assert failure is None
    with project.read() as s:
        consensus = s.execute(text(
            "SELECT d.name FROM coding c JOIN coder k ON k.id = c.coder_id "
            "JOIN code d ON d.id = c.code_id WHERE k.name = 'consensus' AND c.quote_id = :q"),
            {"q": quote}).all()
        settled = s.execute(text(
            "SELECT coder FROM event WHERE action = 'settle' ORDER BY id")).all()
    # Bob's decision was taken on what Alice wrote, and replaced it: never a blend of both.
    assert [c[0] for c in consensus] == ["caregiving"]
    assert [e[0] for e in settled] == ["alice", "alice", "bob"]
    project.close()
