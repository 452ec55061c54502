"""Running one command in a fresh interpreter and saying which heavy libraries it loaded:
the commands that must not pay for SQLAlchemy, SQLModel or Alembic (issue 24)."""

from __future__ import annotations

import subprocess
import sys

from .conftest import REPO

PROBE = """
import sys
from qualcode.cli import main
sys.argv = ["qualcode", *{args!r}]
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "sqlmodel",
                                                             "alembic"))
print("IMPORTED", heavy, file=sys.stderr)
"""


def run_probed(*args: str) -> subprocess.CompletedProcess[str]:
    """`qualcode ARGS…` run to its end (a failure fails the test), its standard error
    ending with the heavy modules it imported: `IMPORTED []` when none."""
    done = subprocess.run([sys.executable, "-c", PROBE.format(args=list(args))],
                          capture_output=True, text=True, cwd=REPO, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done
