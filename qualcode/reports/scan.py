"""One pass over the codings that gathers what every section of the report needs.

Counts per (theme, group), illustrative-quote candidates and co-occurrences all come
from the same walk of the coding index in quote order, with each quote's codes rolled
up to their ancestors in Python. A recursive-closure GROUP BY with COUNT(DISTINCT …)
does the counting alone in several times that; walking once, over flat lists indexed
by (theme, group) position, keeps the report near one bare GROUP BY at a million codings.
"""

from __future__ import annotations

import heapq
from bisect import insort
from collections import Counter
from collections.abc import Iterator
from itertools import islice
from operator import itemgetter
from typing import Any, NamedTuple

from qualcode.db.reader import FETCH, Reader

BAND = (60, 400)
"""Characters of a quote that reads well on its own in a synthesis: shorter ones are
"Oui, tout à fait", longer ones are monologues; outside, the nearer the better."""
CONSENSUS_SHIFT, CODERS_SHIFT, MAX_CODERS = 40, 20, 1023
_LENGTH_CAP = (1 << CODERS_SHIFT) - 1
_NEVER = 1 << 62


class ScanSpec(NamedTuple):
    """The report's codes are numbered 0…n-1 in tree order, its columns (the groups, or
    an attribute's values) 0…g-1; the Tally's `group_*` lists are per column."""

    ancestors: dict[int, tuple[int, ...]]
    """Code id → the numbers of the code and its ancestors in the report."""
    groups: dict[int, int]
    """Group id → group number."""
    paired: frozenset[int]
    """Code numbers whose co-occurrences are counted."""
    in_scope: frozenset[int]
    """Coder ids whose codings count."""
    agreeing: dict[int, int]
    """Coder id → bit; bit 1 is `consensus`, the others human coders (never `auto`)."""
    keep: int
    """Illustrative quotes kept per cell."""
    people: dict[int, int] | None = None
    """Participant id → column, when that and not the group decides (`report --by`,
    `--where`); a participant absent from it is not counted."""
    columns: int | None = None
    """How many columns; the number of groups when None."""


class Tally(NamedTuple):
    """What the pass found; cell (code c, group g) is index c * groups + g."""

    quotes: list[int]
    codings: list[int]
    speakers: list[int]
    best: list[list[tuple[int, int]]]
    """Per cell, up to K (rank, quote id), best first; see `rank`."""
    pairs: Counter[tuple[int, int]]
    group_quotes: list[int]
    group_speakers: list[int]


def rank(consensus: bool, coders: int, length: int) -> int:
    """Smaller is better: consensus-coded, then more coders agreeing, then a length in
    BAND (else the nearest); quotes come in id order, so equal ranks keep the first."""
    return ((0 if consensus else 1) << CONSENSUS_SHIFT) | (
        (MAX_CODERS - min(coders, MAX_CODERS)) << CODERS_SHIFT) | _length_off(length)


def _length_off(length: int) -> int:
    lo, hi = BAND
    return 0 if lo <= length <= hi else min(abs(length - lo), abs(length - hi), _LENGTH_CAP)


def scan(db: Reader, spec: ScanSpec, codes: int,
         extra: list[tuple[int, int, int]] | None = None) -> Tally:
    """Walk quotes then codings (plain SQL, any backend).

    `extra` are codings that exist in no table, (quote id, code id, coder id) sorted by
    quote: the consensus a team reached by agreement (services.agreed).

    A quote's length is read only when it could still enter a cell's best K on its
    consensus and agreement alone: reading every text would cost a third of the pass.
    """
    lengths: dict[int, int] = {}

    def length_off(qid: int) -> int:
        if qid not in lengths:
            found = db.row("SELECT length(text) FROM quote WHERE id = ?", (qid,))
            lengths[qid] = _length_off(int(found[0]) if found else 0)
        return lengths[qid]

    width = len(spec.groups) if spec.columns is None else spec.columns
    cells = codes * width
    quotes, codings = [0] * cells, [0] * cells
    best: list[list[tuple[int, int]]] = [[] for _ in range(cells)]
    worst = [_NEVER if spec.keep else -1] * cells  # the rank a candidate must beat
    seen: set[int] = set()  # cell * 2**32 + participant id
    pairs: Counter[tuple[int, int]] = Counter()
    group_quotes = [0] * width
    group_seen: set[tuple[int, int]] = set()

    moderators = {pid for (pid,) in db.rows("SELECT id FROM participant WHERE is_moderator")}
    info: dict[int, tuple[int, int]] = {}
    people = spec.people
    for qid, gid, pid in db.rows("SELECT id, group_id, participant_id FROM quote"):
        g = spec.groups.get(gid) if people is None else people.get(pid)
        if pid in moderators or g is None:
            continue
        info[qid] = (g, pid)
        group_quotes[g] += 1
        group_seen.add((g, pid))

    ancestors, paired = spec.ancestors, spec.paired
    kind = {c: (c in spec.in_scope, spec.agreeing.get(c, 0))
            for c in spec.in_scope | set(spec.agreeing)}
    keep = spec.keep

    def close(qid: int, where: tuple[int, int], counted: dict[int, int],
              masks: dict[int, int]) -> None:
        g, pid = where
        for code, n in counted.items():
            cell = code * width + g
            quotes[cell] += 1
            codings[cell] += n
            seen.add((cell << 32) | pid)
            mask = masks.get(code, 0)
            r = (((mask & 1) ^ 1) << CONSENSUS_SHIFT) | (
                (MAX_CODERS - (mask >> 1).bit_count()) << CODERS_SHIFT)
            if r < worst[cell] and (r := r | length_off(qid)) < worst[cell]:
                row = best[cell]
                insort(row, (r, qid))
                del row[keep:]
                if len(row) == keep:
                    worst[cell] = row[-1][0]
        if len(counted) > 1:
            present = sorted(c for c in counted if c in paired)
            for i, a in enumerate(present):
                for b in present[i + 1:]:
                    pairs[(a, b)] += 1

    counted: dict[int, int] = {}
    masks: dict[int, int] = {}
    current: tuple[int, int] | None = None
    last = -1
    batches = db.stream("SELECT quote_id, code_id, coder_id FROM coding ORDER BY quote_id")
    for batch in (_merged(batches, extra) if extra else batches):
        for qid, code, coder in batch:
            if qid != last:
                if counted and current is not None:
                    close(last, current, counted, masks)
                last = qid
                current = info.get(qid)
                counted = {}
                masks = {}
            if current is None:
                continue
            ups = ancestors.get(code)
            if ups is None:
                continue
            counts, bit = kind.get(coder, (False, 0))
            if counts and bit:
                for a in ups:
                    counted[a] = counted.get(a, 0) + 1
                    masks[a] = masks.get(a, 0) | bit
            elif counts:
                for a in ups:
                    counted[a] = counted.get(a, 0) + 1
            elif bit:
                for a in ups:
                    masks[a] = masks.get(a, 0) | bit
    if counted and current is not None:
        close(last, current, counted, masks)

    speakers = [0] * cells
    for key in seen:
        speakers[key >> 32] += 1
    group_speakers = [0] * width
    for g, _ in group_seen:
        group_speakers[g] += 1
    return Tally(quotes, codings, speakers, best, pairs, group_quotes, group_speakers)


def _merged(batches: Iterator[list[tuple[Any, ...]]], extra: list[tuple[int, int, int]]
            ) -> Iterator[list[tuple[Any, ...]]]:
    """The table's codings and `extra` in one quote order, in batches like the table's."""
    rows = heapq.merge((r for b in batches for r in b), extra, key=itemgetter(0))
    while batch := list(islice(rows, FETCH)):
        yield batch
