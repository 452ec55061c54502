"""One command timed as a whole process, with its own peak memory.

What a user waits for is the process: interpreter start-up, imports, the work, the
exit. Its peak resident set comes from GNU time when the machine has it (the harness's
`VmHWM` is the worker's, not the child's); without it, the figure is left out.
"""

from __future__ import annotations

import compileall
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import benchmarks
import qualcode
from benchmarks.harness import Timed
from benchmarks.run import MEGABYTES

RSS = "peak RSS" + MEGABYTES
"""The detail under which a process's peak resident set is shown."""


@dataclass(frozen=True)
class Finished:
    seconds: float
    rss: int
    """Peak resident set of the process, in bytes (0: not known)."""
    returncode: int
    error: str
    """The end of what the process wrote to stderr."""

    def check(self) -> Finished:
        if self.returncode:
            raise RuntimeError(f"exit {self.returncode}: {self.error}")
        return self

    def timed(self) -> Timed:
        """The figure for the harness: seconds, and the peak memory beside them."""
        self.check()
        return Timed(self.seconds, {RSS: self.rss / 2**20} if self.rss else {})


TIME = shutil.which("time", path="/usr/bin:/bin") if sys.platform == "linux" else None
"""GNU time, which reports its child's peak resident set. The child's own `wait4`
figure would not do: Linux carries the forking parent's peak (the harness's worker,
70 MB and more) across `exec` into it."""


def run(command: Sequence[str], cwd: Path | None = None) -> Finished:
    with tempfile.TemporaryDirectory(prefix="qualcode-bench-") as tmp:
        peak, errors = Path(tmp) / "peak", Path(tmp) / "stderr"
        measured = [TIME, "-f", "%M", "-o", str(peak), *command] if TIME else list(command)
        with errors.open("wb") as stderr:
            started = time.perf_counter()
            done = subprocess.run(measured, cwd=cwd, stdout=subprocess.DEVNULL,
                                  stderr=stderr, check=False)
            seconds = time.perf_counter() - started
        tail = errors.read_bytes()[-400:].decode(errors="replace").strip()
        kilobytes = peak.read_text().split()[-1] if peak.is_file() else "0"
    return Finished(seconds, int(kilobytes) * 1024, done.returncode, tail)


def compile_bytecode() -> None:
    """Every module of qualcode and of the floors compiled once, before any process is
    timed. An installed qualcode starts from bytecode (pip compiles a wheel's modules as
    it installs them), but an editable checkout under PYTHONDONTWRITEBYTECODE, as on
    these machines, recompiled its sixty-odd modules in every process: 30 ms a command
    that no user pays, and the floors' own scripts paid it too."""
    for folder in (*qualcode.__path__, *benchmarks.__path__):
        compileall.compile_dir(folder, quiet=1)
