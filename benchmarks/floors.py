"""Floors written with the standard library alone, so that a whole-process floor pays
only Python's start-up and `sqlite3`: imported by the in-process cases and run as
`python -m benchmarks.floors WHAT DB [ARG]` by the whole-process ones. Agreement's floor
is the exception the issue names: NumPy and the `krippendorff` package, imported only
there."""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable, Iterator
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


def report(db: str) -> str:
    conn = sqlite3.connect(db)
    try:
        return json.dumps(counts(conn, closure_values(conn)))
    finally:
        conn.close()


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
