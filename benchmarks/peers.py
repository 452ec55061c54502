"""qc (`qualitative-coding` on PyPI), the one command-line QDA tool, timed beside qualcode.

qc is installed into a virtualenv of its own under `benchmarks/out/peers/` on first
use, never into the project's environment. Its project is built from the same corpus:
one text file per focus group, each turn `SPEAKER : text` as its own paragraph (what qc
counts and exports by), imported with qc's own `init` and `corpus import`; the codebook
is our tree as qc's YAML, and every coding of every coder is written straight into qc's
SQLite tables (`coded_line` and its paragraph link, as `qc code` stores them), since
qc has no importer for codings and calling it per line would take days at 100k.

When qc cannot be installed (no network, a failed build) or its project cannot be
built, every peer figure is skipped with one line saying why; the harness never fails
because of it.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import process
from benchmarks.corpus import OUT
from benchmarks.harness import Corpus, Unavailable
from benchmarks.process import Finished

QC_PACKAGE = "qualitative-coding"
QC_VERSION = "1.7.8"
"""The release issue 24's table was measured with (also the newest on PyPI, 2026-12)."""
PEERS = OUT / "peers"
VENV = PEERS / "qc-venv"
FAILED = PEERS / "qc-unavailable.txt"
"""Why the last install failed; retried once the file is an hour old (or deleted)."""
RETRY_AFTER = 3600.0
INSTALL_TIMEOUT = 600.0
ENABLED = "QUALCODE_BENCH_PEERS"
"""Set to 0 to skip every peer figure (the smoke tests do: they must not install qc)."""


def qc_command() -> Path:
    """qc's executable, installing it on first use; `Unavailable` says why it cannot."""
    if os.environ.get(ENABLED, "1") == "0":
        raise Unavailable(f"peers disabled ({ENABLED}=0)")
    return _install()


@functools.cache
def _install() -> Path:
    """Checked once per process: asking qc its version costs a second."""
    executable = VENV / "bin" / "qc"
    if _installed(executable):
        return executable
    if FAILED.is_file() and time.time() - FAILED.stat().st_mtime < RETRY_AFTER:
        raise Unavailable(FAILED.read_text(encoding="utf-8").strip()
                          + f" (delete {FAILED} to retry now)")
    PEERS.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(VENV, ignore_errors=True)
    steps = [[sys.executable, "-m", "venv", str(VENV)],
             [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet",
              "--disable-pip-version-check", f"{QC_PACKAGE}=={QC_VERSION}"]]
    for step in steps:
        try:
            done = subprocess.run(step, capture_output=True, text=True, check=False,
                                  timeout=INSTALL_TIMEOUT)
            failure = done.stderr.strip().splitlines()[-1:] if done.returncode else []
        except (OSError, subprocess.TimeoutExpired) as exc:
            failure = [f"{type(exc).__name__}: {exc}"]
        if failure or (step is steps[-1] and not _installed(executable)):
            reason = f"qc {QC_VERSION} could not be installed: " + (
                failure[0] if failure else "no qc executable after pip install")
            FAILED.write_text(reason + "\n", encoding="utf-8")
            shutil.rmtree(VENV, ignore_errors=True)
            raise Unavailable(reason)
    FAILED.unlink(missing_ok=True)
    return executable


def _installed(executable: Path) -> bool:
    if not executable.is_file():
        return False
    done = subprocess.run([str(executable), "version"], capture_output=True, text=True,
                          check=False)
    return done.returncode == 0 and QC_VERSION in done.stdout


def qc(folder: Path, *args: str) -> Finished:
    """One qc command run in its project folder (qc finds `settings.yaml` there),
    timed as a whole process."""
    return process.run([str(qc_command()), *args], cwd=folder)


def corpus_texts(corpus: Corpus) -> Path:
    """The corpus as qc reads it: one file per group, one paragraph per turn.

    Line numbers are what qc codes: the group's name on line 0, then turn k (from 1, in
    transcript order) on line 2k, a blank line after each."""
    folder = PEERS / "qc-corpus" / corpus.size
    stamp = folder.with_suffix(".stamp")  # beside, not inside: qc imports the whole folder
    digest = _digest(corpus)
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == digest:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    conn = sqlite3.connect(corpus.db)
    try:
        turns: dict[str, list[str]] = {}
        for group, label, text in conn.execute(
                "SELECT g.name, p.label, q.text FROM quote q "
                "JOIN study_group g ON g.id = q.group_id "
                "JOIN participant p ON p.id = q.participant_id ORDER BY g.position, q.position"):
            turns.setdefault(group, []).append(f"{label} : {text}")
    finally:
        conn.close()
    for group, lines in turns.items():
        body = "\n\n".join([group, *lines]) + "\n"
        (folder / f"{group}.txt").write_text(body, encoding="utf-8")
    stamp.write_text(digest, encoding="utf-8")
    return folder


def qc_project(corpus: Corpus) -> Path:
    """qc's project of this corpus (built once per corpus and qc release): the texts
    imported by qc itself, the codebook and every coding written in qc's own tables."""
    folder = PEERS / f"qc-{corpus.size}"
    stamp = folder / ".stamp"
    digest = _digest(corpus)
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == digest:
        return folder
    texts = corpus_texts(corpus)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    init_and_import(folder, texts).check()
    (folder / "codebook.yaml").write_text(_codebook_yaml(corpus), encoding="utf-8")
    _write_codings(corpus, folder / "qualitative_coding.sqlite3")
    stamp.write_text(digest, encoding="utf-8")
    return folder


def init_and_import(folder: Path, texts: Path) -> Finished:
    """`qc init` then `qc corpus import TEXTS --recursive --importer verbatim`, as a user
    starts a project: two processes, timed together."""
    first = qc(folder, "init")
    first.check()
    second = qc(folder, "corpus", "import", str(texts), "--recursive",
                "--importer", "verbatim")
    return Finished(first.seconds + second.seconds, max(first.rss, second.rss),
                    second.returncode, second.error)


def _codebook_yaml(corpus: Corpus) -> str:
    """Our codebook tree as qc's YAML: a leaf is a name, a parent `{name: [children]}`.

    Written by hand (JSON strings are YAML scalars): the harness does not depend on a
    YAML library for one small tree."""
    conn = sqlite3.connect(corpus.db)
    try:
        rows = conn.execute("SELECT id, name, parent_id FROM code ORDER BY position, id")
        children: dict[int | None, list[tuple[int, str]]] = {}
        for cid, name, parent in rows:
            children.setdefault(parent, []).append((cid, name))
    finally:
        conn.close()
    lines: list[str] = []

    def walk(parent: int | None, indent: str) -> None:
        for cid, name in children.get(parent, []):
            quoted = json.dumps(name, ensure_ascii=False)
            if cid in children:
                lines.append(f"{indent}- {quoted}:")
                walk(cid, indent + "  ")
            else:
                lines.append(f"{indent}- {quoted}")

    walk(None, "")
    return "\n".join(lines) + "\n"


def _write_codings(corpus: Corpus, qc_db: Path) -> None:
    """Every coding as qc stores a coded line: (line, coder, code), linked to the
    paragraph holding that line."""
    source = sqlite3.connect(corpus.db)
    try:
        codings = source.execute(
            "SELECT g.name || '.txt', 2 * q.position, k.name, c.name FROM coding x "
            "JOIN quote q ON q.id = x.quote_id JOIN study_group g ON g.id = q.group_id "
            "JOIN coder k ON k.id = x.coder_id JOIN code c ON c.id = x.code_id").fetchall()
    finally:
        source.close()
    conn = sqlite3.connect(qc_db)
    try:
        paragraphs: dict[str, tuple[list[int], list[int]]] = {}
        for document, start, location in conn.execute(
                "SELECT i.document_id, l.start_line, l.id FROM location l "
                "JOIN document_index i ON i.id = l.document_index_id "
                "WHERE i.name = 'paragraphs' ORDER BY i.document_id, l.start_line"):
            starts, ids = paragraphs.setdefault(document, ([], []))
            starts.append(start)
            ids.append(location)
        with conn:
            conn.executemany("INSERT INTO coder (name) VALUES (?)",
                             [(n,) for n in sorted({c[2] for c in codings})])
            conn.executemany("INSERT INTO code (name) VALUES (?)",
                             [(n,) for n in sorted({c[3] for c in codings})])
            conn.executemany(
                "INSERT INTO coded_line (id, line, coder_id, code_id) VALUES (?, ?, ?, ?)",
                [(i, line, coder, code) for i, (_doc, line, coder, code)
                 in enumerate(codings, 1)])
            links = []
            for i, (document, line, _coder, _code) in enumerate(codings, 1):
                starts, ids = paragraphs[document]
                links.append((i, ids[bisect.bisect_right(starts, line) - 1]))
            conn.executemany("INSERT INTO coded_line_location_association "
                             "(coded_line_id, location_id) VALUES (?, ?)", links)
    finally:
        conn.close()


def _digest(corpus: Corpus) -> str:
    """What a built qc project depends on: the corpus's manifest and qc's release."""
    manifest = (corpus.db.parent / "manifest.json").read_bytes()
    return hashlib.sha256(manifest + QC_VERSION.encode()).hexdigest()
