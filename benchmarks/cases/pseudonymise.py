"""`qualcode pseudonymise --dry-run` on one long transcript: as many turns as the size's
quotes, one turn in two naming a participant, so every quote's offsets shift.

It was quadratic in a transcript's length (each quote's offsets recomputed by a scan of
every earlier replacement: 16,000 turns took 60 s). The floor is the bare work: one
regular-expression pass replacing the names over the transcript, and one pass moving
each turn's offsets by the running difference.
"""

from __future__ import annotations

import re
import tempfile
from functools import cache
from pathlib import Path

from benchmarks.harness import Case, Corpus

NAMES = {"Nadia": "Sofia", "Kareem": "Samir", "Claire": "Inès"}


@cache
def _project(turns: int) -> tuple[Path, Path, str]:
    """A project holding one transcript of `turns` turns, its map, and its text."""
    from typer.testing import CliRunner

    from qualcode.cli.whole import app

    folder = Path(tempfile.mkdtemp(prefix="qualcode-bench-pseudo-"))
    lines = [f"P{n % 5 + 1} : Réponse {n}, " + (f"{list(NAMES)[n % 3]} en parle aussi."
                                               if n % 2 else "sans nom ici.")
             for n in range(turns)]
    text = "\n".join(lines) + "\n"
    (folder / "g1.txt").write_text(text, encoding="utf-8")
    (folder / "map.csv").write_text("name,pseudonym\n" + "".join(
        f"{a},{b}\n" for a, b in NAMES.items()), encoding="utf-8")
    db = folder / "p.db"
    runner = CliRunner()
    for args in (["--db", str(db), "init"],
                 ["--db", str(db), "import", str(folder / "g1.txt"), "--group", "G1"]):
        result = runner.invoke(app, args, env={"QUALCODE_CODER": "bench"})
        if result.exit_code:
            raise RuntimeError(result.output)
    return db, folder / "map.csv", text


def run(corpus: Corpus) -> int:
    from qualcode.db.engine import open_project
    from qualcode.services.pseudonymise import pseudonymise

    db, names, _ = _project(corpus.quotes)
    project = open_project(str(db), warn=False)
    try:
        plan = pseudonymise(project, names, coder="bench", dry_run=True)
    finally:
        project.close()
    return len(plan.replacements)


def floor(corpus: Corpus) -> int:
    _, _, text = _project(corpus.quotes)
    pattern = re.compile(r"\b(" + "|".join(NAMES) + r")\b")
    made = 0
    shift = 0
    offsets = []
    for line in text.splitlines(keepends=True):
        new, n = pattern.subn(lambda m: NAMES[m.group(1)], line)
        offsets.append(shift)
        shift += len(new) - len(line)
        made += n
    return made


CASES = [Case("pseudonymise one long transcript", run, floor, repeat=3,
              notes="dry run over one transcript of as many turns as the size's quotes, "
                    "names in one turn of two; floor: one regex pass and one offset pass")]
