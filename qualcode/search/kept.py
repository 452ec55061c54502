"""The search index kept in the project, so `search` reads it instead of rebuilding it.

Folding and tokenising every quote costs seconds at 100,000 quotes; the result is
kept per quote (`search_entry`: the quote's distinct folded words as numbers of
`search_word`), stamped with the `text_hash` of the text it was read from. Quotes are
written by many paths (imports, transcript re-import, pseudonymisation, REFI-QDA
import, plain SQL) and every one of them keeps `text_hash` right, so no writer needs
to know about the index: a read takes the entries whose stamp matches their quote in
its own snapshot (one join) and indexes again, in memory, the quotes whose stamp does
not (new, edited, re-imported). The index a search reads is therefore always that of
the very quotes of its transaction. What was indexed again is handed to `keep`, which
writes it in a write transaction of its own; a deleted quote takes its entry with it
(ON DELETE CASCADE). Plain SQL on a `Reader`, so SQLite and PostgreSQL run the same
statements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from qualcode.db.batches import id_batches
from qualcode.db.reader import Reader
from qualcode.search.normalise import WORD, fold

WordIds = np.ndarray[Any, np.dtype[np.int32]]
_STORED = np.dtype("<i4")
"""How a quote's word ids are stored: the same bytes on every machine and database."""

_ENTRIES = (
    "SELECT q.id, q.text_hash, e.words FROM quote q "
    "LEFT JOIN search_entry e ON e.quote_id = q.id AND e.text_hash = q.text_hash "
    "ORDER BY q.id"
)
_VOCABULARY = "SELECT id, word FROM search_word"


@dataclass(frozen=True)
class Fresh:
    """The quotes a read indexed anew, and the vocabulary their word ids point into:
    what `keep` writes."""

    vocabulary: list[str | None]
    entries: list[tuple[int, str, bytes]]
    """Quote id, the `text_hash` its words were read from, its word ids as stored."""


@dataclass
class Kept:
    """Every quote of a snapshot, in id order, with its word ids (into `vocabulary`)."""

    ids: list[int]
    words: list[bytes]
    """Each quote's word ids as stored (`_STORED`)."""
    vocabulary: list[str | None]
    """Word by id; None where an id was never given (a gap in `search_word`)."""
    fresh: Fresh


def words_of(folded: str) -> set[str]:
    """The distinct words of a folded text: what the index relates to quotes."""
    return set(WORD.findall(folded))


def texts(reader: Reader, ids: Sequence[int]) -> dict[int, str]:
    """These quotes' texts, by id."""
    found: dict[int, str] = {}
    for marks, params in id_batches(ids):
        found.update(reader.rows(f"SELECT id, text FROM quote WHERE id IN ({marks})", params))
    return found


def read(reader: Reader) -> Kept:
    """The kept entries still true in this snapshot, and the other quotes indexed anew."""
    rows = reader.rows(_ENTRIES)
    vocabulary: list[str | None] = []
    for word_id, word in reader.rows(_VOCABULARY):
        vocabulary += [None] * (word_id + 1 - len(vocabulary))
        vocabulary[word_id] = word
    words = [b"" if blob is None else bytes(blob) for _, _, blob in rows]
    stale = [(int(qid), digest) for (qid, digest, blob) in rows if blob is None]
    entries: list[tuple[int, str, bytes]] = []
    if stale:
        number = {w: i for i, w in enumerate(vocabulary) if w is not None}

        def word_id(word: str) -> int:
            found = number.get(word)
            if found is None:
                found = number[word] = len(vocabulary)
                vocabulary.append(word)
            return found

        found = texts(reader, [qid for qid, _ in stale])
        position = {int(qid): i for i, (qid, _, _) in enumerate(rows)}
        for qid, digest in stale:
            ids = stored([word_id(w) for w in words_of(fold(found[qid]))])
            words[position[qid]] = ids
            entries.append((qid, digest, ids))
    return Kept([int(r[0]) for r in rows], words, vocabulary, Fresh(vocabulary, entries))


def stored(word_ids: list[int]) -> bytes:
    """A quote's word ids as kept: sorted, so the same words give the same bytes."""
    return np.sort(np.array(word_ids, dtype=_STORED)).tobytes()


def postings(words: list[bytes], vocabulary: Sequence[str | None]) -> dict[str, WordIds]:
    """Each word's quotes (positions in `words`, ascending), for words some quote holds."""
    size = _STORED.itemsize
    lengths = np.fromiter((len(w) // size for w in words), dtype=np.int64, count=len(words))
    flat = np.frombuffer(b"".join(words), dtype=_STORED)
    owners = np.repeat(np.arange(len(words), dtype=np.int32), lengths)
    # A stable sort of 16-bit keys is a radix sort: five times faster than of 32-bit ones.
    keys = flat.astype(np.uint16) if len(vocabulary) <= 1 << 16 else flat
    order = np.argsort(keys, kind="stable")
    counts = np.bincount(flat, minlength=len(vocabulary))
    parts = np.split(owners[order], np.cumsum(counts)[:-1])
    return {str(vocabulary[w]): parts[w] for w in np.flatnonzero(counts).tolist()}


def keep(reader: Reader, fresh: Fresh) -> int:
    """Write these entries (in the caller's write transaction), and the words they bring
    under the numbers the read gave them; those whose quote has changed or gone since
    are left out, to be indexed again. Nothing is written if another writer numbered
    words otherwise meanwhile (the next read indexes them again). How many were
    written."""
    if not fresh.entries:
        return 0
    known = dict(reader.rows(_VOCABULARY))
    if any(word_id >= len(fresh.vocabulary) or fresh.vocabulary[word_id] != word
           for word_id, word in known.items()):
        return 0
    cursor = reader.connection.cursor()
    try:
        cursor.executemany(reader.sql("INSERT INTO search_word (id, word) VALUES (?, ?)"),
                           [(word_id, word) for word_id, word in enumerate(fresh.vocabulary)
                            if word is not None and word_id not in known])
        by_id = {entry[0]: entry for entry in fresh.entries}
        written = 0
        for marks, params in id_batches(sorted(by_id)):
            current = dict(reader.rows(
                f"SELECT id, text_hash FROM quote WHERE id IN ({marks})", params))
            cursor.execute(reader.sql(
                f"DELETE FROM search_entry WHERE quote_id IN ({marks})"), params)
            rows = [by_id[qid] for qid in params.values() if current.get(qid) == by_id[qid][1]]
            cursor.executemany(reader.sql(
                "INSERT INTO search_entry (quote_id, text_hash, words) VALUES (?, ?, ?)"), rows)
            written += len(rows)
        return written
    finally:
        cursor.close()
