"""REFI-QDA exchange: exporting a project to `.qdpx`, importing one back.

The export is written to a file, as the command writes it, so that its peak memory is
the export's own and not the archive's bytes held for the harness. Floors: the same
rows read with one SQL statement and written as bare ElementTree XML into a deflated
zip; and that XML parsed back and its quotes inserted with one `executemany`.
"""

from __future__ import annotations

import atexit
import io
import shutil
import sqlite3
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from functools import cache
from pathlib import Path

from benchmarks.harness import Case, Corpus
from qualcode.db.engine import create_project, open_project
from qualcode.exchange.qdpx_export import build, write_archive
from qualcode.exchange.qdpx_import import plan, write
from qualcode.importers.qdpx import read

_FOLDER = Path(tempfile.mkdtemp(prefix="qualcode-bench-refi-"))
atexit.register(shutil.rmtree, _FOLDER, True)


@cache
def _private(corpus: Corpus) -> Path:
    """Export writes the GUID namespace once: never into the shared corpus."""
    return corpus.fresh_copy(_FOLDER)


@cache
def _exported(corpus: Corpus) -> Path:
    _export(corpus)
    return _target(corpus)


def _target(corpus: Corpus) -> Path:
    return _FOLDER / f"{corpus.size}.qdpx"


def _export(corpus: Corpus) -> int:
    """The archive's size in bytes."""
    project = open_project(str(_private(corpus)), warn=False)
    try:
        with project.write() as session, _target(corpus).open("wb") as sink:
            write_archive(build(session, "bench"), sink)
    finally:
        project.close()
    return _target(corpus).stat().st_size


def _export_floor(corpus: Corpus) -> bytes:
    conn = sqlite3.connect(corpus.db)
    rows = conn.execute("SELECT q.id, q.text, c.code_id, c.coder_id, c.created_at FROM quote q "
                        "LEFT JOIN coding c ON c.quote_id = q.id ORDER BY q.id").fetchall()
    conn.close()
    root = ET.Element("Project", name="bench")
    sources = ET.SubElement(root, "Sources")
    text = ET.SubElement(sources, "TextSource", guid="x")
    for qid, body, code, coder, when in rows:
        sel = ET.SubElement(text, "PlainTextSelection", guid=str(qid), name=body,
                            startPosition="0", endPosition=str(len(body)))
        if code is not None:
            coding = ET.SubElement(sel, "Coding", guid=str(qid), creatingUser=str(coder),
                                   creationDateTime=str(when))
            ET.SubElement(coding, "CodeRef", targetGUID=str(code))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", ET.tostring(root))
    return buffer.getvalue()


@cache
def _empty() -> Path:
    path = _FOLDER / "empty.db"
    create_project(str(path)).close()
    return path


def _import(corpus: Corpus) -> int:
    target = _FOLDER / f"import-{corpus.size}.db"
    for suffix in ("-wal", "-shm", ""):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    target.write_bytes(_empty().read_bytes())
    target.chmod(0o600)
    todo = plan(read(_exported(corpus)), "bench")
    project = open_project(str(target), warn=False)
    try:
        with project.write() as session:
            return write(session, todo, path="bench.qdpx", coder="bench", name="bench").quotes
    finally:
        project.close()


def _import_floor(corpus: Corpus) -> int:
    with zipfile.ZipFile(_exported(corpus)) as zf:
        root = ET.fromstring(zf.read("project.qde"))
    rows = [(el.get("name"),) for el in root.iter("{urn:QDA-XML:project:1.0}PlainTextSelection")]
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE quote (text TEXT)")
    conn.executemany("INSERT INTO quote VALUES (?)", rows)
    conn.commit()
    conn.close()
    return len(rows)


CASES = [
    Case("refi export qdpx", _export, _export_floor, repeat=3,
         notes="whole project → .qdpx bytes (users, codes, cases, sources, notes)"),
    Case("refi import qdpx", _import, _import_floor, repeat=3,
         notes=".qdpx → fresh project (safe unzip, defused XML, one transaction)"),
]
