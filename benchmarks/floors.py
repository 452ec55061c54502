"""Floors written with the standard library alone, so that a whole-process floor pays
only Python's start-up and `sqlite3`: imported by the in-process cases and run as
`python -m benchmarks.floors WHAT DB [ARG]` by the whole-process ones. Two exceptions:
agreement's floor, as the issue names it, uses NumPy and the `krippendorff` package,
imported only there; the report's reads its survey figures with PyYAML (`yaml`), imported
only when an indicators file is found and must be read, where qualcode needs it too."""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable, Iterator
from math import exp, lgamma

TYPE_CHECKING = False  # `typing` costs 3 ms of a floor's start-up; mypy reads this as True
if TYPE_CHECKING:
    from typing import Any

RESERVED_CODERS = ("consensus", "auto")
"""Coders that are not people (qualcode's `config.RESERVED_CODERS`, not imported: it
would pull qualcode's start-up into the floor)."""


def closure_values(conn: sqlite3.Connection) -> str:
    """Every (ancestor, descendant) pair of the code tree as an SQL VALUES list."""
    parent = dict(conn.execute("SELECT id, parent_id FROM code").fetchall())
    pairs = []
    for code in parent:
        node: int | None = code
        while node is not None:
            pairs.append(f"({node}, {code})")
            node = parent[node]
    return ", ".join(pairs)


def counts(conn: sqlite3.Connection, closure: str) -> list[tuple[int, int, int, int, int]]:
    """Per theme and group: quotes, participants, codings: the report's cells."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS cl (descendant INTEGER, ancestor INTEGER, "
                 "PRIMARY KEY (descendant, ancestor)) WITHOUT ROWID")
    conn.execute("DELETE FROM cl")
    conn.execute(f"INSERT INTO cl (ancestor, descendant) VALUES {closure}")
    return conn.execute(
        "SELECT cl.ancestor, q.group_id, COUNT(DISTINCT q.id), COUNT(DISTINCT q.participant_id),"
        " COUNT(*) FROM coding c JOIN coder k ON k.id = c.coder_id "
        "JOIN cl ON cl.descendant = c.code_id JOIN quote q ON q.id = c.quote_id "
        "JOIN participant p ON p.id = q.participant_id "
        "WHERE NOT p.is_moderator AND k.name <> 'auto' GROUP BY cl.ancestor, q.group_id"
    ).fetchall()


REPORT_QUOTES = 3
"""Illustrative quotes per theme and group: the report's default `--quotes`."""
READABLE = (60, 400)
"""Characters of a quote that reads well on its own: illustrative quotes are chosen in
this band, else as near it as can be (the report's rule)."""
FARTHEST = (1 << 20) - 1
"""Distances from READABLE beyond this are equal: qualcode keeps the distance in 20 bits
of its rank, so a quote of more than a million characters ties with a longer one."""
ALPHA = 0.05
FLAG_TEST = ("two-sided Fisher exact test of each group against the other groups, "
             "Holm-adjusted across the groups of each theme, α = 0.05")
LEVEL_TEST = ("two-sided Fisher exact test of each level against the other levels of its "
              "dimension, Holm-adjusted across the levels, α = 0.05")
LANGUAGES = ("en", "fr")
SMALL_JSON = 20_000
"""Entries of a JSON document (every list's and object's, summed) up to which qualcode
writes it with the standard library's encoder; above, orjson writes it, and the two
spell a float below 1e-4 differently (`5e-05` against `0.00005`)."""


def report(db: str) -> str:
    """`qualcode report --format json` byte for byte, for the default report: every
    coder but `auto` (the consensus included) in scope, moderators' turns never counted,
    the groups as columns, three illustrative quotes a cell, the study's survey figures
    when an indicators file is found for it. Computed anew from the tables, never through
    qualcode, so the floor is also an oracle for the report's numbers."""
    conn = sqlite3.connect(db)
    try:
        return _json_text(report_data(conn, db))
    finally:
        conn.close()


def report_data(conn: sqlite3.Connection, db: str) -> dict[str, Any]:
    """The report's JSON object; `db` is the project's path (its indicators file may be
    beside it). Themes are numbered in codebook order (`tree_order`), columns (the
    groups) in the design's order; cell (t, g) is index t × columns + g."""
    title, dimensions, groups = _design(conn)
    tree = tree_order(conn)
    number = {cid: t for t, (cid, *_rest) in enumerate(tree)}
    name = [theme for _cid, theme, _parent, _exclusive in tree]
    parent_of = {cid: parent for cid, _n, parent, _exclusive in tree}
    ups: dict[int, tuple[int, ...]] = {}  # code id → numbers of the code and its ancestors
    for cid in number:
        chain: list[int] = []
        node: int | None = cid
        while node is not None:
            chain.append(number[node])
            node = parent_of[node]
        ups[cid] = tuple(chain)
    tops = [number[cid] for cid, _n, parent, _e in tree if parent is None]
    column = {gid: g for g, (gid, _name, _placed) in enumerate(groups)}
    spoken: dict[int, tuple[int, int]] = {}  # quote → (column, speaker), moderators left out
    sizes = [0] * len(groups)
    voices: list[set[int]] = [set() for _ in groups]
    for qid, gid, pid in conn.execute(
            "SELECT q.id, q.group_id, q.participant_id FROM quote q "
            "JOIN participant p ON p.id = q.participant_id WHERE NOT p.is_moderator"):
        if gid in column:
            spoken[qid] = (column[gid], pid)
            sizes[column[gid]] += 1
            voices[column[gid]].add(pid)
    people = [len(v) for v in voices]
    tally = _tally(conn, ups, frozenset(tops), spoken, len(groups), len(tree))
    width = len(groups)
    cells = _cells(tally, name, [group for _gid, group, _placed in groups], sizes, people)
    base, everyone = sum(sizes), sum(people)
    quotes = [sum(tally.quotes[t * width:(t + 1) * width]) for t in range(len(tree))]
    return {
        "scope": "all coders",
        "test": FLAG_TEST,
        "level_test": LEVEL_TEST,
        "title": title,
        "subtree": None,
        "by": None,
        "where": [],
        "dimensions": dimensions,
        "groups": [{"name": group, "attributes": placed, "quotes": n, "participants": p}
                   for (_gid, group, placed), n, p in zip(groups, sizes, people, strict=True)],
        "themes": [{"name": theme,
                    "parent": name[number[parent]] if parent is not None else None,
                    "quotes": quotes[t],
                    "participants": sum(tally.speakers[t * width:(t + 1) * width]),
                    "base": base, "participants_base": everyone,
                    "share": quotes[t] / base if base else 0.0}
                   for t, (_cid, theme, parent, _e) in enumerate(tree)],
        "cells": cells,
        "levels": _by_level(dimensions, groups, name, cells, sizes, people),
        "quotes": _illustrations(conn, tally, name, groups, ups),
        "cooccurrence": {
            "themes": [{"name": name[t], "quotes": quotes[t]} for t in tops],
            "pairs": [{"a": name[a], "b": name[b], "quotes": tally.pairs.get((a, b), 0)}
                      for i, a in enumerate(tops) for b in tops[i + 1:]]},
        "indicators": _indicators(db, title, name),
        "language": _language(conn),
    }


def _cells(tally: _Tally, name: list[str], columns: list[str], sizes: list[int],
           people: list[int]) -> list[dict[str, Any]]:
    """Every theme in every column, flagged against the theme's other columns."""
    out: list[dict[str, Any]] = []
    for t, theme in enumerate(name):
        row: list[dict[str, Any]] = []
        for g, group in enumerate(columns):
            cell, n = t * len(columns) + g, sizes[g]
            row.append({"theme": theme, "group": group, "quotes": tally.quotes[cell],
                        "codings": tally.codings[cell], "participants": tally.speakers[cell],
                        "share": tally.quotes[cell] / n if n else 0.0, "flag": None,
                        "base": n, "participants_base": people[g]})
        for item, flag in zip(row, _flags([c["quotes"] for c in row], sizes), strict=True):
            item["flag"] = flag
        out.extend(row)
    return out


def _design(conn: sqlite3.Connection) -> tuple[
        str, dict[str, list[str]], list[tuple[int, str, dict[str, str]]]]:
    """The study's title, its dimensions with their levels, and its groups in order, each
    with its level of every dimension that gives it one."""
    found = conn.execute("SELECT title FROM study ORDER BY id LIMIT 1").fetchone()
    dims = conn.execute("SELECT id, name FROM dimension ORDER BY position, id").fetchall()
    levels: dict[int, list[str]] = {}
    level_name: dict[int, str] = {}
    for lid, did, level in conn.execute(
            "SELECT id, dimension_id, name FROM level ORDER BY position, id"):
        levels.setdefault(did, []).append(level)
        level_name[lid] = level
    placed: dict[int, dict[int, str]] = {}
    for gid, did, lid in conn.execute("SELECT group_id, dimension_id, level_id FROM group_level"):
        placed.setdefault(gid, {})[did] = level_name[lid]
    groups = [(gid, group, {dim: placed[gid][did] for did, dim in dims
                            if did in placed.get(gid, {})})
              for gid, group in conn.execute(
                  "SELECT id, name FROM study_group ORDER BY position, id")]
    return (found[0] if found else ""), {dim: levels.get(did, []) for did, dim in dims}, groups


class _Tally:
    """Per cell (theme t, column g: index t × columns + g): quotes, codings, distinct
    speakers and the best illustrative quotes' ranks; per pair of top-level themes (in
    tree order), the quotes carrying both."""

    def __init__(self, cells: int) -> None:
        self.quotes = [0] * cells
        self.codings = [0] * cells
        self.speakers = [0] * cells
        self.best: list[list[tuple[int, int, int, int]]] = [[] for _ in range(cells)]
        self.pairs: dict[tuple[int, int], int] = {}


def _tally(conn: sqlite3.Connection, ups: dict[int, tuple[int, ...]], tops: frozenset[int],
           spoken: dict[int, tuple[int, int]], width: int, themes: int) -> _Tally:
    """One walk of the codings, a quote at a time: a quote carries a theme when a coder in
    scope applied it or a descendant. SQLite groups the codings by quote and code, with
    the coders as one text (a handful of distinct texts, each read once), and Python
    rolls the codes up to their ancestors: grouping by theme in SQL instead (a join with
    the code closure) sorts a row per coding and ancestor, 1.6 s at a million codings
    against 0.6 s for this query.

    An illustrative quote's rank is (not adjudicated, fewer coders agreeing, distance
    from READABLE, id): smaller is better. A quote's length is read only when it could
    still enter its cell's best on the rest of its rank: 4,300 quotes at 100,000, 14 ms,
    where every quote's length took 80 ms."""
    from bisect import insort

    bits: dict[str, int] = {}  # coder id as SQLite writes it → bit 1 for the consensus,
    for cid, who in sorted(conn.execute("SELECT id, name FROM coder")):
        if who == "consensus":
            bits[str(cid)] = 1
        elif who not in RESERVED_CODERS:
            bits[str(cid)] = 2 << sum(1 for b in bits.values() if b > 1)  # one per person
    read: dict[str, tuple[int, int]] = {}  # coders' text → (codings in scope, their bits)

    def scoped(who: str) -> tuple[int, int]:
        ids = [bits[c] for c in who.split(",") if c in bits]
        mask = 0
        for bit in ids:
            mask |= bit
        read[who] = (len(ids), mask)
        return read[who]

    gaps: dict[int, int] = {}

    def gap(qid: int) -> int:
        if qid not in gaps:
            (length,) = conn.execute("SELECT length(text) FROM quote WHERE id = ?",
                                     (qid,)).fetchone()
            lo, hi = READABLE
            gaps[qid] = 0 if lo <= length <= hi else min(lo - length if length < lo
                                                         else length - hi, FARTHEST)
        return gaps[qid]

    cells = themes * width
    tally = _Tally(cells)
    quotes, codings, best, pairs = tally.quotes, tally.codings, tally.best, tally.pairs
    speakers: list[set[int]] = [set() for _ in range(cells)]
    keyed: dict[int, tuple[int, int]] = {}  # bits → (not adjudicated, fewer agreeing)
    bar = [(2, 0)] * cells  # a cell's K-th best so far: its key, then its gap
    bar_gap = [0] * cells

    def close(qid: int, g: int, pid: int, counted: dict[int, int], masks: dict[int, int]
              ) -> None:
        for t, n in counted.items():
            cell = t * width + g
            quotes[cell] += 1
            codings[cell] += n
            speakers[cell].add(pid)
            mask = masks[t]
            key = keyed.get(mask) or keyed.setdefault(
                mask, (1 - (mask & 1), -(mask >> 1).bit_count()))
            # quotes come in id order: a later one equal on the rest of its rank loses
            if key < bar[cell] or (key == bar[cell] and bar_gap[cell]
                                   and gap(qid) < bar_gap[cell]):
                kept = best[cell]
                insort(kept, (*key, gap(qid), qid))
                del kept[REPORT_QUOTES:]
                if len(kept) == REPORT_QUOTES:
                    bar[cell], bar_gap[cell] = kept[-1][:2], kept[-1][2]
        if len(counted) > 1:
            both = sorted(t for t in counted if t in tops)
            for i, a in enumerate(both):
                for b in both[i + 1:]:
                    pairs[(a, b)] = pairs.get((a, b), 0) + 1

    last, place = -1, None
    counted: dict[int, int] = {}
    masks: dict[int, int] = {}
    for qid, code, who in conn.execute(
            "SELECT quote_id, code_id, group_concat(coder_id) FROM coding "
            "GROUP BY quote_id, code_id ORDER BY quote_id"):
        if qid != last:
            if counted and place is not None:
                close(last, *place, counted, masks)
            last, place, counted, masks = qid, spoken.get(qid), {}, {}
        n, mask = read.get(who) or scoped(who)
        if n and place is not None:
            for t in ups.get(code, ()):
                counted[t] = counted.get(t, 0) + n
                masks[t] = masks.get(t, 0) | mask
    if counted and place is not None:
        close(last, *place, counted, masks)
    tally.speakers = [len(s) for s in speakers]
    return tally


def _by_level(dimensions: dict[str, list[str]], groups: list[tuple[int, str, dict[str, str]]],
            name: list[str], cells: list[dict[str, Any]], sizes: list[int],
            people: list[int]) -> list[dict[str, Any]]:
    """Each theme per level of each dimension: sums over the level's groups (a quote and
    a participant belong to one group), flagged against the dimension's other levels."""
    width = len(groups)
    out: list[dict[str, Any]] = []
    for dim, levels in dimensions.items():
        members = [[g for g, (_gid, _group, placed) in enumerate(groups)
                    if placed.get(dim) == level] for level in levels]
        bases = [sum(sizes[g] for g in chosen) for chosen in members]
        for t, theme in enumerate(name):
            rows = []
            for level, chosen, n in zip(levels, members, bases, strict=True):
                parts = [cells[t * width + g] for g in chosen]
                quotes = sum(p["quotes"] for p in parts)
                rows.append({"theme": theme, "dimension": dim, "level": level,
                             "groups": [groups[g][1] for g in chosen], "quotes": quotes,
                             "codings": sum(p["codings"] for p in parts),
                             "participants": sum(p["participants"] for p in parts),
                             "share": quotes / n if n else 0.0, "flag": None,
                             "level_quotes": n, "base": n,
                             "participants_base": sum(people[g] for g in chosen)})
            for row, flag in zip(rows, _flags([r["quotes"] for r in rows], bases),
                                 strict=True):
                row["flag"] = flag
            out.extend(rows)
    return out


def _illustrations(conn: sqlite3.Connection, tally: _Tally, name: list[str],
                   groups: list[tuple[int, str, dict[str, str]]],
                   ups: dict[int, tuple[int, ...]]) -> list[dict[str, Any]]:
    """The best quotes of every cell, best first, each with its speaker, the group it was
    said in and its words: the whole turn, or, where the cell's theme was applied (in
    scope) to segments of it only, those segments' words, overlapping or touching ones
    joined, in text order, separated by " […] "."""
    width = len(groups)
    chosen = sorted({rank[3] for kept in tally.best for rank in kept})
    said = {qid: (speaker, text, group) for qid, speaker, text, group in conn.execute(
        "SELECT q.id, p.label, q.text, g.name FROM quote q "
        "JOIN participant p ON p.id = q.participant_id JOIN study_group g ON g.id = q.group_id "
        "WHERE q.id IN (SELECT value FROM json_each(?))", (json.dumps(chosen),))}
    spanned = [qid for (qid,) in conn.execute(  # from the index of the few marked codings
        "SELECT DISTINCT quote_id FROM coding WHERE (span_start IS NOT NULL OR memo IS NOT "
        "NULL) AND span_start IS NOT NULL") if qid in said]
    scoped = {cid for cid, who in conn.execute("SELECT id, name FROM coder") if who != "auto"}
    spans: dict[tuple[int, int], list[tuple[int, int]]] = {}
    whole: set[tuple[int, int]] = set()
    for qid, code, coder, lo, hi in conn.execute(
            "SELECT quote_id, code_id, coder_id, span_start, span_end FROM coding "
            "WHERE quote_id IN (SELECT value FROM json_each(?))", (json.dumps(spanned),)):
        for t in ups.get(code, ()) if coder in scoped else ():
            if lo is None:
                whole.add((t, qid))
            else:
                spans.setdefault((t, qid), []).append((lo, hi))
    out = []
    for t, theme in enumerate(name):
        for g, (_gid, group, _placed) in enumerate(groups):
            for flag, minus, _gap, qid in tally.best[t * width + g]:
                speaker, text, home = said[qid]
                if (t, qid) in spans and (t, qid) not in whole:
                    text = " […] ".join(text[lo:hi].strip()
                                        for lo, hi in _joined(spans[(t, qid)]))
                out.append({"theme": theme, "group": group, "id": qid, "speaker": speaker,
                            "speaker_group": home, "text": text, "consensus": not flag,
                            "coders": -minus})
    return out


def _joined(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Stretches of text in order, those that overlap or touch made one."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _flags(counts: list[int], sizes: list[int]) -> list[str | None]:
    """Each column's quotes against the other columns': 'above' or 'below' where the
    two-sided Fisher exact test, Holm-adjusted across the columns, is under ALPHA."""
    hits, total = sum(counts), sum(sizes)
    if not hits or not total:
        return [None] * len(counts)
    p = [_fisher(k, n - k, hits - k, total - n - hits + k, enough=ALPHA)
         for k, n in zip(counts, sizes, strict=True)]
    order = sorted(range(len(p)), key=p.__getitem__)
    adjusted, running = [0.0] * len(p), 0.0
    for done, i in enumerate(order):  # Holm: step down, never below an earlier one
        running = max(running, min(1.0, (len(p) - done) * p[i]))
        adjusted[i] = running
    rate = hits / total
    return [None if not n or q >= ALPHA else "above" if k / n > rate else "below"
            for k, n, q in zip(counts, sizes, adjusted, strict=True)]


def _fisher(a: int, b: int, c: int, d: int, enough: float = 1.0) -> float:
    """The two-sided Fisher exact p-value of [[a, b], [c, d]]: the probability, the
    margins fixed, of the tables no more likely than this one (to a relative 1e-7, as
    SciPy). The hypergeometric law rises to its mode and falls after it, so those tables
    are two tails, found by bisection on each side of the mode and summed outward until
    their terms no longer count (a handful of terms where the support holds thousands).

    Summing stops once the sum reaches `enough`: the flags need p-values only below α.
    Holm's adjustment only raises a p-value, and only from smaller ones, so one at or
    above α is no flag and changes none, whatever its exact value; summed to the end,
    the tails near the mode took a fifth of the report at 100,000 quotes."""
    row, col, n = a + b, a + c, a + b + c + d
    if not n:
        return 1.0
    low, high = max(0, row + col - n), min(row, col)
    const = (lgamma(row + 1) + lgamma(n - row + 1) + lgamma(col + 1) + lgamma(n - col + 1)
             - lgamma(n + 1))

    def log_p(x: int) -> float:
        return const - (lgamma(x + 1) + lgamma(row - x + 1) + lgamma(col - x + 1)
                        + lgamma(n - row - col + x + 1))

    limit = log_p(a) + 1e-7
    mode = min(max((row + 1) * (col + 1) // (n + 2), low), high)
    lo, hi = low - 1, mode  # the last x up to the mode as unlikely as a, else low - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if log_p(mid) <= limit:
            lo = mid
        else:
            hi = mid - 1
    left = lo
    lo, hi = max(mode, left + 1), high + 1  # the first x after it, else high + 1
    while lo < hi:
        mid = (lo + hi) // 2
        if log_p(mid) <= limit:
            hi = mid
        else:
            lo = mid + 1
    right = lo
    total = 0.0
    for start, stop, step in ((left, low - 1, -1), (right, high + 1, 1)):
        for x in range(start, stop, step):
            term = exp(log_p(x))
            total += term
            if term <= 1e-17 * total or total >= enough:
                break
    return min(1.0, total)


def _indicators(db: str, title: str, themes: list[str]) -> list[dict[str, Any]]:
    """The survey figures shown beside their theme: from the first of `indicators.yaml`
    beside the project, `data/indicators.yaml` in the current folder and qualcode's own
    copy (the demo study's) that reads as YAML and names this project's study; none for
    an untitled study. PyYAML is imported only to read a file found: the one exception
    to the standard library."""
    if not title:
        return []
    import importlib.util
    from pathlib import Path

    candidates = [Path(db).parent / "indicators.yaml", Path("data/indicators.yaml")]
    package = importlib.util.find_spec("qualcode")
    if package is not None and package.submodule_search_locations:
        candidates.append(Path(list(package.submodule_search_locations)[0]).resolve()
                          / "demo" / "data" / "indicators.yaml")
    for path in candidates:
        if not path.is_file():
            continue
        try:
            data = _yaml_with_lines(path.read_bytes().decode("utf-8-sig"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        if isinstance(data, dict) and str(data.get("study", "")) == title:
            return _figures(path, data, themes)
    return []


def _yaml_with_lines(text: str) -> Any:
    """The YAML document with each mapping's first line under `__line__` (an indicator
    without an id is called `line-N`); libyaml when PyYAML has it, the Python parser
    for a document libyaml refuses. Raises ValueError for a document neither reads."""
    import yaml

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[str, Any]:
        found = {str(k): v for k, v in loader.construct_mapping(node, deep=True).items()}
        found["__line__"] = node.start_mark.line + 1
        return found

    class Fast(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        pass

    class Slow(yaml.SafeLoader):
        pass

    for loader in (Fast, Slow):
        loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    try:
        return yaml.load(text, Loader=Fast)  # noqa: S506 (a SafeLoader's C twin)
    except yaml.YAMLError:
        try:
            return yaml.load(text, Loader=Slow)  # noqa: S506 (a SafeLoader subclass)
        except yaml.YAMLError as exc:
            raise ValueError(str(exc)) from None


def _figures(path: object, data: dict[str, Any], themes: list[str]) -> list[dict[str, Any]]:
    """The file's indicators as the report lists them, each theme spelt as the codebook
    spells it (case and spacing forgiven); qualcode refuses the file, and so does this,
    when an indicator lacks its value, wording or theme, or names no code."""
    listed = data.get("indicators")
    if not isinstance(listed, list):
        raise ValueError(f"{path}: no `indicators:` list")
    known = {" ".join(t.casefold().split()): t for t in themes}
    out = []
    for raw in listed:
        if not isinstance(raw, dict) or any(raw.get(k) in (None, "")
                                            for k in ("value", "wording", "theme")):
            raise ValueError(f"{path}: an indicator without its value, wording or theme")
        theme = known.get(" ".join(str(raw["theme"]).casefold().split()))
        if theme is None:
            raise ValueError(f"{path}: unknown theme {raw['theme']!r}")
        value = float(raw["value"])
        out.append({"id": str(raw.get("id") or f"line-{raw.get('__line__')}"),
                    "value": int(value) if value.is_integer() else value,
                    "unit": str(raw.get("unit") or ""), "wording": str(raw["wording"]),
                    "base": str(raw.get("base") or ""), "source": str(raw.get("source") or ""),
                    "theme": theme})
    return out


def _language(conn: sqlite3.Connection) -> str:
    """The report speaks its study's language (the study file's `language`, en or fr),
    else the interface's: `$QUALCODE_LANG`, else the settings files' `lang` (the project
    folder's `qualcode.toml` over the user's), else the locale, else English."""
    found = conn.execute("SELECT attributes FROM study ORDER BY id LIMIT 1").fetchone()
    attributes = json.loads(found[0] or "null") if found else None
    study = (attributes or {}).get("language")
    if study and str(study) in LANGUAGES:
        return str(study)
    import os

    chosen = os.environ.get("QUALCODE_LANG") or _setting("lang")
    if not chosen:
        for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
            if os.environ.get(variable):
                code = os.environ[variable].split(".")[0].split("_")[0].split("@")[0]
                chosen = code.lower()
                break
    return chosen if chosen in LANGUAGES else "en"


def _setting(key: str) -> str | None:
    """A key of qualcode's settings files: the current folder's `qualcode.toml` over
    the user's `qualcode/config.toml` (tomllib is imported only for a file that exists)."""
    import os
    from pathlib import Path

    home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    for path in (Path("qualcode.toml"), Path(home) / "qualcode" / "config.toml"):
        if path.is_file():
            import tomllib

            value = tomllib.loads(path.read_text(encoding="utf-8")).get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None


def _json_text(data: Any) -> str:
    """`data` as qualcode prints it: `json.dumps(data, indent=2, ensure_ascii=False)` and
    a newline, with floats as orjson writes them when the document is large (more than
    SMALL_JSON entries), as qualcode then writes it with orjson. The strings go through
    the C encoder; with `indent`, the json module would write everything in Python."""
    from json.encoder import encode_basestring as text

    def entries(value: Any) -> int:
        if isinstance(value, dict):
            return len(value) + sum(entries(v) for v in value.values())
        if isinstance(value, list):
            return len(value) + sum(entries(v) for v in value)
        return 0

    number = _orjson_float if entries(data) > SMALL_JSON else float.__repr__
    out: list[str] = []

    def put(value: Any, pad: str) -> None:
        if isinstance(value, str):
            out.append(text(value))
        elif value is None or isinstance(value, bool):
            out.append("null" if value is None else "true" if value else "false")
        elif isinstance(value, int):
            out.append(int.__repr__(value))
        elif isinstance(value, float):
            out.append(number(value))
        elif not value:
            out.append("{}" if isinstance(value, dict) else "[]")
        else:
            inner = pad + "  "
            ends = "{}" if isinstance(value, dict) else "[]"
            out.append(ends[0])
            items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
            for i, (key, item) in enumerate(items):
                out.append(f"{',' if i else ''}\n{inner}")
                if key is not None:
                    out.append(f"{text(key)}: ")
                put(item, inner)
            out.append(f"\n{pad}{ends[1]}")

    put(data, "")
    return "".join(out) + "\n"


def _orjson_float(value: float) -> str:
    """A float as orjson writes it: Python's shortest repr, but from 1e-5 to 1e-4 as a
    decimal and, further down, the exponent unpadded (`0.00005`, `1.5e-6`)."""
    written = float.__repr__(value)
    mantissa, marked, exponent = written.partition("e-")
    if not marked:
        return written
    if exponent == "05":
        sign = "-" if mantissa.startswith("-") else ""
        return f"{sign}0.0000{mantissa.lstrip('-').replace('.', '')}"
    return f"{mantissa}e-{int(exponent)}"


def quote_pieces(db: str, code: str | None = None) -> Iterator[str]:
    """`qualcode quotes --code CODE --json` byte for byte, a quote at a time: the quotes
    carrying the code (named exactly) or a sub-code (every quote, without a code; that is
    `qualcode quotes --json`), each with every coder's codes in
    codebook order (`tree_order`), its reviewers, segments and memos. A coder's codes on
    a quote come as one SQL group, rendered once per distinct group; strings go through
    the C encoder, since `json.dumps(indent=2)` would run the pure-Python one."""
    from json.encoder import encode_basestring as enc

    conn = sqlite3.connect(db)
    try:
        conn.execute("CREATE TEMP TABLE chosen (id INTEGER PRIMARY KEY)")
        if code is None:
            conn.execute("INSERT INTO chosen SELECT id FROM quote")
        else:
            conn.execute(  # the covering index's scan beats a row lookup per coding
                "WITH RECURSIVE under(id) AS (SELECT id FROM code WHERE name = ? UNION ALL "
                "SELECT c.id FROM code c JOIN under u ON c.parent_id = u.id) "
                "INSERT INTO chosen SELECT DISTINCT quote_id FROM coding INDEXED BY uq_coding "
                "WHERE code_id IN under", (code,))
        coders = {cid: (name, enc(name)) for cid, name in conn.execute(
            "SELECT id, name FROM coder")}
        codes = {cid: enc(name) for cid, name, _parent, _exclusive in tree_order(conn)}
        rank = {str(cid): i for i, cid in enumerate(codes)}
        lines = [f"\n        {name}" for name in codes.values()]
        quotes = conn.execute(
            "SELECT q.id, g.name, p.label, p.is_moderator, q.text FROM chosen "
            "CROSS JOIN quote q ON q.id = chosen.id JOIN study_group g ON g.id = q.group_id "
            "JOIN participant p ON p.id = q.participant_id "
            "ORDER BY g.position, g.id, q.position").fetchall()
        lists: dict[str, str] = {}
        coded: dict[int, list[tuple[str, str]]] = {}
        for quote_id, coder_id, joined in conn.execute(
                "SELECT c.quote_id, c.coder_id, group_concat(c.code_id) FROM chosen "
                "CROSS JOIN coding c ON c.quote_id = chosen.id "
                "GROUP BY c.quote_id, c.coder_id"):
            names = lists.get(joined)
            if names is None:  # a set (segments may repeat a code), in codebook order
                names = lists[joined] = ",".join(
                    [lines[i] for i in sorted({rank[c] for c in joined.split(",")})])
            name, written = coders[coder_id]
            coded.setdefault(quote_id, []).append(
                (name, f"\n      {written}: [{names}\n      ]"))
        marked = conn.execute(
            "SELECT c.quote_id, c.coder_id, c.code_id, c.span_start, c.span_end, c.memo "
            "FROM chosen JOIN coding c ON c.quote_id = chosen.id "
            "WHERE c.span_start IS NOT NULL OR c.memo IS NOT NULL").fetchall()
        memos: dict[int, list[str]] = {}
        for quote_id, coder, text in conn.execute(
                "SELECT m.quote_id, k.name, m.text FROM chosen JOIN memo m "
                "ON m.quote_id = chosen.id JOIN coder k ON k.id = m.coder_id "
                "ORDER BY m.quote_id, k.name"):
            memos.setdefault(quote_id, []).append(
                _object(8, coder=enc(coder), code="null", text=enc(text)))
        reviewers = dict(conn.execute(
            "SELECT r.quote_id, group_concat(r.coder_id) FROM chosen JOIN review r "
            "ON r.quote_id = chosen.id GROUP BY r.quote_id").fetchall())
    finally:
        conn.close()
    texts = {q[0]: q[4] for q in quotes}
    marked.sort(key=lambda r: (coders[r[1]][0], rank[str(r[2])],
                               -1 if r[3] is None else r[3], r[4] or 0))
    segments: dict[int, list[str]] = {}
    for quote_id, coder_id, code_id, start, end, memo in marked:
        coder = coders[coder_id][1]
        if start is not None:
            segments.setdefault(quote_id, []).append(_object(
                8, code=codes[code_id], coder=coder, start=str(start), end=str(end),
                text=enc(texts[quote_id][start:end])))
        if memo:
            memos.setdefault(quote_id, []).append(
                _object(8, coder=coder, code=codes[code_id], text=enc(memo)))
    labels: dict[str, str] = {}
    reviewed: dict[tuple[str, ...], str] = {}
    opening = "[\n"
    for quote_id, group, speaker, moderator, text in quotes:
        mine = sorted(coded.get(quote_id, ()))
        who = tuple(name for name, _piece in mine) + tuple(
            coders[int(k)][0] for k in reviewers.get(quote_id, "").split(",") if k)
        if who not in reviewed:
            reviewed[who] = _array(6, list(map(enc, sorted(set(who)))))
        for label in (group, speaker):
            if label not in labels:
                labels[label] = enc(label)
        yield (f"{opening}  {{\n    \"id\": {quote_id},\n    \"group\": {labels[group]},\n"
               f"    \"speaker\": {labels[speaker]},\n"
               f"    \"moderator\": {'true' if moderator else 'false'},\n"
               f"    \"text\": {enc(text)},\n    \"codes\": "
               + ("{" + ",".join(piece for _n, piece in mine) + "\n    }" if mine else "{}")
               + f",\n    \"reviewed_by\": {reviewed[who]},\n"
               f"    \"segments\": {_array(6, segments.get(quote_id, []))},\n"
               f"    \"memos\": {_array(6, memos.get(quote_id, []))}\n  }}")
        opening = ",\n"
    yield "[]\n" if opening == "[\n" else "\n]\n"


def quotes_with_code(db: str, code: str | None = None) -> str:
    return "".join(quote_pieces(db, code))


def _array(indent: int, items: list[str]) -> str:
    """A JSON array of values already written, laid out as `indent=2` at this depth."""
    if not items:
        return "[]"
    pad = " " * indent
    return "[\n" + ",\n".join(pad + item for item in items) + "\n" + pad[2:] + "]"


def _object(indent: int, **values: str) -> str:
    """A JSON object of values already written (plain keys), laid out as `indent=2`."""
    pad = " " * indent
    return "{\n" + ",\n".join(f'{pad}"{key}": {value}' for key, value in values.items()) \
        + "\n" + pad[2:] + "}"


def tree_order(conn: sqlite3.Connection) -> list[tuple[int, str, int | None, bool]]:
    """Codes parents first, siblings by position: (id, name, parent, exclusive)."""
    children: dict[int | None, list[tuple[int, str, int | None, bool]]] = {}
    for cid, name, parent, exclusive in conn.execute(
            "SELECT id, name, parent_id, exclusive FROM code ORDER BY position, id"):
        children.setdefault(parent, []).append((cid, name, parent, bool(exclusive)))
    out: list[tuple[int, str, int | None, bool]] = []

    def walk(parent: int | None) -> None:
        for node in children.get(parent, []):
            out.append(node)
            walk(node[0])

    walk(None)
    return out


def segment_pieces(db: str) -> Iterator[str]:
    """Every coding as one row with its theme, cell, speaker and attributes: the JSON
    `qualcode segments --format json` prints."""
    conn = sqlite3.connect(db)
    try:
        tree = tree_order(conn)
        order = {cid: i for i, (cid, *_rest) in enumerate(tree)}
        name = {cid: n for cid, n, _p, _e in tree}
        parent = {cid: p for cid, _n, p, _e in tree}

        def top(code: int) -> str:
            while parent[code] is not None:
                code = parent[code]  # type: ignore[assignment]
            return name[code]

        dims = conn.execute("SELECT id, name FROM dimension ORDER BY position, id").fetchall()
        levels: dict[int, dict[int, str]] = {}
        for gid, did, level in conn.execute(
                "SELECT gl.group_id, gl.dimension_id, l.name FROM group_level gl "
                "JOIN level l ON l.id = gl.level_id"):
            levels.setdefault(gid, {})[did] = level
        cells: dict[str, dict[str, str]] = {}
        for gid, gname, attributes in conn.execute(
                "SELECT id, name, attributes FROM study_group ORDER BY position, id"):
            cell = {d: levels[gid][did] for did, d in dims if did in levels.get(gid, {})}
            cells[gname] = {**cell, **{k: str(v) for k, v in json.loads(attributes).items()}}
        found = conn.execute(
            "SELECT g.name, p.label, p.is_moderator, p.attributes, q.id, q.text, c.code_id, "
            "k.name, c.span_start, c.span_end, c.memo, g.position, q.position "
            "FROM coding c JOIN quote q ON q.id = c.quote_id "
            "JOIN study_group g ON g.id = q.group_id "
            "JOIN participant p ON p.id = q.participant_id "
            "JOIN coder k ON k.id = c.coder_id").fetchall()
    finally:
        conn.close()
    found.sort(key=lambda r: (order[r[6]], r[11], r[12], r[8] or 0))
    parsed: dict[str, dict[str, Any]] = {}
    for row in found:
        if row[3] not in parsed:
            parsed[row[3]] = json.loads(row[3])
    people = dict.fromkeys(k for r in found for k in parsed[r[3]])
    columns = ["theme", "code", "coder", "group",
               *dict.fromkeys(k for cell in cells.values() for k in cell), "speaker",
               "moderator", *(f"participant {k}" for k in people), "quote", "start", "end",
               "text", "memo"]

    def rows() -> Iterator[dict[str, Any]]:
        for gname, speaker, moderator, attrs, qid, text, code, who, start, end, memo, *_ \
                in found:
            yield {"theme": top(code), "code": name[code], "coder": who, "group": gname,
                   **cells.get(gname, {}), "speaker": speaker, "moderator": bool(moderator),
                   **{f"participant {k}": v for k, v in parsed[attrs].items()},
                   "quote": qid, "start": start, "end": end,
                   "text": text if start is None else text[start:end], "memo": memo or ""}

    return _indented(columns, rows())


def segments(db: str) -> str:
    return "".join(segment_pieces(db))


def _indented(columns: list[str], rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    """`json.dumps(rows, ensure_ascii=False, indent=2)` and a newline, byte for byte, for
    flat rows, a row at a time as the command writes it: the strings through the C
    encoder, since with `indent` the json module falls back to its pure-Python encoder
    (three times slower than this at a million rows)."""
    from json.encoder import encode_basestring

    def scalar(value: object) -> str:
        if isinstance(value, str):
            return encode_basestring(value)
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    keys = [f"    {encode_basestring(c)}: " for c in columns]
    opening = "[\n"
    for row in rows:
        yield opening + "  {\n" + ",\n".join(
            k + scalar(row.get(c, "")) for k, c in zip(keys, columns, strict=True)) + "\n  }"
        opening = ",\n"
    yield "[]\n" if opening == "[\n" else "\n]\n"


def agreement(db: str) -> str:
    """Krippendorff's alpha (the `krippendorff` package) for every code and exclusive
    parent, over the matrices `qualcode agreement` builds: quotes touched by a coder as
    units; 1 where the coder applied the code or a descendant, 0 where they coded or
    reviewed the quote otherwise, missing where they never touched it; for an exclusive
    parent, one category per set of its children applied."""
    from itertools import chain

    import krippendorff
    import numpy as np

    def integers(rows: list[tuple[int, ...]], width: int) -> Any:
        flat = chain.from_iterable(rows)
        return np.fromiter(flat, dtype=np.int64, count=width * len(rows)).reshape(-1, width)

    conn = sqlite3.connect(db)
    try:
        marks = ",".join("?" * len(RESERVED_CODERS))
        coders = [i for (i,) in conn.execute(
            f"SELECT id FROM coder WHERE name NOT IN ({marks}) AND (id IN "
            "(SELECT coder_id FROM coding) OR id IN (SELECT coder_id FROM review)) "
            "ORDER BY name", RESERVED_CODERS)]
        chosen = ",".join(map(str, coders))
        codings = integers(conn.execute("SELECT coder_id, quote_id, code_id FROM coding "
                                        f"WHERE coder_id IN ({chosen})").fetchall(), 3)
        reviews = integers(conn.execute("SELECT coder_id, quote_id FROM review "
                                        f"WHERE coder_id IN ({chosen})").fetchall(), 2)
        tree = tree_order(conn)
    finally:
        conn.close()
    row_of = np.full(max(coders) + 1, -1, dtype=np.int64)
    row_of[coders] = np.arange(len(coders))
    quotes = np.unique(np.concatenate([codings[:, 1], reviews[:, 1]]))
    rows, cols = row_of[codings[:, 0]], np.searchsorted(quotes, codings[:, 1])
    touched = np.zeros((len(coders), quotes.size), dtype=bool)
    touched[rows, cols] = True
    touched[row_of[reviews[:, 0]], np.searchsorted(quotes, reviews[:, 1])] = True
    children: dict[int | None, list[int]] = {}
    for cid, _n, parent, _e in tree:
        children.setdefault(parent, []).append(cid)

    def family(code: int) -> list[int]:
        return [code, *chain.from_iterable(family(c) for c in children.get(code, []))]

    applied = {cid: np.isin(codings[:, 2], family(cid)) for cid, *_ in tree}
    matrices = []
    for cid, *_ in tree:
        values = np.where(touched, 0.0, np.nan)
        values[rows[applied[cid]], cols[applied[cid]]] = 1.0
        matrices.append(values)
    for pid, _n, _p, exclusive in tree:
        if exclusive:
            sets = np.zeros(touched.shape, dtype=np.int64)
            for bit, child in enumerate(children.get(pid, [])):
                sets[rows[applied[child]], cols[applied[child]]] |= 1 << bit
            matrices.append(np.where(touched, sets, np.nan))
    alphas: list[float | None] = []
    for values in matrices:
        try:
            alphas.append(float(krippendorff.alpha(reliability_data=values,
                                                   level_of_measurement="nominal")))
        except ValueError:  # one value only: alpha undefined
            alphas.append(None)
    return json.dumps(alphas)


FLOORS: dict[str, Callable[..., str | Iterator[str]]] = {
    "report": report, "quotes": quote_pieces, "segments": segment_pieces,
    "agreement": agreement}


if __name__ == "__main__":
    what, db, *rest = sys.argv[1:]
    printed = FLOORS[what](db, *rest)
    sys.stdout.writelines([printed] if isinstance(printed, str) else printed)
