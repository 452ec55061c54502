"""Editing the codebook: the services (one transaction and one event each) and the screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.db.engine import open_project
from qualcode.domain.codebook import load_codebook
from qualcode.errors import UserError
from qualcode.services import codebook_edit
from qualcode.services.codebook_edit import CodeFields
from qualcode.tui.screens.codebook import CodebookScreen

from .tui_support import SIZE, ready, settle, sql, workbench


def code_id(db: Path, name: str) -> int:
    return int(str(sql(db, "SELECT id FROM code WHERE name = ?", name)[0][0]))


def codings(db: Path) -> int:
    return int(str(sql(db, "SELECT COUNT(*) FROM coding")[0][0]))


def test_rename_keeps_every_coding_and_records_an_event(demo_db: Path) -> None:
    before = sql(demo_db, "SELECT quote_id, coder_id FROM coding WHERE code_id = ?",
                 code_id(demo_db, "hacking"))
    project = open_project(str(demo_db), warn=False)
    with project.write() as session:
        codebook_edit.update_code(session, code_id=code_id(demo_db, "hacking"),
                                  fields=CodeFields(name="piratage", color="#0d47a1", key="7"),
                                  coder="alice")
    project.close()
    after = sql(demo_db, "SELECT quote_id, coder_id FROM coding WHERE code_id = ?",
                code_id(demo_db, "piratage"))
    assert before and sorted(after) == sorted(before)
    assert sql(demo_db, "SELECT action FROM event ORDER BY id DESC LIMIT 1") == [
        ("codebook.edit",)]


def test_merge_moves_codings_without_doubling(demo_db: Path) -> None:
    source, target = code_id(demo_db, "hacking"), code_id(demo_db, "data sensitivity")
    rows = sql(demo_db, "SELECT quote_id, coder_id, code_id FROM coding")
    with_source = {(q, c) for q, c, k in rows if k == source}
    with_target = {(q, c) for q, c, k in rows if k == target}
    total = codings(demo_db)
    project = open_project(str(demo_db), warn=False)
    with project.write() as session:
        codebook_edit.merge_codes(session, source_id=source, target_id=target, coder="alice")
    project.close()
    merged = set(sql(demo_db, "SELECT quote_id, coder_id FROM coding WHERE code_id = ?", target))
    assert with_source and merged == with_source | with_target  # every quote keeps it, once
    assert codings(demo_db) == total - len(with_source & with_target)
    assert sql(demo_db, "SELECT id FROM code WHERE id = ?", source) == []


def test_edits_refuse_bad_input_and_leave_nothing_behind(demo_db: Path) -> None:
    project = open_project(str(demo_db), warn=False)
    hacking, security = code_id(demo_db, "hacking"), code_id(demo_db, "data security")
    with pytest.raises(UserError, match="already exists"), project.write() as session:
        codebook_edit.add_code(session, fields=CodeFields(name="Hacking"), parent_id=None,
                               coder="alice")
    with pytest.raises(UserError, match="hotkey 1"), project.write() as session:
        codebook_edit.update_code(session, code_id=hacking,
                                  fields=CodeFields(name="hacking", key="1"), coder="alice")
    with pytest.raises(UserError, match="under itself"), project.write() as session:
        codebook_edit.move_code(session, code_id=security, parent_id=hacking, position=0,
                                coder="alice")
    with pytest.raises(UserError, match="colour"), project.write() as session:
        codebook_edit.add_code(session, fields=CodeFields(name="new one", color="red"),
                               parent_id=None, coder="alice")
    project.close()
    assert sql(demo_db, "SELECT COUNT(*) FROM event WHERE action LIKE 'codebook.%'") == [(0,)]


def test_move_reorders_siblings(demo_db: Path) -> None:
    project = open_project(str(demo_db), warn=False)
    with project.write() as session:
        codebook_edit.move_code(session, code_id=code_id(demo_db, "reassurance"),
                                parent_id=None, position=0, coder="alice")
    project.close()
    first = sql(demo_db, "SELECT name FROM code WHERE parent_id IS NULL ORDER BY position")[0]
    assert first == ("reassurance",)


async def test_codebook_screen_adds_renames_merges_and_exports(demo_db: Path,
                                                               tmp_path: Path) -> None:
    total = codings(demo_db)
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("c")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CodebookScreen)
        await pilot.press("a", *"télémédecine", "ctrl+s")
        await settle(pilot)
        assert sql(demo_db, "SELECT parent_id FROM code WHERE name = 'télémédecine'") == [(None,)]
        await pilot.press("home", "down", "e")  # "loss of human contact"
        await pilot.pause()
        name = pilot.app.screen.query_one("#field-name")
        name.value = "perte du contact humain"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert sql(demo_db, "SELECT COUNT(*) FROM code WHERE name = 'perte du contact humain'"
                   ) == [(1,)]
        assert codings(demo_db) == total
        await pilot.press("g", *"quality of care", "enter")
        await settle(pilot)
        assert sql(demo_db, "SELECT COUNT(*) FROM code WHERE name = 'perte du contact humain'"
                   ) == [(0,)]
        target = tmp_path / "livre.yaml"
        await pilot.press("x")
        await pilot.pause()
        pilot.app.screen.query_one("#field-path").value = str(target)  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
    book = load_codebook(target)
    names = [c.name for c, _, _ in book.walk()]
    assert "télémédecine" in names and "perte du contact humain" not in names
    assert target.stat().st_mode & 0o077 == 0


async def test_taking_another_codes_hotkey_asks_and_names_the_loser(demo_db: Path) -> None:
    holder = str(sql(demo_db, "SELECT name FROM code WHERE key = '1'")[0][0])

    def key_of(name: str) -> object:
        return sql(demo_db, "SELECT key FROM code WHERE name = ?", name)[0][0]

    async with workbench(demo_db).run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        await settle(pilot)
        codebook = pilot.app.screen
        assert isinstance(codebook, CodebookScreen)
        hacking = next(i for i, c in enumerate(codebook.codes) if c.name == "hacking")
        for move in ("keep", "take"):
            codebook.query_one("#tree").highlighted = hacking  # type: ignore[attr-defined]
            await pilot.press("e")
            await pilot.pause()
            pilot.app.screen.query_one("#field-key").value = "1"  # type: ignore[attr-defined]
            await pilot.press("ctrl+s")
            await settle(pilot)
            asking = pilot.app.screen
            assert f"Hotkey 1 is « {holder} »'s" in str(asking.query_one(".title").render())
            if move == "keep":
                await pilot.press("down", "enter")
                await settle(pilot)
                assert key_of("hacking") is None and key_of(holder) == "1"
            else:
                await pilot.press("enter")
                await settle(pilot)
                assert key_of("hacking") == "1" and key_of(holder) is None
