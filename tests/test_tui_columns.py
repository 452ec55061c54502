"""The quote list's speaker column fits the names (to a limit, then «…»); marks stay aligned."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from qualcode.tui.widgets.quote_list import QuoteList

from .conftest import REPO, Cli
from .tui_support import ready, settle, workbench

TRANSCRIPT = """Dr Marie-Hélène Dupont-Lefebvre : Bonjour, je suis médecin généraliste.
P1 : Mes données, je les garde.
Jean : Moi je scanne tout.
"""


@pytest.fixture
def long_names(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "n.db"
    monkeypatch.chdir(REPO)
    assert cli("--db", str(db), "init", "--study", "data/study.toml", "--codebook",
               "codebooks/numerique-sante.yaml").code == 0
    monkeypatch.chdir(tmp_path)
    (tmp_path / "g1.txt").write_text(TRANSCRIPT, encoding="utf-8")
    assert cli("--db", str(db), "import", str(tmp_path / "g1.txt"), "--group", "G1").code == 0
    return db


async def test_speaker_column_fits_cuts_with_an_ellipsis_and_aligns_marks(
        long_names: Path) -> None:
    async with workbench(long_names).run_test(size=(100, 20)) as pilot:
        screen = await ready(pilot)
        await pilot.press("2")  # a mark on the first line, none on the others
        await settle(pilot)
        quotes = screen.query_one(QuoteList)
        rows = ["".join(seg.text for seg in quotes.render_line(y)) for y in range(3)]
        assert "Dr Marie-Hélè…" in rows[0]  # cut at the column's width, with an ellipsis
        assert " P1 " in rows[1] and " Jean " in rows[2]
        # the texts start in the same column whatever the speaker and the marks
        starts = {cell_len(row[:row.index(word)]) for row, word in
                  zip(rows, ("Bonjour", "Mes données", "Moi je"), strict=True)}
        assert len(starts) == 1
