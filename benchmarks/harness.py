"""What a benchmark case is, and the corpus it runs on.

Each area's module in `benchmarks/cases/` defines `CASES: list[Case]`. A case times a
qualcode operation (`run`) and, in the same run on the same corpus, its bare floor
(`floor`: the same work done with the raw library or one SQL statement), so the ratio
means something on any machine.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from sqlmodel import Session

T = TypeVar("T")

SIZES = ("1k", "10k", "100k")


@dataclass(frozen=True)
class Corpus:
    """A generated project and its raw files, at one size."""

    size: str
    quotes: int
    db: Path
    """SQLite project: study, codebook, transcripts' turns, 1-3 coders' codings."""
    raw: Path
    """Folder of the same content as files: `transcripts/*.txt` and `quotes.csv`."""

    def fresh_copy(self, folder: Path) -> Path:
        """A private copy of the project for operations that write."""
        target = folder / f"copy-{self.size}.db"
        for suffix in ("-wal", "-shm", ""):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.db, target)
        target.chmod(0o600)
        return target

    def fresh_empty(self, folder: Path) -> Path:
        """A private copy of the project as `qualcode init` left it: the same study design
        and codebook, no participant, quote or coding. What import cases import into."""
        template = self.db.parent / "empty.db"
        if not template.is_file():
            raise FileNotFoundError(f"{template}: corpora from benchmarks.corpus have one")
        target = folder / f"empty-{self.size}.db"
        for suffix in ("-wal", "-shm", ""):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(template, target)
        target.chmod(0o600)
        return target


@dataclass(frozen=True)
class Timed:
    """What a `run` or `floor` returns when the figure is only part of the call.

    An app measured to its first screen still has to shut down, and keys pressed in a
    started app come after its start-up: the case times the part that is the figure
    itself and returns it here, with any other figures it took on the way (`details`:
    name → seconds, shown under the table as medians).
    """

    seconds: float
    details: dict[str, float] = field(default_factory=dict)


class Skip(Exception):
    """Raised by `run` or `floor` when the case cannot be measured at this size."""


class Unavailable(Exception):
    """Raised by `peer` when the other tool cannot run here (not installable, say): its
    column is left empty with the reason, and qualcode's figures are still measured."""


@dataclass
class Case:
    name: str
    run: Callable[[Corpus], object]
    floor: Callable[[Corpus], object] | None = None
    sizes: tuple[str, ...] = SIZES
    repeat: int = 5
    notes: str = ""
    extra: dict[str, float] = field(default_factory=dict)
    peer: Callable[[Corpus], object] | None = None
    """The same operation in another tool (qc), timed in turns with `run` and `floor`."""
    peer_name: str = ""
    """What `peer` runs, as its user would type it."""
    beside: str = ""
    """The in-process case timing the same work, shown beside this one."""


def read_project(db: Path, work: Callable[[Session], T]) -> T:
    """Open a project as the CLI does and run one read in one session: what every
    read-only case times around its own call."""
    from qualcode.db.engine import open_project

    project = open_project(str(db), warn=False)
    try:
        with project.read() as session:
            return work(session)
    finally:
        project.close()
