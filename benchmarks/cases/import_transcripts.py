"""Importing the corpus's transcripts into a project that has only its design and codebook.

`run` is what `qualcode import raw/transcripts/G1.txt --group G1` does for every
transcript (decode, cut into turns, one transaction of `write_sources`); `floor` reads
the same files as UTF-8, cuts each line at its first ` : ` and inserts the same
participant, source and quote rows (offsets and text hashes included) with raw `sqlite3`
executemany. Both start from a copy of the same empty project, so the copy costs them
alike. The floor knows the files' shape; the import must discover it (labels, header,
continuation lines, any encoding), which is what the ratio prices.
"""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
import unicodedata
from pathlib import Path

from benchmarks.harness import Case, Corpus
from qualcode.importers.base import is_moderator_label


def _transcripts(corpus: Corpus) -> list[Path]:
    return sorted((corpus.raw / "transcripts").glob("*.txt"))


def run(corpus: Corpus) -> int:
    from qualcode.db.engine import open_project
    from qualcode.services.imports import parse_files, write_sources

    files = _transcripts(corpus)
    with tempfile.TemporaryDirectory(prefix="qualcode-bench-") as tmp:
        empty = corpus.fresh_empty(Path(tmp))
        project = open_project(str(empty), warn=False)
        try:
            parsed = parse_files(files)
            with project.write() as session:
                summaries = [write_sources(session, [(str(f), src)], group=f.stem,
                                           coder="bench")[0]
                             for f, src in zip(files, parsed, strict=True)]
        finally:
            project.close()
    return sum(s.quotes_added for s in summaries)


def floor(corpus: Corpus) -> int:
    files = _transcripts(corpus)
    added = 0
    with tempfile.TemporaryDirectory(prefix="qualcode-bench-") as tmp:
        conn = sqlite3.connect(corpus.fresh_empty(Path(tmp)))
        try:
            with conn:
                groups = dict(conn.execute("SELECT name, id FROM study_group"))
                for path in files:
                    data = path.read_bytes()
                    text = data.decode("utf-8")
                    gid = groups[path.stem]
                    source = conn.execute(
                        "INSERT INTO source (group_id, name, kind, format, content_hash, text, "
                        "imported_at) VALUES (?, ?, 'transcript', 'txt', ?, ?, datetime('now'))",
                        (gid, path.name, hashlib.sha256(data).hexdigest(), text)).lastrowid
                    people: dict[str, int] = {}
                    quotes: list[tuple[object, ...]] = []
                    at = 0
                    for line in text.split("\n"):
                        label, sep, said = line.partition(" : ")
                        if sep:
                            if label not in people:
                                people[label] = conn.execute(
                                    "INSERT INTO participant (group_id, label, is_moderator, "
                                    "attributes) VALUES (?, ?, ?, '{}')",
                                    (gid, label, is_moderator_label(label))).lastrowid or 0
                            start = at + len(label) + 3
                            digest = hashlib.sha256(unicodedata.normalize(
                                "NFC", said).encode("utf-8")).hexdigest()[:32]
                            quotes.append((gid, people[label], source, len(quotes) + 1, start,
                                           start + len(said), said, digest))
                        at += len(line) + 1
                    conn.executemany(
                        'INSERT INTO quote (group_id, participant_id, source_id, position, '
                        'start, "end", text, text_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', quotes)
                    added += len(quotes)
        finally:
            conn.close()
    return added


CASES = [
    Case("import transcripts (txt)", run, floor, repeat=3,
         notes="qualcode import of raw/transcripts/*.txt, one --group each, vs a split at "
               "' : ' + sqlite3 executemany of the same rows; both into a copy of the same "
               "empty project"),
]
