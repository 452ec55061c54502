"""Shared fixtures: every test builds its own projects in a temporary folder.

The project needs nothing outside its own folder. `../shared` (the workshop beside the
development checkout: the seed document, third-party REFI-QDA samples) is never a
dependency: a test that also checks against it asks for it through `shared`, which skips
with the reason when the folder is absent, as in any fresh clone; the same property is
checked against the repository's own files by another test.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from qualcode import i18n
from qualcode.cli.whole import app

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = "seeds/000_bbac302de34eb918.txt"  # the seed document SPEC names


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Cli = Callable[..., Result]


@pytest.fixture(autouse=True, scope="session")
def _no_personal_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The developer's own ~/.config/qualcode/config.toml must not steer the tests."""
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("xdg"))
    os.environ.pop("QUALCODE_LANG", None)
    # nor the developer's locale: the suite speaks English unless a test asks for French
    for variable in ("LC_ALL", "LC_MESSAGES"):
        os.environ.pop(variable, None)
    os.environ["LANG"] = "C.UTF-8"


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


def in_shared(relative: str) -> Path:
    """`../shared/RELATIVE`, or skip the test saying why: a lone clone has no ../shared."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"../shared/{relative} is absent: it exists only beside the development "
                    "checkout, never in a clone; the repository's own files are checked instead")
    return path


@pytest.fixture
def shared() -> Callable[[str], Path]:
    """`shared("refi-qda/examples")`: a path in ../shared, or the test is skipped."""
    return in_shared


@pytest.fixture
def seed_text() -> str:
    """The seed document's text (../shared only; data/quotes.csv holds its verbatims)."""
    return in_shared(SEED).read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _no_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUALCODE_DEBUG", raising=False)
    os.umask(0o022)  # the usual umask: owner-only files must come from the code


@pytest.fixture(autouse=True)
def _english_again() -> Iterator[None]:
    """A test that shows the interface in French leaves it in English for the next."""
    yield
    i18n.use("en")


def table_project(cli: Cli, folder: Path, table: str) -> Path:
    """A project of the study's design and codebook holding the quote table `table`."""
    db = folder / "p.db"
    assert cli("--db", str(db), "init", "--study", str(REPO / "data/study.toml"),
               "--codebook", str(REPO / "codebooks/numerique-sante.yaml")).code == 0
    path = folder / "quotes.csv"
    path.write_text(table, encoding="utf-8")
    assert cli("--db", str(db), "import", str(path)).code == 0
    return db
