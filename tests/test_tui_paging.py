"""The workbench on more quotes than one page: texts and states read in workers around
what is on screen, never on the event loop, and never undoing a write."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from qualcode.search import engine
from qualcode.tui.data import EMPTY, PAGE_MARGIN, Page, QuoteState
from qualcode.tui.widgets.quote_list import QuoteList
from qualcode.tui.widgets.quote_view import QuoteView

from .conftest import REPO, Cli
from .tui_support import SIZE, codes_of, ready, settle, sql, workbench

QUOTES = 3 * PAGE_MARGIN + 50


@pytest.fixture
def big(cli: Cli, tmp_path: Path) -> Path:
    db = tmp_path / "big.db"
    assert cli("--db", str(db), "init", "--study", str(REPO / "data/study.toml"),
               "--codebook", str(REPO / "codebooks/numerique-sante.yaml")).code == 0
    table = tmp_path / "big.csv"
    rows = [f"G{1 + i % 6},P{i % 7},\"« Tour n° {i} : la sécurité des données, encore. »\""
            for i in range(QUOTES)]
    table.write_text("group,speaker,text\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert cli("--db", str(db), "import", str(table)).code == 0
    return db


async def test_far_quotes_are_read_in_a_worker_then_shown(big: Path) -> None:
    async with workbench(big).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        bench = screen.bench
        assert bench is not None and len(bench) == QUOTES
        assert len(bench.texts) == PAGE_MARGIN  # the first page came with the project
        last = bench.ids[-1]
        assert not bench.is_loaded(last)
        await pilot.press("end")
        await settle(pilot)
        assert bench.is_loaded(last) and screen.quote_id == last
        expected = sql(big, "SELECT text FROM quote WHERE id = ?", last)[0][0]
        assert str(expected) in screen.query_one(QuoteView).content
        quotes = screen.query_one(QuoteList)
        top = round(quotes.scroll_offset.y)
        on_screen = [bench.ids[quotes.order[i]] for i in range(top, len(quotes.order))]
        assert all(bench.is_loaded(q) for q in on_screen)
        await pilot.press("1")
        await settle(pilot)
        assert codes_of(big, last)  # coded at the far end, and committed


def test_a_page_read_before_a_write_does_not_undo_it() -> None:
    from qualcode.tui.data import Workbench

    bench = Workbench(coder="me", title="t", ids=[1, 2], gids=[1, 1], pids=[1, 1],
                      group_names={1: "G1"}, speaker_of={1: ("P1", False)}, codes=[],
                      groups=[], levels=[], speakers=[], coders=[])
    coded = QuoteState(codes=(("me", (7,)),))
    asked_at = bench.version
    bench.replace(1, coded, EMPTY)  # committed while the page was being read
    bench.merge(Page({1: "a", 2: "b"}, {1: EMPTY, 2: EMPTY}), asked_at)
    assert bench.state(1) == coded and bench.texts == {1: "a", 2: "b"}
    assert bench.claim_missing([1, 2, 3]) == [3] and bench.claim_missing([3]) == []
    bench.merge(Page({1: "a"}, {1: EMPTY}), bench.version)  # read after the write
    assert bench.state(1) == EMPTY


async def test_search_answers_plainly_until_the_index_is_built(
        demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built = threading.Event()
    real_load = engine.SearchIndex.load

    def slow_load(session: object) -> engine.SearchIndex:
        assert built.wait(30)
        return real_load(session)  # type: ignore[arg-type]

    monkeypatch.setattr(engine.SearchIndex, "load", staticmethod(slow_load))
    texts = dict(sql(demo_db, "SELECT id, text FROM quote"))
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("slash", *"données")
        for _ in range(200):
            if screen.query_text == "données":
                break
            await pilot.pause(0.02)
        assert screen.bench is not None
        plain = {screen.bench.ids[i] for i in screen.query_one(QuoteList).order}
        assert plain == {q for q, t in texts.items() if "données" in str(t).casefold()}
        assert "plain search" in screen.last_note
        built.set()
        await settle(pilot)
        assert screen.last_note == ""
        ranked = {screen.bench.ids[i] for i in screen.query_one(QuoteList).order}
        assert plain <= ranked


async def test_a_search_brings_the_texts_of_its_first_hits(
        big: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qualcode.tui.screens.coding import FIRST_HITS

    async with workbench(big).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        bench = screen.bench
        assert bench is not None
        reads: list[list[int]] = []
        read_page = screen._read_page

        def counted(on: object, ids: list[int], version: int) -> None:
            reads.append(ids)
            read_page(on, ids, version)  # type: ignore[arg-type]

        monkeypatch.setattr(screen, "_read_page", counted)
        far = [q for q in bench.ids if not bench.is_loaded(q)]
        await pilot.press("slash", *f"n° {QUOTES - 10}")
        await settle(pilot)
        shown = [bench.ids[i] for i in screen.query_one(QuoteList).order]
        assert shown and shown[0] in far
        assert all(bench.is_loaded(q) for q in shown[:FIRST_HITS])
        assert not {q for ids in reads for q in ids} & set(shown[:FIRST_HITS])
