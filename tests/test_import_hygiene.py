"""The CLI and the domain load without Textual; only the workbench needs it."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["qualcode.cli.whole", "qualcode.services.coding",
                                    "qualcode.reports.counts", "qualcode.db.engine"])
def test_no_textual_outside_the_tui(module: str) -> None:
    code = f"import sys, {module}; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_entry_point_runs() -> None:
    out = subprocess.run([sys.executable, "-m", "qualcode", "--help"], capture_output=True,
                         text=True, check=True)
    assert "report" in out.stdout


def test_the_workbench_starts_without_the_search_engine() -> None:
    """numpy and the ranked index are loaded on the first search, not at start-up."""
    code = ("import sys, qualcode.tui.app, qualcode.tui.screens.coding; "
            "print('numpy' in sys.modules, 'qualcode.search.engine' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"
