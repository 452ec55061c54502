"""The theme-by-group report, as SPEC's JSON plus the sections researchers write from.

A quote carries a theme when, in scope, a coder applied the theme or any of its
descendants; moderator turns never count. On top of SPEC's cells: totals by dimension
level (the seed's "détail selon l'âge / la catégorie socio-professionnelle"),
illustrative quotes per cell, co-occurrence of themes, and the study's survey figures
beside their theme (a joint display).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from qualcode.db.batches import id_batches
from qualcode.db.reader import Reader, reader_of
from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.reports.columns import Columns, columns
from qualcode.reports.indicators import Indicator
from qualcode.reports.scan import CODERS_SHIFT, CONSENSUS_SHIFT, MAX_CODERS, ScanSpec, Tally, scan
from qualcode.reports.stats import LEVEL_TEST, flag_test, flags
from qualcode.services.agreed import agreed
from qualcode.services.code_tree import CodeNode, code_tree, resolve_codes, subtree
from qualcode.services.design import Design, load_design

if TYPE_CHECKING:
    from sqlmodel import Session

DEFAULT_QUOTES = 3
RESERVED = ("consensus", "auto")


class Scope(NamedTuple):
    """Whose codings count: everyone but `auto` (default), one coder, or consensus."""

    coder: str | None = None
    consensus: bool = False

    @property
    def label(self) -> str:
        if self.consensus:
            return "consensus"
        return f"coder {self.coder}" if self.coder else "all coders"

    def counts(self, name: str) -> bool:
        if self.consensus:
            return name == "consensus"
        if self.coder:
            return name == self.coder
        return name != "auto"


class Options(NamedTuple):
    """What the report covers beyond its scope."""

    theme: str | None = None
    """Only this code and its descendants."""
    quotes: int = DEFAULT_QUOTES
    """Illustrative quotes per theme and group."""
    subthemes_cooccur: bool = False
    """Co-occurrence of every code in the report, not only the top-level themes."""
    indicators: Sequence[Indicator] = ()
    by: str | None = None
    """A participant (else group) attribute whose values are the columns, not the groups."""
    where: tuple[tuple[str, str], ...] = ()
    """(attribute, value): only the participants matching every attribute named."""


def _agreed_rows(db: Reader, coders: dict[int, str]) -> tuple[
        list[tuple[int, int, int]], dict[int, str]]:
    """The team's agreements as consensus codings for the scan; a consensus coder id
    (0, which no table row has, when nobody adjudicated yet) with them."""
    ids = {name: cid for cid, name in coders.items()}
    consensus = ids.get("consensus", 0)
    rows = sorted((q, code, consensus) for q, codes in agreed(db).items()
                  for code in codes)
    return rows, {**coders, consensus: "consensus"}


def compute(source: Reader | Session, scope: Scope = Scope(), options: Options = Options()) -> dict[
    str, Any
]:
    """The report as SPEC's JSON structure (numbers unrounded) plus extra keys."""
    db = reader_of(source)
    if options.quotes < 0:
        raise UserError(_("--quotes must be 0 or more"))
    coders = dict(db.rows("SELECT id, name FROM coder"))
    if scope.coder and scope.coder not in coders.values():
        raise UserError(_("unknown coder {coder!r}").format(coder=scope.coder))
    design = load_design(db)
    codes = _subtree(db, options.theme)
    every = {c.id: c for c in code_tree(db)}
    number = {c.id: i for i, c in enumerate(codes)}
    ancestors: dict[int, tuple[int, ...]] = {}
    for c in codes:
        chain: list[int] = []
        node: CodeNode | None = c
        while node is not None and node.id in number:
            chain.append(number[node.id])
            node = every.get(node.parent_id) if node.parent_id is not None else None
        ancestors[c.id] = tuple(chain)
    roots = {c.id for c in codes if c.parent_id not in number}
    tops = [c for c in codes if (c.parent_id in roots if options.theme else c.id in roots)]
    paired = [c for c in codes if c.id in number] if options.subthemes_cooccur else tops
    extra: list[tuple[int, int, int]] = []
    if scope.consensus:
        extra, coders = _agreed_rows(db, coders)
    bits: dict[int, int] = {}
    for cid, name in sorted(coders.items()):
        if name == "consensus":
            bits[cid] = 1
        elif name != "auto":
            bits[cid] = 1 << (sum(1 for b in bits.values() if b > 1) + 1)
    cols = columns(db, design, options.by, options.where)
    spec = ScanSpec(
        ancestors=ancestors,
        groups=cols.groups,
        people=cols.people,
        columns=len(cols.names),
        paired=frozenset(number[c.id] for c in paired),
        in_scope=frozenset(cid for cid, name in coders.items() if scope.counts(name)),
        agreeing=bits,
        keep=options.quotes,
    )
    tally = scan(db, spec, len(codes), extra)

    width = len(cols.names)
    sizes, people = tally.group_quotes, tally.group_speakers
    cells: list[dict[str, Any]] = []
    for ci, code in enumerate(codes):
        row: list[dict[str, Any]] = []
        for gi, (g, n) in enumerate(zip(cols.names, sizes, strict=True)):
            cell = ci * width + gi
            quotes = tally.quotes[cell]
            row.append({"theme": code.name, "group": g, "quotes": quotes,
                        "codings": tally.codings[cell], "participants": tally.speakers[cell],
                        "share": quotes / n if n else 0.0, "flag": None,
                        "base": n, "participants_base": people[gi]})
        for item, flag in zip(row, flags([c["quotes"] for c in row], sizes), strict=True):
            item["flag"] = flag
        cells.extend(row)
    return {
        "scope": scope.label,
        "test": flag_test(cols.by),
        "level_test": LEVEL_TEST,
        "title": design.title,
        "subtree": codes[0].name if options.theme and codes else None,
        "by": cols.by,
        "where": [f"{name}={value}" for name, value in options.where],
        "dimensions": design.dimensions if cols.by is None else {cols.by: cols.names},
        "groups": [{"name": g, "attributes": a, "quotes": n, "participants": p}
                   for g, a, n, p in zip(cols.names, cols.attributes, sizes, people,
                                         strict=True)],
        "themes": _themes(codes, every, cells, sum(sizes), sum(people)),
        "cells": cells,
        "levels": _levels(design, codes, cells, sizes, people) if cols.by is None else [],
        "quotes": _quotes(db, tally, codes, cols, options.quotes,
                          _Scoped(ancestors, spec.in_scope)),
        "cooccurrence": _cooccurrence(paired, number, tally, cells),
        "indicators": [i.as_json() for i in options.indicators if _in(i.theme, codes)],
    }


def _subtree(db: Reader, theme: str | None) -> list[CodeNode]:
    codes = code_tree(db)
    return codes if theme is None else subtree(codes, resolve_codes(db, [theme])[0])


def _in(theme: str, codes: list[CodeNode]) -> bool:
    return any(c.name == theme for c in codes)


def _themes(codes: list[CodeNode], every: dict[int, CodeNode], cells: list[dict[str, Any]],
            base: int, people: int) -> list[dict[str, Any]]:
    """Each theme with its totals over the columns and their bases: columns never share a
    quote or a participant, so the distinct counts are sums."""
    quotes: dict[str, int] = {}
    speakers: dict[str, int] = {}
    for c in cells:
        quotes[c["theme"]] = quotes.get(c["theme"], 0) + c["quotes"]
        speakers[c["theme"]] = speakers.get(c["theme"], 0) + c["participants"]
    return [{"name": c.name,
             "parent": every[c.parent_id].name if c.parent_id is not None else None,
             "quotes": quotes.get(c.name, 0), "participants": speakers.get(c.name, 0),
             "base": base, "participants_base": people,
             "share": quotes.get(c.name, 0) / base if base else 0.0}
            for c in codes]


def _levels(design: Design, codes: list[CodeNode], cells: list[dict[str, Any]],
            sizes: list[int], people: list[int]) -> list[dict[str, Any]]:
    """Totals per dimension level: groups never share a quote or a participant, so a
    level's distinct counts are sums over its groups."""
    by_cell = {(c["theme"], c["group"]): c for c in cells}
    size = {g.name: n for g, n in zip(design.groups, sizes, strict=True)}
    speakers = {g.name: p for g, p in zip(design.groups, people, strict=True)}
    out: list[dict[str, Any]] = []
    for dim, levels in design.dimensions.items():
        members = {lv: [g for g in design.groups if g.levels.get(dim) == lv] for lv in levels}
        base = [sum(size[g.name] for g in members[lv]) for lv in levels]
        for code in codes:
            rows = []
            for lv, n in zip(levels, base, strict=True):
                parts = [by_cell[(code.name, g.name)] for g in members[lv]]
                quotes = sum(p["quotes"] for p in parts)
                rows.append({"theme": code.name, "dimension": dim, "level": lv,
                             "groups": [g.name for g in members[lv]], "quotes": quotes,
                             "codings": sum(p["codings"] for p in parts),
                             "participants": sum(p["participants"] for p in parts),
                             "share": quotes / n if n else 0.0, "flag": None,
                             "level_quotes": n, "base": n,
                             "participants_base": sum(speakers[g.name] for g in members[lv])})
            for row, flag in zip(rows, flags([r["quotes"] for r in rows], base), strict=True):
                row["flag"] = flag
            out.extend(rows)
    return out


class _Scoped(NamedTuple):
    ancestors: dict[int, tuple[int, ...]]
    """Code id → the report numbers of the code and its ancestors."""
    coders: frozenset[int]


def _segment_words(db: Reader, quote_ids: list[int], scoped: _Scoped,
                   texts: dict[int, tuple[str, str]]) -> dict[tuple[int, int], str]:
    """(theme number, quote) → the coded words, where the quote carries the theme in
    scope only through segments: the seed quotes excerpts, not whole turns."""
    spans: dict[tuple[int, int], set[tuple[int, int]]] = {}
    whole: set[tuple[int, int]] = set()
    for marks, params in id_batches(quote_ids):
        for qid, code_id, coder_id, lo, hi in db.rows(
                "SELECT quote_id, code_id, coder_id, span_start, span_end FROM coding "
                f"WHERE quote_id IN ({marks})", params):
            if coder_id not in scoped.coders:
                continue
            for theme in scoped.ancestors.get(code_id, ()):
                if lo is None:
                    whole.add((theme, qid))
                else:
                    spans.setdefault((theme, qid), set()).add((lo, hi))
    out = {}
    for key, found in spans.items():
        if key in whole:
            continue
        text = texts[key[1]][1]
        out[key] = " […] ".join(text[lo:hi].strip() for lo, hi in _merged(sorted(found)))
    return out


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching stretches as one, so no word is shown twice."""
    out: list[tuple[int, int]] = []
    for lo, hi in spans:
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _quotes(db: Reader, tally: Tally, codes: list[CodeNode], cols: Columns,
            keep: int, scoped: _Scoped) -> list[dict[str, Any]]:
    if not keep:
        return []
    wanted = sorted({qid for best in tally.best for _, qid in best})
    texts: dict[int, tuple[str, str]] = {}
    home: dict[int, str] = {}
    for marks, params in id_batches(wanted):
        for qid, speaker, text, group in db.rows(
                "SELECT q.id, p.label, q.text, g.name FROM quote q JOIN participant p "
                "ON p.id = q.participant_id JOIN study_group g ON g.id = q.group_id "
                f"WHERE q.id IN ({marks})", params):
            texts[int(qid)] = (str(speaker), str(text))
            home[int(qid)] = str(group)
    excerpts = _segment_words(db, wanted, scoped, texts)
    out: list[dict[str, Any]] = []
    width = len(cols.names)
    for ci, code in enumerate(codes):
        for gi, g in enumerate(cols.names):
            for r, qid in tally.best[ci * width + gi]:
                speaker, text = texts[qid]
                out.append({"theme": code.name, "group": g, "id": qid,
                            "speaker": speaker, "speaker_group": home[qid],
                            "text": excerpts.get((ci, qid), text),
                            "consensus": r >> CONSENSUS_SHIFT == 0,
                            "coders": MAX_CODERS - ((r >> CODERS_SHIFT) & MAX_CODERS)})
    return out


def _cooccurrence(names: list[CodeNode], number: dict[int, int], tally: Tally,
                  cells: list[dict[str, Any]]) -> dict[str, Any]:
    """Quotes carrying both themes; the diagonal is each theme's own quote count."""
    totals: dict[str, int] = {}
    for cell in cells:
        totals[cell["theme"]] = totals.get(cell["theme"], 0) + cell["quotes"]
    return {
        "themes": [{"name": c.name, "quotes": totals.get(c.name, 0)} for c in names],
        "pairs": [{"a": a.name, "b": b.name, "quotes": tally.pairs[(number[a.id], number[b.id])]}
                  for i, a in enumerate(names) for b in names[i + 1:]],
    }
