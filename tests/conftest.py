"""Shared fixtures: every test builds its own projects in a temporary folder."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from qualcode.cli import app

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Cli = Callable[..., Result]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Run `qualcode ARGS…` in-process from a temporary folder, as coder `tester`."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QUALCODE_CODER", "tester")
    monkeypatch.delenv("QUALCODE_DB", raising=False)
    runner = CliRunner()

    def run(*args: str) -> Result:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def demo_db(tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo project, built from the repository's data/ and codebooks/."""
    monkeypatch.chdir(REPO)
    db = tmp_path / "demo.db"
    result = cli("--db", str(db), "demo", "--no-tui")
    assert result.code == 0, result.err
    monkeypatch.chdir(tmp_path)
    return db


@pytest.fixture(autouse=True)
def _no_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUALCODE_DEBUG", raising=False)
    os.umask(0o022)  # the usual umask: owner-only files must come from the code
