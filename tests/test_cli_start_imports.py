"""`init` and `import` load only what their work needs (the benchmark issue: within 1.5×
of a floor doing the same work with the bare libraries it needs).

Each command runs in a fresh interpreter under `-X importtime`, as a user runs it; the
modules it must not load are named here, and each test fails when one comes back. A
probe in the same interpreter also names every qualcode module that imports
`dataclasses` or `inspect` (8 ms of start-up) at its top: the modules of these two paths
that this test holds must not, whatever the modules they share with the read commands do.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from qualcode.db import creating, schema_script
from qualcode.domain.codebook import (
    MIN_NAME,
    NEAR_DUPLICATE,
    Codebook,
    CodeSpec,
    Finding,
    _check_tree,
    _may_be_near,
)
from qualcode.domain.names import normalise_name
from qualcode.i18n import _
from qualcode.search.normalise import fold

from .conftest import REPO

PROBE = """
import builtins, runpy, sys

WATCHED = {watched!r}
_import = builtins.__import__


def watching(name, globals=None, locals=None, fromlist=(), level=0):
    # a module's top level runs with its globals as its locals; a function's does not
    if level == 0 and name.partition(".")[0] in WATCHED and globals is not None \\
            and locals is globals:
        print("TOP-LEVEL", name, "IN", globals.get("__name__"), file=sys.stderr, flush=True)
    return _import(name, globals, locals, fromlist, level)


builtins.__import__ = watching
sys.argv = ["qualcode", *{args!r}]
runpy.run_module("qualcode", run_name="__main__", alter_sys=True)
"""

OURS = ("qualcode.cli.writes", "qualcode.services.imports", "qualcode.importers",
        "qualcode.domain.study", "qualcode.domain.codebook", "qualcode.domain.yaml_lines",
        "qualcode.services.study", "qualcode.services.codebook", "qualcode.db.creating",
        "qualcode.db.writing", "qualcode.db.writer")
"""The modules of `init`'s and `import`'s paths this test holds (a package: its modules)."""

ROSTER = """
[[groups.participants]]
label = "Animatrice"

[[groups.participants]]
label = "Zoé"
"""

NEAR_NAMES = """name: proches
version: "1"
codes:
  - name: accès aux soins
  - name: acces aux soin
"""


class Run:
    """What a command loaded: every module (`-X importtime`), and which of the watched
    ones each qualcode module imported at its top."""

    def __init__(self, stderr: str) -> None:
        self.loaded = {line.split("|")[-1].strip() for line in stderr.splitlines()
                       if line.startswith("import time:")}
        self.top_level = {(words[3], words[1]) for words in
                          (line.split() for line in stderr.splitlines()
                           if line.startswith("TOP-LEVEL "))}
        """(importing module, imported module)."""


def _run(folder: Path, *args: str, watched: frozenset[str] = frozenset(
        {"dataclasses", "inspect"})) -> Run:
    config = folder / "no-config"  # a user's settings file could load tomllib
    config.mkdir(exist_ok=True)
    env = {**os.environ, "QUALCODE_CODER": "tester", "LANG": "C.UTF-8",
           "XDG_CONFIG_HOME": str(config)}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c",
         PROBE.format(watched=sorted(watched), args=["--db", "p.db", *args])],
        cwd=folder, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return Run(done.stderr)


def _ours(module: str) -> bool:
    return any(module == mine or module.startswith(f"{mine}.") for mine in OURS)


def _project(folder: Path, *, roster: bool = False) -> Path:
    folder.mkdir(exist_ok=True)
    study = (REPO / "data" / "study.toml").read_text(encoding="utf-8")
    (folder / "study.toml").write_text(study + (ROSTER if roster else ""), encoding="utf-8")
    (folder / "book.yaml").write_bytes((REPO / "codebooks" / "numerique-sante.yaml")
                                       .read_bytes())
    (folder / "table.csv").write_text("group;speaker;text\nG1;Zoé;« Oui, ça rassure. »\n"
                                      "G2;Animatrice;Et vous ?\n", encoding="utf-8")
    return folder


def test_init_loads_what_it_uses_only(tmp_path: Path) -> None:
    """No rapidfuzz (the codebook's names are far apart), no tempfile (the schema script's
    maker needs it, not its reader), no hashlib (a roster asks only whether a label is
    a moderator's), no design reader (nothing to look up)."""
    folder = _project(tmp_path / "p", roster=True)
    run = _run(folder, "init", "--study", "study.toml", "--codebook", "book.yaml")
    assert {"qualcode.cli.writes", "qualcode.db.creating", "tomllib", "yaml",
            "qualcode.importers.moderators"} <= run.loaded  # the work was done
    assert not {"rapidfuzz", "tempfile", "hashlib", "dataclasses", "inspect",
                "qualcode.services.design", "qualcode.importers.base",
                "qualcode.db.schema_script"} & run.loaded
    assert not [found for found in run.top_level if _ours(found[0])]


def test_init_loads_rapidfuzz_for_names_that_may_be_the_same(tmp_path: Path) -> None:
    """The check above is not idle: near names still ask rapidfuzz."""
    folder = _project(tmp_path / "p")
    (folder / "book.yaml").write_text(NEAR_NAMES, encoding="utf-8")
    run = _run(folder, "init", "--codebook", "book.yaml")
    assert "rapidfuzz" in run.loaded


def test_import_loads_what_it_uses_only(tmp_path: Path) -> None:
    """No tomllib and no study records (the design is in the project already), no
    YAML, no rapidfuzz, no design reader (the table's groups are all there)."""
    folder = _project(tmp_path / "p")
    _run(folder, "init", "--study", "study.toml", "--codebook", "book.yaml")
    run = _run(folder, "import", "table.csv", watched=frozenset({"dataclasses", "inspect",
                                                                 "csv"}))
    assert {"qualcode.services.imports", "qualcode.importers.quote_table", "csv",
            "hashlib"} <= run.loaded  # the work was done (`importlib.import_module`, which
    # loads the format's own module, is not timed: its imports are)
    assert not {"tomllib", "qualcode.domain.study", "yaml", "rapidfuzz", "tempfile",
                "dataclasses", "inspect", "qualcode.services.design", "sqlalchemy"
                } & run.loaded
    assert ("qualcode.importers.quote_table_csv", "csv") in run.top_level  # the probe sees
    assert not [found for found in run.top_level if _ours(found[0]) and found[1] != "csv"]


def _transcripts(folder: Path) -> None:
    (folder / "g1.vtt").write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n"
                                   "<v Animatrice>Bonjour.\n", encoding="utf-8")
    (folder / "g1.md").write_text("# G1\n\nAnimatrice : Bonjour.\n\nZoé : Oui.\n",
                                  encoding="utf-8")


def test_a_groups_first_transcript_loads_what_it_uses_only(tmp_path: Path) -> None:
    """Written with sqlite3 alone (it can correct no earlier one): no ORM, and nothing
    else the table's path does without."""
    folder = _project(tmp_path / "p")
    _run(folder, "init", "--study", "study.toml")
    _transcripts(folder)
    run = _run(folder, "import", "g1.md", "--group", "G1")
    assert {"qualcode.services.imports", "qualcode.importers.transcript"} <= run.loaded
    assert not {"sqlalchemy", "sqlmodel", "rapidfuzz", "tomllib", "yaml", "tempfile",
                "dataclasses", "inspect", "qualcode.services.design"} & run.loaded
    assert not [found for found in run.top_level if _ours(found[0])]


def test_a_transcripts_path_imports_no_dataclasses_of_its_own(tmp_path: Path) -> None:
    """Two transcripts of a group are written in a Session (the second may correct the
    first), whose ORM loads `dataclasses`: the modules held here still do not import it
    themselves."""
    folder = _project(tmp_path / "p")
    _run(folder, "init", "--study", "study.toml")
    _transcripts(folder)
    run = _run(folder, "import", "g1.vtt", "g1.md", "--group", "G1")
    assert {"qualcode.importers.transcript", "webvtt", "sqlalchemy"} <= run.loaded
    assert not {"tomllib", "yaml"} & run.loaded
    assert not [found for found in run.top_level if _ours(found[0])]


def test_the_schema_script_is_the_one_make_schema_writes() -> None:
    assert creating.SCRIPT == schema_script.SCRIPT


@settings(max_examples=2000, deadline=None)
@given(st.text("abcdeé œ-", max_size=30), st.text("abcdeé œ-", max_size=30))
def test_names_told_apart_without_rapidfuzz_are_below_its_threshold(a: str, b: str) -> None:
    """`_may_be_near` says no only where rapidfuzz's ratio is below the threshold."""
    if not _may_be_near(a, b, Counter(a), Counter(b)):
        assert fuzz.ratio(a, b) < NEAR_DUPLICATE


def _as_before(book: Codebook) -> list[Finding]:
    """The near-name findings as `_check_tree` made them, with rapidfuzz on every pair."""
    findings: list[Finding] = []
    seen: dict[str, CodeSpec] = {}
    for code, _parent, _depth in book.walk():
        norm = normalise_name(code.name)
        if len(code.name.strip()) < MIN_NAME or not any(ch.isalnum() for ch in code.name) \
                or norm in seen:
            continue
        for other_norm, other in seen.items():
            score = fuzz.ratio(fold(norm), fold(other_norm))
            if score >= NEAR_DUPLICATE:
                findings.append(Finding(
                    code.line,
                    _("code name {name!r} is nearly the same as {name2!r} (line {line}, "
                      "similarity {score:.0f})").format(
                        name=code.name, name2=other.name, line=other.line, score=score),
                    fatal=False))
        seen[norm] = code
    return findings


WORDS = st.sampled_from(["soin", "soins", "accès", "acces", "données", "donnees", "santé",
                         "Sante", "aux", "des", "la", "vie", "privée", "prive", "é", "ab"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(WORDS, min_size=1, max_size=4).map(" ".join), max_size=12))
def test_near_names_are_flagged_as_before(names: list[str]) -> None:
    """The same findings, scores and all, as when rapidfuzz compared every pair."""
    book = Codebook("b", "1", [CodeSpec(name, line=n) for n, name in enumerate(names, 1)])
    assert [f for f in _check_tree(book) if not f.fatal] == _as_before(book)
