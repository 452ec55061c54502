"""`n` takes a coder through their double-coding assignment first, then the rest."""

from __future__ import annotations

from pathlib import Path

from .conftest import Cli
from .tui_support import SIZE, ready, settle, sql, workbench


async def test_n_visits_my_assigned_quotes_first(cli: Cli, demo_db: Path) -> None:
    assert cli("--db", str(demo_db), "assign", "--coders", "alice,bob", "--share", "20%",
               "--seed", "5").code == 0
    assigned = {int(q) for (q,) in sql(demo_db, "SELECT a.quote_id FROM assignment a JOIN "
                                                "coder k ON k.id = a.coder_id WHERE k.name = "
                                                "'alice'")}
    async with workbench(demo_db).run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        visited = []
        for _ in range(len(assigned)):
            await pilot.press("n")
            visited.append(screen.quote_id)
            await pilot.press("1")  # code it, as a coder would, before moving on
            await settle(pilot)
        assert set(visited) == assigned and len(visited) == len(assigned)
        await pilot.press("n")
        assert screen.quote_id not in assigned
